package io.cyclelake.ingest;

import java.io.Serializable;

/** A raw file an ingest parses in one Spark task; {@code kind} is the reader's own label for its format. */
public record InputFile(String path, String kind) implements Serializable {}
