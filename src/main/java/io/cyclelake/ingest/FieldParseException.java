package io.cyclelake.ingest;

/** A field that is not what its column promises; readers turn it into a quarantine record with the column. */
public final class FieldParseException extends Exception {
  private final String rule;

  public FieldParseException(String rule, String message) {
    super(message, null, false, false);
    this.rule = rule;
  }

  public String rule() {
    return rule;
  }
}
