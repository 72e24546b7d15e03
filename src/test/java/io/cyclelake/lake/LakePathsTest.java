package io.cyclelake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Files the lake writes (run records, saved models) stay under its root, whatever the settings say. */
class LakePathsTest {
  @Test
  void aRelativePathInsideTheRootIsKept() {
    assertEquals("/data/lake/_runs/r1/run.json", Lake.inside("/data/lake", "_runs/r1/run.json"));
    assertEquals("s3a://b/lake/_runs/x..y/m.model", Lake.inside("s3a://b/lake", "_runs/x..y/m.model"));
    assertEquals("/l/_runs/sweep:a-s1-f0.model", Lake.inside("/l", "_runs/sweep:a-s1-f0.model"));
  }

  @Test
  void pathsLeadingOutOfTheRootAreRefused() {
    for (String bad : List.of("../../etc/cron.d/x", "_runs/../../x", "/etc/passwd", "s3a://other/bucket/x", "C:/x",
        "..\\\\..\\\\x")) {
      CycleLakeException e = assertThrows(CycleLakeException.class, () -> Lake.inside("/data/lake", bad), bad);
      assertEquals(ErrorCode.CONFIG_INVALID, e.code());
      assertTrue(e.getMessage().contains("would be written outside the lake /data/lake"), e.getMessage());
    }
  }
}
