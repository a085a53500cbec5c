package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A web application's classes (loaded by a web application loader, as Tomcat and Jetty load them)
 * cannot obtain the running cluster node unless the operator allowed it; the container can, also
 * from a loader below Baton's.
 */
class WebAppAccessTest {

  @Test
  void aWebApplicationIsRefusedTheRunningNode() throws Exception {
    ClusterSettings settings = settings("off");
    ClusterNode node = ClusterNodes.acquire(settings);
    try {
      assertThatThrownBy(() -> webApplication().apply(settings))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("dev.baton.webapp.NodeGrabber")
          .hasMessageContaining("webAppAccess=on");
      node.put("k".getBytes(), "still serving".getBytes(), 60_000);
      assertThat(node.get("k".getBytes())).isNotNull();
    } finally {
      ClusterNodes.release(node);
    }
  }

  @Test
  void aWebApplicationCannotStartANodeOfItsOwnThroughTheRegistry() {
    ClusterSettings settings = settings("on");
    // Its own settings saying "on" do not count: only a running node's operator can allow it.
    assertThatThrownBy(() -> webApplication().apply(settings)).isInstanceOf(SecurityException.class);
  }

  @Test
  void theOperatorCanAllowWebApplications() throws Exception {
    ClusterSettings settings = settings("on");
    ClusterNode node = ClusterNodes.acquire(settings);
    try {
      ClusterNode theirs = webApplication().apply(settings);
      assertThat(theirs).isSameAs(node);
      ClusterNodes.release(theirs);
    } finally {
      ClusterNodes.release(node);
    }
  }

  @Test
  void containerCodeBelowBatonsLoaderIsTheContainers() throws Exception {
    // Jetty 12 loads each EE environment's classes (its SessionHandler among them) below the
    // server's loader, where Baton is: they are the container's, not a web application's.
    ClusterSettings settings = settings("off");
    ClusterNode node = ClusterNodes.acquire(settings);
    try {
      ClusterNode theirs = grabberIn(new DefiningLoader("ee11", WebAppAccessTest.class.getClassLoader())).apply(settings);
      assertThat(theirs).isSameAs(node);
      ClusterNodes.release(theirs);
    } finally {
      ClusterNodes.release(node);
    }
  }

  private static ClusterSettings settings(String webAppAccess) {
    Map<String, String> p = new LinkedHashMap<>(TestClusters.newCluster("replicated", "async"));
    p.put("nodeName", "n1");
    p.put("webAppAccess", webAppAccess);
    return ClusterSettings.from(p);
  }

  /**
   * {@code NodeGrabber} defined by a web application loader of its own, below Baton's, as a
   * container defines a web application's classes. The loader's class is named as Jetty's is.
   */
  private static Function<ClusterSettings, ClusterNode> webApplication() throws Exception {
    return grabberIn(new WebAppClassLoader(WebAppAccessTest.class.getClassLoader()));
  }

  @SuppressWarnings("unchecked")
  private static Function<ClusterSettings, ClusterNode> grabberIn(ClassLoader loader) throws Exception {
    Class<?> grabber = loader.loadClass(DefiningLoader.OWN);
    assertThat(grabber.getClassLoader()).isSameAs(loader);
    return (Function<ClusterSettings, ClusterNode>) grabber.getDeclaredConstructor().newInstance();
  }

  private static final class WebAppClassLoader extends DefiningLoader {
    WebAppClassLoader(ClassLoader parent) {
      super("webapp", parent);
    }
  }

  /** Defines {@link #OWN} itself; everything else comes from its parent, Baton's loader. */
  private static class DefiningLoader extends ClassLoader {
    static final String OWN = "dev.baton.webapp.NodeGrabber";

    DefiningLoader(String name, ClassLoader parent) {
      super(name, parent);
    }

    @Override
    protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
      if (!n.equals(OWN)) {
        return super.loadClass(n, resolve);
      }
      synchronized (getClassLoadingLock(n)) {
        Class<?> c = findLoadedClass(n);
        if (c != null) {
          return c;
        }
        try (InputStream in = getParent().getResourceAsStream(n.replace('.', '/') + ".class")) {
          byte[] b = in.readAllBytes();
          return defineClass(n, b, 0, b.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(n, e);
        }
      }
    }
  }
}
