package io.cyclelake.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** Size, modification time and (lazily) SHA-256 of a raw file: what decides whether it changed since last read. */
public record FileState(String path, long sizeBytes, Instant modifiedAt) {
  public static FileState of(String path) throws IOException {
    Path p = Path.of(path);
    return new FileState(path, Files.size(p), Files.getLastModifiedTime(p).toInstant());
  }

  public String sha256() throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(Path.of(path)), md)) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // reading feeds the digest
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
