package io.cyclelake.ingest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Applies {@link ValidationRules} to the records of one file as a reader emits them: a {@link RecordSink} in front of
 * another. A sample that passes goes on unchanged; one that fails goes on as a quarantine record naming the rule, the
 * canonical column, the value and the limit, so every line still ends in exactly one record. Rules, in the order they
 * are checked (the first that fails is reported): {@code required}, {@code finite} (NaN or infinite value), {@code
 * voltage-range}, {@code current-range}, {@code temperature-range}, {@code time-monotonic} ({@code time_s} lower than
 * on the operation's previous accepted sample), {@code duplicate-time} (equal to it) and {@code max-gap} (more than
 * {@code max-gap-s} after it). The time rules compare within one operation ({@code cell_id, cycle_index}) of the file.
 * Impedance points are passed through.
 *
 * <p>A gap quarantines the one sample that ends it, and the operation's reference time moves on to that sample: the
 * samples after it are checked against it, so a gap costs one quarantine row (which names it), never the rest of
 * the operation.
 */
public final class Validator implements RecordSink {
  private final RecordSink out;
  private final ValidationRules rules;
  private final String source;
  private final Map<String, Double> lastTime = new HashMap<>();

  /** The rule name of a jump in time larger than {@link ValidationRules#maxGapS()}. */
  public static final String MAX_GAP = "max-gap";

  public Validator(RecordSink out, ValidationRules rules, String source) {
    this.out = out;
    this.rules = rules;
    this.source = source;
  }

  @Override
  public void sample(SampleRecord r) {
    if (!rules.enabled()) {
      out.sample(r);
      return;
    }
    String key = r.cellId() + "#" + r.cycleIndex();
    String[] v = violation(r, lastTime.get(key));
    if (v == null) {
      if (r.timeS() != null && !r.timeS().isNaN()) lastTime.put(key, r.timeS());
      out.sample(r);
    } else {
      if (v[0].equals(MAX_GAP)) lastTime.put(key, r.timeS());
      out.quarantine(new QuarantineRecord(source, r.sourceFile(), r.sourceLine(), null, v[1], r.cellId(),
          r.cycleIndex(), v[0], v[2], render(r)));
    }
  }

  /**
   * The {@code time_s} the next sample of the operation is checked against (its previous accepted sample's, or the
   * sample that ended a gap), null before any: what a split of the file must start from.
   */
  public Double previousTime(String cellId, int cycleIndex) {
    return lastTime.get(cellId + "#" + cycleIndex);
  }

  @Override
  public void resume(String cellId, int cycleIndex, double previousTimeS) {
    lastTime.put(cellId + "#" + cycleIndex, previousTimeS);
  }

  @Override
  public void impedance(ImpedanceRecord r) {
    out.impedance(r);
  }

  @Override
  public void quarantine(QuarantineRecord r) {
    out.quarantine(r);
  }

  /** {rule, column, message} of the first rule the sample breaks, or null. */
  String[] violation(SampleRecord r, Double previousTime) {
    Double[] values = {r.timeS(), r.voltageV(), r.currentA(), r.temperatureC()};
    String[] names = {"time_s", "voltage_v", "current_a", "temperature_c"};
    for (int i = 0; i < names.length; i++) {
      if (values[i] == null && rules.required().contains(names[i])) {
        return new String[] {"required", names[i], names[i] + " is missing (cyclelake.validation.required)"};
      }
    }
    if (rules.finite()) {
      for (int i = 0; i < names.length; i++) {
        if (values[i] != null && !Double.isFinite(values[i])) {
          return new String[] {"finite", names[i], names[i] + " is " + values[i] + ", not a finite number"};
        }
      }
    }
    String[] range = range("voltage-range", "voltage_v", "voltage-v", r.voltageV(), rules.voltageMin(),
        rules.voltageMax());
    if (range == null) {
      range = range("current-range", "current_a", "current-a", r.currentA(), rules.currentMin(), rules.currentMax());
    }
    if (range == null) {
      range = range("temperature-range", "temperature_c", "temperature-c", r.temperatureC(), rules.temperatureMin(),
          rules.temperatureMax());
    }
    if (range != null) return range;
    if (r.timeS() != null && previousTime != null && Double.isFinite(r.timeS())) {
      if (rules.timeMonotonic() && r.timeS() < previousTime) {
        return new String[] {"time-monotonic", "time_s", String.format(Locale.ROOT,
            "time_s %s is earlier than %s of the operation's previous sample", r.timeS(), previousTime)};
      }
      if (rules.duplicateTime() && r.timeS().equals(previousTime)) {
        return new String[] {"duplicate-time", "time_s", String.format(Locale.ROOT,
            "time_s %s repeats the operation's previous sample's", r.timeS())};
      }
      double gap = r.timeS() - previousTime;
      if (rules.maxGapS() > 0 && gap > rules.maxGapS()) {
        return new String[] {MAX_GAP, "time_s", String.format(Locale.ROOT, "time_s %s is %s s after %s of the "
            + "operation's previous sample, a gap above the maximum %s s (cyclelake.validation.max-gap-s)",
            r.timeS(), gap, previousTime, rules.maxGapS())};
      }
    }
    return null;
  }

  private static String[] range(String rule, String column, String key, Double v, double min, double max) {
    if (v == null || !Double.isFinite(v)) return null;
    if (v < min) {
      return new String[] {rule, column, String.format(Locale.ROOT, "%s %s is below the minimum %s "
          + "(cyclelake.validation.%s.min)", column, v, min, key)};
    }
    if (v > max) {
      return new String[] {rule, column, String.format(Locale.ROOT, "%s %s is above the maximum %s "
          + "(cyclelake.validation.%s.max)", column, v, max, key)};
    }
    return null;
  }

  private static String render(SampleRecord r) {
    return "time_s=" + r.timeS() + ",voltage_v=" + r.voltageV() + ",current_a=" + r.currentA() + ",temperature_c="
        + r.temperatureC();
  }
}
