package io.cyclelake.model.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trainer checkpoints on the CPU backend with a fixed seed: 8 epochs in one go against 4 epochs, a crash, and a restart
 * that resumes from the checkpoint of epoch 4. Dropout, a per-epoch learning-rate decay and early-stopping state are
 * on, so the shuffle's and ND4J's random states, the updater state, the iteration count and the best weights all have
 * to be restored for the weights to come out equal. They are compared bit for bit.
 */
class CheckpointsTest {
  @TempDir static Path dir;
  static SequenceBatch train;
  static SequenceBatch val;
  static Config params;
  static final long SEED = 5;
  static final String KEY = Checkpoints.key(List.of("lstm", "test settings"));
  /** The uninterrupted training without checkpoints. */
  static Dl4jSequenceModel.Dl4jFitted reference;

  @BeforeAll
  static void train() {
    train = LstmModelTest.data(48, 21);
    val = LstmModelTest.data(16, 22);
    // patience 20 > epochs: never stops early, but keeps (and finally restores) the best epoch's weights
    params = LstmModelTest.params("units = 8, epochs = 8, batch-size = 16, learning-rate = 0.01, dropout = 0.3, "
        + "patience = 20, lr-decay-per-epoch = 0.9");
    reference = fit(Checkpoints.OFF, s -> {});
  }

  static Dl4jSequenceModel.Dl4jFitted fit(Checkpoints c, Consumer<String> progress) {
    return (Dl4jSequenceModel.Dl4jFitted) new LstmModel().fit(train, val, params, SEED, progress, c);
  }

  static float[] weights(Dl4jSequenceModel.Dl4jFitted f) {
    return f.net.params().toFloatVector();
  }

  static Checkpoints in(String sub) {
    return Checkpoints.local(dir.resolve(sub), 2, "lstm", KEY);
  }

  /** Stops training by throwing from the progress line of {@code epoch} (after that epoch's checkpoint). */
  static Consumer<String> crashAfter(int epoch, List<String> lines) {
    return line -> {
      lines.add(line);
      if (line.startsWith("epoch " + epoch + "/")) throw new IllegalStateException("executor lost");
    };
  }

  @Test
  void resumingAfterACrashGivesTheWeightsOfAnUninterruptedTraining() {
    Checkpoints c = in("resume");
    List<String> first = new ArrayList<>();
    assertThrows(IllegalStateException.class, () -> fit(c, crashAfter(4, first)));
    assertEquals(4, first.size(), first.toString());
    assertTrue(Files.exists(Path.of(java.net.URI.create(c.file()))), c.file());

    List<String> second = new ArrayList<>();
    Dl4jSequenceModel.Dl4jFitted resumed = fit(c, second::add);
    assertTrue(second.get(0).startsWith("resuming from checkpoint " + c.file() + " after epoch 4"), second.get(0));
    assertEquals(1 + 4, second.size(), "epochs 5..8 only: " + second);
    assertTrue(second.get(1).startsWith("epoch 5/8"), second.toString());
    assertArrayEquals(weights(reference), weights(resumed), "bit-identical weights after a resume");
    assertEquals(reference.history().size(), resumed.history().size());
    for (int e = 0; e < 8; e++) {
      assertEquals(reference.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), "epoch " + (e + 1));
      assertEquals(reference.history().get(e).validationLoss(), resumed.history().get(e).validationLoss());
    }
    assertTrue(resumed.describe().contains("resumed from the checkpoint of epoch 4"), resumed.describe());
    assertFalse(reference.describe().contains("resumed"), reference.describe());

