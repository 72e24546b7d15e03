package io.cyclelake.errors;

/** Every user-facing failure has a code; tests assert the code, not the wording. */
public enum ErrorCode {
  CONFIG_INVALID(2),
  CONFIG_FILE_MISSING(2),
  UNKNOWN_NAME(2),
  INPUT_MISSING(3),
  INPUT_MALFORMED(3),
  TABLE_MISSING(4),
  NO_TRAINING_DATA(5),
  JOB_FAILED(10);

  private final int exitCode;

  ErrorCode(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code the CLI uses for this failure. */
  public int exitCode() {
    return exitCode;
  }
}
