package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A parser's rows reach the consumer in order, through a queue that bounds how far the parser runs ahead. */
class StreamedRowsTest {
  @Test
  void everyRowArrivesInOrder() {
    StreamedRows<Integer> rows = new StreamedRows<>("t", out -> {
      for (int i = 0; i < 10_001; i++) out.accept(i);
    }, 64, 2);
    List<Integer> got = new ArrayList<>();
    rows.forEachRemaining(got::add);
    assertEquals(10_001, got.size());
    for (int i = 0; i < got.size(); i++) assertEquals(i, got.get(i));
    assertFalse(rows.hasNext());
  }

  @Test
  void theParserWaitsForTheConsumer() throws InterruptedException {
    AtomicInteger emitted = new AtomicInteger();
    StreamedRows<Integer> rows = new StreamedRows<>("t", out -> {
      for (int i = 0; i < 1_000_000; i++) {
        emitted.incrementAndGet();
        out.accept(i);
      }
    }, 10, 3);
    // The parser fills the queue (3 batches), one batch in hand, then blocks: it cannot run further ahead.
    for (int i = 0; i < 1000 && emitted.get() < 40; i++) Thread.sleep(10);
    Thread.sleep(100);
    int ahead = emitted.get();
    assertEquals(40, ahead, "rows emitted before anything was consumed: 3 queued batches + 1 waiting to be queued");
    assertEquals(0, rows.next());
    rows.cancel();
  }

  @Test
  void aFailingParserEndsTheIterationWithItsErrorAfterItsRows() {
    StreamedRows<Integer> rows = new StreamedRows<>("t", out -> {
      out.accept(1);
      out.accept(2);
      throw new IllegalArgumentException("line 3: broken");
    }, 1, 1);
    assertEquals(1, rows.next());
    assertEquals(2, rows.next());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, rows::hasNext);
    assertEquals("line 3: broken", e.getMessage());
  }

  @Test
  void cancellingStopsTheParser() throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicInteger emitted = new AtomicInteger();
    StreamedRows<Integer> rows = new StreamedRows<>("t", out -> {
      try {
        for (int i = 0; ; i++) {
          out.accept(i);
          emitted.incrementAndGet();
        }
      } finally {
        stopped.countDown();
      }
    }, 4, 1);
    assertEquals(0, rows.next());
    rows.cancel();
    assertTrue(stopped.await(5, TimeUnit.SECONDS), "the parser thread ended");
    assertFalse(rows.hasNext());
    assertTrue(emitted.get() < 100, "emitted " + emitted.get());
  }
}
