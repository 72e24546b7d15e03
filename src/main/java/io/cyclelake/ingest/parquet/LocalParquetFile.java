package io.cyclelake.ingest.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A local file as parquet-mr's {@link InputFile} and {@link OutputFile}, through java.nio: no Hadoop file system (and
 * so no {@code .crc} side files). parquet-hadoop 1.13, the version Spark 3.5 ships, has no local implementation.
 */
public final class LocalParquetFile implements InputFile, OutputFile {
  private final Path path;

  public LocalParquetFile(Path path) {
    this.path = path;
  }

  @Override
  public long getLength() throws IOException {
    return Files.size(path);
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    return new DelegatingSeekableInputStream(Channels.newInputStream(ch)) {
      @Override
      public long getPos() throws IOException {
        return ch.position();
      }

      @Override
      public void seek(long newPos) throws IOException {
        ch.position(newPos);
      }

      @Override
      public void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
          if (ch.read(buf) < 0) throw new java.io.EOFException("end of " + path + " before the data ended");
        }
      }

      @Override
      public int read(ByteBuffer buf) throws IOException {
        return ch.read(buf);
      }
    };
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return open(StandardOpenOption.CREATE_NEW);
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return open(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private PositionOutputStream open(StandardOpenOption... how) throws IOException {
    java.util.Set<StandardOpenOption> o = new java.util.HashSet<>(java.util.List.of(how));
    o.add(StandardOpenOption.WRITE);
    FileChannel ch = FileChannel.open(path, o);
    java.io.OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
    return new PositionOutputStream() {
      private long pos;

      @Override
      public long getPos() {
        return pos;
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        pos++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        pos += len;
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
