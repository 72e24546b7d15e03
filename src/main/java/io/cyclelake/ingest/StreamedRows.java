package io.cyclelake.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * The rows a push-style parser emits, handed to a pull-style consumer (a Spark task's iterator) through a small
 * bounded queue: the parser runs in its own thread and blocks while the consumer is behind, so a task holds at most
 * {@code (capacity + 2) * batch} rows whatever the size of the file. A parser that throws ends the iteration with
 * its exception; {@link #cancel()} (the task ended early) stops the parser at its next row.
 *
 * @param <T> row type
 */
public final class StreamedRows<T> implements Iterator<T> {
  private final BlockingQueue<List<T>> queue;
  private final List<T> end = new ArrayList<>(0);
  private final Thread producer;
  private volatile Throwable failure;
  private Iterator<T> current = Collections.emptyIterator();
  private boolean ended;

  /** Thrown inside the parser when the consumer went away; the parser need not catch it. */
  static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("the consumer of the rows stopped", null, false, false);
    }
  }

  /**
   * Starts {@code parser} in a daemon thread named {@code name}; it emits rows into the consumer it is given.
   *
   * @param batch rows per queue element
   * @param capacity queue elements
   */
  public StreamedRows(String name, Consumer<Consumer<T>> parser, int batch, int capacity) {
    if (batch < 1 || capacity < 1) throw new IllegalArgumentException("batch and capacity must be >= 1");
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.producer = new Thread(() -> {
      List<T>[] buf = new List[] {new ArrayList<T>(batch)};
      try {
        parser.accept(row -> {
          buf[0].add(row);
          if (buf[0].size() >= batch) {
            put(buf[0]);
            buf[0] = new ArrayList<>(batch);
          }
        });
        if (!buf[0].isEmpty()) put(buf[0]);
      } catch (Cancelled c) {
        return;
      } catch (Throwable t) {
        failure = t;
      }
      try {
        put(end);
      } catch (Cancelled c) {
        // nobody is listening any more
      }
    }, name);
    producer.setDaemon(true);
    producer.start();
  }

  /** Rows per queue element and queue elements of {@link #inTask}: at most 24,576 rows are held per file. */
  static final int TASK_BATCH_ROWS = 4096;
  static final int TASK_QUEUE_BATCHES = 4;

  /**
   * {@code parser}'s rows for the current Spark task's iterator; the parser is stopped when the task ends, also when
   * it ends early (failed, killed).
   */
  public static <T> StreamedRows<T> inTask(String name, Consumer<Consumer<T>> parser) {
    StreamedRows<T> s = new StreamedRows<>(name, parser, TASK_BATCH_ROWS, TASK_QUEUE_BATCHES);
    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> s.cancel());
    }
    return s;
  }

  private void put(List<T> rows) {
    try {
      queue.put(rows);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancelled();
    }
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext()) {
      if (ended) return false;
      List<T> next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancel();
        throw new IllegalStateException("interrupted while waiting for parsed rows", e);
      }
      if (next == end) {
        ended = true;
        Throwable t = failure;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error err) throw err;
        if (t != null) throw new IllegalStateException(t);
        return false;
      }
      current = next.iterator();
    }
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) throw new NoSuchElementException();
    return current.next();
  }

  /** Stops the parser (the consumer will not read on) and drops what it queued. */
  public void cancel() {
    ended = true;
    current = Collections.emptyIterator();
    producer.interrupt();
    queue.clear();
  }
}
