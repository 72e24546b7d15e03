package io.cyclelake.model.sequence;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.model.Serialized;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Training checkpoints of one sequence-model training: every {@code every} epochs (and at the epoch training stops)
 * {@link Trainer} writes the whole training state to one file, and a training started again with the same settings
 * resumes after the last saved epoch instead of starting over (a sweep task that Spark retries after an executor
 * loss, or a sweep run again with a fixed {@code sequence.checkpoint.dir}).
 *
 * <p>The file is {@code <dir>/<model>-<first 16 hex digits of the key>.ckpt}; the key is a SHA-256 over everything
 * that decides the training's result (model, settings, seed, label scaling, the scaled training and validation
 * sequences and labels: {@link #key}), so another setting or other data never resumes from it. Its content:
 * {@link #MAGIC}, the SHA-256 of the payload, then the payload (a Java-serialised {@link State}). It is written to a
 * temporary file first and renamed, so a crash while writing leaves the previous checkpoint. A file that cannot be
 * used (wrong magic, digest mismatch, unreadable, another key, a network of another shape) is reported through the
 * progress lines and training starts over from epoch 1; it is overwritten by the next checkpoint.
 *
 * <p>Files go through Hadoop's {@link FileSystem}, so the directory may be on any file system the lake can be on; the
 * Hadoop configuration is the driver's, shipped with the settings.
 */
public final class Checkpoints implements Serializable {
  private static final long serialVersionUID = 1L;

  /** First bytes of a checkpoint file (format version 1). */
  static final byte[] MAGIC = "CYCLELAKE-CKPT-1\n".getBytes(StandardCharsets.US_ASCII);

  /** No checkpoints: nothing is written or read. */
  public static final Checkpoints OFF = new Checkpoints(null, 1, "", null);

  private final String file;
  private final int every;
  private final String key;
  private final SerializableConfiguration hadoop;

  private Checkpoints(String file, int every, String key, SerializableConfiguration hadoop) {
    this.file = file;
    this.every = every;
    this.key = key;
    this.hadoop = hadoop;
  }

  /**
   * Where the checkpoints of a sweep go ({@code cyclelake.sequence.checkpoint}).
   *
   * @param dir the directory (a full Hadoop path or URI), null when checkpoints are off
   * @param every epochs between two checkpoints, at least 1
   */
  public record Settings(String dir, int every, SerializableConfiguration hadoop) implements Serializable {
    public static final Settings OFF = new Settings(null, 1, null);

    public Settings {
      if (every < 1) {
        throw new CycleLakeException(ErrorCode.CONFIG_INVALID, "sequence.checkpoint.every must be >= 1 epoch, got "
            + every + " (set sequence.checkpoint.dir = \"\" to turn checkpoints off)");
      }
    }

    /**
     * @param dir {@code sequence.checkpoint.dir}: empty = off; a relative path is taken under {@code runDir}
     * @param runDir the sweep's directory in the lake (a full path)
     */
    public static Settings of(String dir, int every, String runDir, Configuration hadoop) {
      if (dir.isBlank()) return new Settings(null, every, null);
      boolean absolute = dir.startsWith("/") || dir.contains("://");
      return new Settings(absolute ? dir : runDir + "/" + dir, every, new SerializableConfiguration(hadoop));
    }

    public boolean enabled() {
      return dir != null;
    }

    /** The checkpoints of the training identified by {@code key} ({@link Checkpoints#key}) of {@code model}. */
    public Checkpoints forTraining(String model, String key) {
      if (!enabled()) return Checkpoints.OFF;
      return new Checkpoints(dir + "/" + model + "-" + key.substring(0, 16) + ".ckpt", every, key, hadoop);
    }
  }

  /** Checkpoints in {@code dir} of the local file system (tests, single-machine use). */
  public static Checkpoints local(java.nio.file.Path dir, int every, String model, String key) {
    return Settings.of(dir.toAbsolutePath().toUri().toString(), every, "", new Configuration()).forTraining(model, key);
  }

  public boolean enabled() {
    return file != null;
  }

  public int every() {
    return every;
  }

  /** The training's key ({@link #key(List, SequenceBatch...)}), empty when off. */
  public String key() {
    return key;
  }

  /** The checkpoint file (a Hadoop path), null when off. */
  public String file() {
    return file;
  }

  /** True when the state after {@code epoch} is saved: every {@link #every()} epochs and when training stops. */
  boolean due(int epoch, boolean stops) {
    return enabled() && (stops || epoch % every == 0);
  }

  /**
   * The complete training state after an epoch.
   *
   * @param network the network with its updater state ({@code ModelSerializer}, updater included)
   * @param shuffle the minibatch shuffle's {@link Random}, serialised (its exact state)
   * @param order the training rows' order after this epoch's shuffle (the next shuffle permutes it)
   * @param rngRoot ND4J's random generator state (dropout masks), root part
   * @param rngNode the same, node part
   * @param best the best weights so far (early stopping), null when none are kept
   * @param stopped true when training ended at this epoch (early stop or the last epoch)
   */
  public record State(String key, int epoch, boolean stopped, byte[] network, byte[] shuffle, int[] order, long rngRoot,
      long rngNode, List<SequenceModel.EpochStats> history, byte[] best, double bestLoss, int bestEpoch,
      int sinceBest) implements Serializable {}

  /** Serialises {@code r} (its exact state, to continue the same sequence). */
  static byte[] randomState(Random r) {
    return Serialized.bytes(r);
  }

  static Random random(byte[] state) {
    return Serialized.read(state, Random.class, "random state");
  }

  /** Writes {@code s} atomically (a temporary file renamed over the previous checkpoint). */
  void save(State s) {
    byte[] payload = Serialized.bytes(s);
    Path p = new Path(file);
    Path tmp = new Path(file + ".tmp-" + UUID.randomUUID());
    try {
      FileSystem fs = p.getFileSystem(hadoop.value());
      fs.mkdirs(p.getParent());
      try (var out = fs.create(tmp, true)) {
        out.write(MAGIC);
        out.write(sha256(payload));
        out.write(payload);
      }
      if (fs.exists(p)) fs.delete(p, false);
      if (!fs.rename(tmp, p)) throw new IOException("rename of " + tmp + " to " + p + " failed");
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.JOB_FAILED, "cannot write the training checkpoint " + p + ": "
          + e.getMessage() + " (check sequence.checkpoint.dir, or set it to \"\" to train without checkpoints)",
          null, e);
    }
  }

  /** What {@link #load()} found. */
  public record Loaded(Optional<State> state, String problem) {
    static Loaded none() {
      return new Loaded(Optional.empty(), null);
    }

    static Loaded unusable(String problem) {
      return new Loaded(Optional.empty(), problem);
    }
  }

  /**
   * The last checkpoint of this training: empty without a file; empty with {@link Loaded#problem()} set when a file
   * exists but cannot be used (the reason says which check failed).
   */
  Loaded load() {
    if (!enabled()) return Loaded.none();
    Path p = new Path(file);
    byte[] bytes;
    try {
      FileSystem fs = p.getFileSystem(hadoop.value());
      if (!fs.exists(p)) return Loaded.none();
      try (var in = fs.open(p)) {
        bytes = in.readAllBytes();
      }
    } catch (IOException e) {
      return Loaded.unusable("cannot read it: " + e.getMessage());
    }
    return parse(bytes);
  }

  Loaded parse(byte[] bytes) {
    int head = MAGIC.length + 32;
    if (bytes.length < head || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return Loaded.unusable("not a CycleLake checkpoint (" + bytes.length + " bytes, no '"
          + new String(MAGIC, StandardCharsets.US_ASCII).strip() + "' header)");
    }
    byte[] payload = Arrays.copyOfRange(bytes, head, bytes.length);
    if (!Arrays.equals(sha256(payload), Arrays.copyOfRange(bytes, MAGIC.length, head))) {
      return Loaded.unusable("its SHA-256 does not match its content (truncated or corrupt, " + bytes.length
          + " bytes)");
    }
    Object o;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
      o = in.readObject();
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return Loaded.unusable("cannot deserialise it: " + e);
    }
    if (!(o instanceof State s)) {
      return Loaded.unusable("it holds a " + o.getClass().getName() + ", not a training state");
    }
    if (!s.key().equals(key)) {
      return Loaded.unusable("it belongs to another training (key " + s.key().substring(0, 16) + "..., expected "
          + key.substring(0, 16) + "...)");
    }
    return new Loaded(Optional.of(s), null);
  }

  /**
   * The key of a training: SHA-256 (hex) over the strings (model, settings, seed, ...) and the batches (scaled
   * sequences, lengths, labels, cells, cycles; null = no batch).
   */
  public static String key(List<String> parts, SequenceBatch... batches) {
    try (ByteArrayOutputStream b = new ByteArrayOutputStream(); ObjectOutputStream out = new ObjectOutputStream(b)) {
      for (String s : parts) out.writeUTF(s);
      for (SequenceBatch x : batches) {
        out.writeBoolean(x != null);
        if (x == null) continue;
        out.writeObject(x.x());
        out.writeObject(x.length());
        out.writeObject(x.y());
        out.writeObject(x.cell());
        out.writeObject(x.cycle());
      }
      out.flush();
      return HexFormat.of().formatHex(sha256(b.toByteArray()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot hash the training's inputs", e);
    }
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return enabled() ? "checkpoints every " + every + " epochs in " + file : "no checkpoints";
  }
}
