package io.cyclelake.lake;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a job again when another writer's Delta commit conflicted with one of its own (Delta's optimistic
 * concurrency: the second of two conflicting commits fails whole). A retry is safe for the jobs that use this (ingest,
 * features): each of their writes replaces or upserts the rows it is about in one transaction, and the table that
 * says what is done (the files manifest, features_summary) is written last.
 */
public final class ConcurrentCommits {
  private ConcurrentCommits() {}

  /** How many times a job runs when a concurrent writer's commit conflicts with one of its own. */
  public static final int ATTEMPTS = 3;

  /** The Delta concurrent-modification exception in {@code e}'s causes, or null. */
  public static Throwable find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.delta.exceptions.DeltaConcurrentModificationException
          || t instanceof org.apache.spark.sql.delta.DeltaConcurrentModificationException) {
        return t;
      }
      if (t.getCause() == t) break;
    }
    return null;
  }

  /**
   * Runs {@code job} up to {@link #ATTEMPTS} times while it fails on a conflicting commit; any other failure goes
   * through at once.
   *
   * @param name the job, as messages name it ("ingest")
   * @param beforeRetry what a retry does first ("reading the manifest again"), said on {@code say}
   * @param afterLast why nothing is corrupt and what to do, ending the JOB_FAILED message of the last conflict
   */
  public static <T> T retry(Lake lake, String name, String beforeRetry, String afterLast, Consumer<String> say,
      Supplier<T> job) {
    for (int attempt = 1; ; attempt++) {
      try {
        return job.get();
      } catch (RuntimeException e) {
        Throwable conflict = find(e);
        if (conflict == null) throw e;
        if (attempt >= ATTEMPTS) {
          throw new CycleLakeException(ErrorCode.JOB_FAILED, "another job wrote to the lake " + lake.root()
              + " while this " + name + " did, " + attempt + " times in a row (" + conflict.getMessage().lines()
              .findFirst().orElse("") + "). Nothing is corrupt: " + afterLast, null, e);
        }
        say.accept(name + ": another job committed to the lake at the same time (" + conflict.getClass()
            .getSimpleName() + "); " + beforeRetry + " and retrying (attempt " + (attempt + 1) + " of " + ATTEMPTS
            + ")");
      }
    }
  }
}
