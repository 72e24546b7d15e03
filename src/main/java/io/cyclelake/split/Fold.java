package io.cyclelake.split;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * One fold of a split: the part of every labelled row, aligned with the {@link SplitRows} it was made from.
 *
 * @param name e.g. {@code test=B0005}, recorded with every run
 * @param part per row {@link #TRAIN}, {@link #VALIDATION}, {@link #TEST} or {@link #UNUSED}
 */
public record Fold(String name, byte[] part) implements Serializable {
  public static final byte UNUSED = -1;
  public static final byte TRAIN = 0;
  public static final byte VALIDATION = 1;
  public static final byte TEST = 2;

  public static String partName(byte p) {
    return switch (p) {
      case TRAIN -> Splitter.TRAIN;
      case VALIDATION -> Splitter.VALIDATION;
      case TEST -> Splitter.TEST;
      default -> "unused";
    };
  }

  /** Row indices in part {@code p}. */
  public int[] rows(byte p) {
    int n = 0;
    for (byte b : part) if (b == p) n++;
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < part.length; i++) if (part[i] == p) out[k++] = i;
    return out;
  }

  public int count(byte p) {
    int n = 0;
    for (byte b : part) if (b == p) n++;
    return n;
  }

  /** Cells with at least one row in part {@code p}, sorted. */
  public Set<String> cells(SplitRows rows, byte p) {
    Set<String> s = new TreeSet<>();
    for (int i = 0; i < part.length; i++) if (part[i] == p) s.add(rows.cell()[i]);
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fold f && f.name.equals(name) && Arrays.equals(f.part, part);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(part);
  }

  @Override
  public String toString() {
    return "Fold[" + name + ", train=" + count(TRAIN) + ", validation=" + count(VALIDATION) + ", test="
        + count(TEST) + ", unused=" + count(UNUSED) + "]";
  }
}
