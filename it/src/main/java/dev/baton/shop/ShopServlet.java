package dev.baton.shop;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.UUID;

/**
 * The sample shop, behind FORM login (role {@code customer}). Every answer is one line of
 * {@code key=value} pairs so that tests and the demo can read it:
 * <pre>
 * GET  /api/state            node=… user=… cart=a|b billing=… payment=txn:STEP session=… note=…
 * POST /api/cart?item=book   adds to the cart (changed in place, never set again)
 * POST /api/billing?name=…&street=…&city=…
 * POST /api/pay              starts a payment (AUTHORIZED); POST /api/pay?capture captures it
 * POST /api/logout           invalidates the session
 * POST /api/timeout?seconds=2 sets the session's max inactive interval
 * POST /api/note?text=…       pins a {@link StickyNote} (it cannot be serialized: it stays on this node)
 * GET  /public/stats         sessions created and destroyed on this node, carts swapped out and in, and the
 *                             Baton node's writes, write messages and view size if there is one (no login needed)
 * GET  /public/blob?size=N    writes N new random bytes into the session (the load tools' request:
 *                             different every time, so every request really changes the session)
 * GET  /public/has            has=true if the session exists here with its blob
 * GET  /public/tls            this connection's cipher and client certificate, and the TLS identity
 *                             Baton bound to the session (creates the session)
 * </pre>
 */
public class ShopServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("text/plain;charset=UTF-8");
    if ("/public".equals(req.getServletPath())) {
      publicRequest(req, resp);
      return;
    }
    HttpSession s = req.getSession();
    Cart cart = (Cart) s.getAttribute("cart");
    BillingAddress billing = (BillingAddress) s.getAttribute("billing");
    Payment payment = (Payment) s.getAttribute("payment");
    StickyNote note = (StickyNote) s.getAttribute("note");
    resp.getWriter().println("node=" + node()
        + " user=" + req.getRemoteUser()
        + " cart=" + (cart == null ? "" : String.join("|", cart.items()))
        + " billing=" + (billing == null ? "" : billing.name() + "," + billing.street() + "," + billing.city())
        + " payment=" + (payment == null ? "" : payment.transactionId() + ":" + payment.step())
        + " session=" + s.getId()
        + " note=" + (note == null ? "" : note.text()));
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getPathInfo() == null ? "" : req.getPathInfo();
    HttpSession s = req.getSession();
    switch (path) {
      case "/cart" -> {
        Cart cart = (Cart) s.getAttribute("cart");
        if (cart == null) {
          cart = new Cart();
          s.setAttribute("cart", cart);
        }
        cart.add(req.getParameter("item"));
      }
      case "/billing" -> s.setAttribute("billing",
          new BillingAddress(req.getParameter("name"), req.getParameter("street"), req.getParameter("city")));
      case "/pay" -> {
        Payment p = (Payment) s.getAttribute("payment");
        if (req.getParameter("capture") != null && p != null) {
          p.capture();
        } else {
          s.setAttribute("payment", new Payment("txn-" + UUID.randomUUID().toString().substring(0, 8)));
        }
      }
      case "/note" -> s.setAttribute("note", new StickyNote(req.getParameter("text")));
      case "/timeout" -> s.setMaxInactiveInterval(Integer.parseInt(req.getParameter("seconds")));
      case "/logout" -> {
        s.invalidate();
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().println("node=" + node() + " logged-out");
        return;
      }
      default -> {
        resp.sendError(404);
        return;
      }
    }
    doGet(req, resp);
  }

  private static void publicRequest(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    switch (req.getPathInfo() == null ? "" : req.getPathInfo()) {
      case "/blob" -> {
        HttpSession s = req.getSession();
        byte[] blob = new byte[Integer.parseInt(req.getParameter("size"))];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(blob);
        s.setAttribute("blob", blob);
        resp.getWriter().println("node=" + node() + " session=" + s.getId());
      }
      case "/has" -> {
        HttpSession s = req.getSession(false);
        resp.getWriter().println("node=" + node() + " has=" + (s != null && s.getAttribute("blob") != null));
      }
      case "/tls" -> {
        HttpSession s = req.getSession();
        Object certs = req.getAttribute("jakarta.servlet.request.X509Certificate");
        String peer = certs instanceof java.security.cert.X509Certificate[] c && c.length > 0
            ? c[0].getSubjectX500Principal().getName() : null;
        resp.getWriter().println("node=" + node() + " cipher=" + req.getAttribute("jakarta.servlet.request.cipher_suite")
            + " peer=" + peer + " session=" + s.getId() + " bound=[" + s.getAttribute("dev.baton.tls.identity") + "]");
      }
      default -> resp.getWriter().println("node=" + node() + " created=" + SessionCounter.CREATED.get()
          + " destroyed=" + SessionCounter.DESTROYED.get() + " passivated=" + SessionCounter.PASSIVATED.get()
          + " activated=" + SessionCounter.ACTIVATED.get() + batonCounters());
    }
  }

  /**
   * This JVM's Baton node's write counters and the size of its cluster view (from its JMX MBean),
   * for the comparison tools and the tests; empty without Baton.
   */
  private static String batonCounters() {
    try {
      javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
      for (javax.management.ObjectName n : server.queryNames(new javax.management.ObjectName("dev.baton:type=ClusterNode,*"), null)) {
        return " batonwrites=" + server.getAttribute(n, "Writes") + " batonmessages=" + server.getAttribute(n, "WriteMessages")
            + " batonmembers=" + server.getAttribute(n, "Members");
      }
    } catch (javax.management.JMException e) {
      return " batoncounters=" + e.getClass().getSimpleName();
    }
    return "";
  }

  private static String node() {
    return System.getProperty("baton.node", System.getProperty("jvmRoute", "?"));
  }
}
