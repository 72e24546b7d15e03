package io.cyclelake.ingest;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import io.cyclelake.errors.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks the files a reader planned against the input folder before anything is read: every file must resolve (links
 * followed) to a path inside the folder, and no two planned paths may be the same file. A symbolic link out of the
 * folder (or a {@code ..} that climbs out of it) would make an ingest read, and record in the manifest, data nobody
 * put into the input; two links to one file would ingest its rows twice. Links that stay inside the folder and
 * point to distinct files are fine (a folder of links to a data store, say, when {@code --input} is that store's
 * parent). The input folder itself may be a link.
 */
public final class InputPaths {
  private InputPaths() {}

  /**
   * @param input the ingest's {@code --input} (a folder or one file)
   * @param files planned file paths
   * @throws CycleLakeException INPUT_MALFORMED naming the file and where it leads
   */
  public static void check(Path input, Collection<String> files) {
    Path root;
    try {
      root = input.toRealPath();
    } catch (IOException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MISSING, "cannot resolve the input " + input + ": " + e);
    }
    Path base = Files.isDirectory(root) ? root : root.getParent();
    Map<Path, String> seen = new HashMap<>();
    for (String f : files) {
      Path p = Path.of(f);
      Path real;
      try {
        real = p.toRealPath();
      } catch (IOException e) {
        continue; // gone or unreadable: the parse step records why, with the file
      }
      if (!real.startsWith(base)) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file leads to " + real + ", outside the input "
            + "folder " + base + (Files.isSymbolicLink(p) ? " (it is a symbolic link)" : "") + "; an ingest reads "
            + "only files inside --input: copy the file into the folder, or remove the link",
            new SourceLocation(f, 0, 0, null), null);
      }
      String other = seen.putIfAbsent(real, f);
      if (other != null) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "the file is the same file as " + other + " ("
            + real + "), so its rows would be ingested twice; remove the link",
            new SourceLocation(f, 0, 0, null), null);
      }
    }
  }
}
