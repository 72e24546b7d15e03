package io.cyclelake.ingest.telemetry;

import com.typesafe.config.Config;
import io.cyclelake.ingest.InputFile;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A telemetry reader plug-in: converts one kind of inverter logger export to {@code telemetry_raw}. Found by
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.cyclelake.ingest.telemetry.TelemetryReader}) and chosen
 * by {@link #name()} with {@code ingest --source NAME}. {@link #plan} runs on the driver, {@link #parse} in a Spark
 * task once per file.
 */
public interface TelemetryReader extends Serializable {
  String name();

  String description();

  /** This reader bound to its settings ({@code cyclelake.ingest.<name>}); the returned instance goes to the tasks. */
  TelemetryReader configured(Config settings);

  /**
   * The files under {@code input} (a folder or one file) this reader would read, sorted by path.
   *
   * @throws io.cyclelake.errors.CycleLakeException with {@code INPUT_MISSING} if there are none
   */
  List<InputFile> plan(Path input) throws IOException;

  /**
   * What the reader will leave out of a file (e.g. header columns no channel is mapped to), by path; recorded in the
   * manifest as a note. Reads headers only.
   */
  Map<String, String> notes(List<InputFile> files) throws IOException;

  /** Parses one file: every data line ends in exactly one sample or one quarantine record. */
  void parse(InputFile file, TelemetrySink sink) throws IOException;
}
