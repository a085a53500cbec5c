package dev.baton.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one probe per item on a few threads, as several clients of a load balancer would arrive at
 * a survivor at once, and returns the results in the items' order.
 */
public final class InParallel {

  /** Clients at once: enough to keep a node busy, few enough for a 2-core machine. */
  public static final int CLIENTS = 8;

  /** A probe of one item. */
  public interface Probe<T, R> {
    R apply(int index, T item) throws Exception;
  }

  private InParallel() {}

  public static <T, R> List<R> map(List<T> items, Probe<T, R> probe) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<R>> futures = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        int index = i;
        T item = items.get(i);
        Callable<R> task = () -> probe.apply(index, item);
        futures.add(pool.submit(task));
      }
      List<R> out = new ArrayList<>(items.size());
      for (Future<R> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception ex ? ex : e;
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