    // started again once more: the checkpoint of the last epoch says training ended, nothing is trained again
    List<String> third = new ArrayList<>();
    Dl4jSequenceModel.Dl4jFitted done = fit(c, third::add);
    assertEquals(List.of("resuming from checkpoint " + c.file() + " after epoch 8 (training had ended there)"), third);
    assertArrayEquals(weights(reference), weights(done));
  }

  @Test
  void writingCheckpointsDoesNotChangeTheTraining() {
    List<String> lines = new ArrayList<>();
    Dl4jSequenceModel.Dl4jFitted f = fit(in("plain"), lines::add);
    assertEquals(8, lines.size(), "no resume line: nothing to resume from");
    assertArrayEquals(weights(reference), weights(f));
  }

  @Test
  void aCorruptCheckpointIsReportedAndTrainingStartsOver() throws Exception {
    Checkpoints c = in("corrupt");
    assertThrows(IllegalStateException.class, () -> fit(c, crashAfter(2, new ArrayList<>())));
    Path file = Path.of(java.net.URI.create(c.file()));
    byte[] good = Files.readAllBytes(file);
    byte[] flipped = good.clone();
    flipped[flipped.length - 10] ^= 0x5a;
    Files.write(file, flipped);

    // On the local file system Hadoop's own checksum (the .crc file beside it) catches the change first.
    List<String> lines = new ArrayList<>();
    Dl4jSequenceModel.Dl4jFitted f = fit(c, lines::add);
    assertTrue(lines.get(0).startsWith("checkpoint " + c.file() + " is unusable: cannot read it: Checksum error")
        && lines.get(0).endsWith("; training starts over from epoch 1"), lines.get(0));
    assertEquals(1 + 8, lines.size(), lines.toString());
    assertArrayEquals(weights(reference), weights(f), "trained from epoch 1, as if there had been no checkpoint");
    assertTrue(f.describe().contains("an unusable checkpoint was ignored (cannot read it: Checksum error"),
        f.describe());
    // Without Hadoop's checksum (another file system, or the file replaced whole), the checkpoint's own SHA-256.
    assertEquals("its SHA-256 does not match its content (truncated or corrupt, " + good.length + " bytes)",
        c.parse(flipped).problem());

    // the training overwrote it with a good checkpoint (of the last epoch)
    Checkpoints.Loaded now = c.load();
    assertEquals(8, now.state().orElseThrow().epoch());
    assertTrue(now.state().get().stopped());

    // other defects, each named
    assertTrue(c.parse(java.util.Arrays.copyOf(good, 20)).problem().startsWith("not a CycleLake checkpoint"));
    assertTrue(c.parse("garbage that is long enough to hold a header and a digest...".getBytes()).problem()
        .startsWith("not a CycleLake checkpoint"));
    Checkpoints other = Checkpoints.local(dir.resolve("corrupt"), 2, "lstm",
        Checkpoints.key(List.of("lstm", "other settings")));
    assertTrue(other.parse(good).problem().startsWith("it belongs to another training (key "),
        other.parse(good).problem());
    assertTrue(c.parse(good).state().isPresent());
  }

  @Test
  void theKeyCoversSettingsAndData() {
    String a = Checkpoints.key(List.of("lstm", "p", "1"), train, val);
    assertEquals(a, Checkpoints.key(List.of("lstm", "p", "1"), train, val));
    assertFalse(a.equals(Checkpoints.key(List.of("lstm", "p", "2"), train, val)), "another seed");
    assertFalse(a.equals(Checkpoints.key(List.of("lstm", "p", "1"), train, null)), "no validation");
    double[] y = train.y().clone();
    y[3] += 1e-9;
    SequenceBatch changed = new SequenceBatch(train.x(), train.length(), y, train.cell(), train.cycle());
    assertFalse(a.equals(Checkpoints.key(List.of("lstm", "p", "1"), changed, val)), "one label changed");
    assertThrows(io.cyclelake.errors.CycleLakeException.class,
        () -> Checkpoints.Settings.of("x", 0, "/tmp", new org.apache.hadoop.conf.Configuration()));
    assertFalse(Checkpoints.Settings.of("", 3, "/tmp", new org.apache.hadoop.conf.Configuration()).enabled());
    assertEquals("/lake/_runs/s1/checkpoints",
        Checkpoints.Settings.of("checkpoints", 3, "/lake/_runs/s1", new org.apache.hadoop.conf.Configuration()).dir());
    assertEquals("hdfs://nn/ck",
        Checkpoints.Settings.of("hdfs://nn/ck", 3, "/lake/_runs/s1", new org.apache.hadoop.conf.Configuration()).dir());
  }
}
