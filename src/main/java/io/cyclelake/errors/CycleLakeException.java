package io.cyclelake.errors;

import java.util.Optional;

/** The one exception family of CycleLake: a code, a message that says what, why and how to fix, and a location. */
public class CycleLakeException extends RuntimeException {
  private final ErrorCode code;
  private final SourceLocation where;

  public CycleLakeException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  public CycleLakeException(ErrorCode code, String message, SourceLocation where, Throwable cause) {
    super(where == null ? message : where + ": " + message, cause);
    this.code = code;
    this.where = where;
  }

  public ErrorCode code() {
    return code;
  }

  public Optional<SourceLocation> where() {
    return Optional.ofNullable(where);
  }
}
