package io.cyclelake.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cyclelake.testkit.CollectingSink;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule of the Validator, with the defaults of reference.conf and with changed settings. */
class ValidatorTest {
  static final ValidationRules DEFAULTS = ValidationRules.defaults();

  static SampleRecord s(String cell, int cycle, Double t, Double v, Double i, Double temp) {
    return new SampleRecord(cell, cycle, "discharge", 0, t, v, i, temp, null, null, "f.csv", 7);
  }

  /** The rule each sample broke, in order; "ok" for a sample that passed. */
  static List<String> run(ValidationRules rules, SampleRecord... samples) {
    CollectingSink out = new CollectingSink();
    Validator v = new Validator(out, rules, "test");
    for (SampleRecord r : samples) v.sample(r);
    List<String> got = new java.util.ArrayList<>();
    int q = 0;
    int a = 0;
    for (SampleRecord r : samples) {
      boolean accepted = a < out.samples.size() && out.samples.get(a) == r;
      if (accepted) {
        got.add("ok");
        a++;
      } else {
        got.add(out.rejected.get(q++).rule());
      }
    }
    assertEquals(samples.length, out.samples.size() + out.rejected.size(), "rows = accepted + quarantined");
    return got;
  }

  @Test
  void ranges() {
    assertEquals(List.of("ok", "voltage-range", "voltage-range", "current-range", "temperature-range", "ok"),
        run(DEFAULTS, s("a", 0, 0.0, 4.2, -2.0, 25.0), s("a", 0, 1.0, 10.5, -2.0, 25.0),
            s("a", 0, 2.0, -1.5, -2.0, 25.0), s("a", 0, 3.0, 4.0, -1500.0, 25.0), s("a", 0, 4.0, 4.0, -2.0, 151.0),
            s("a", 0, 5.0, 4.0, -2.0, null)));
    ValidationRules tight = new ValidationRules(true, 2.5, 4.3, -5, 5, 0, 60, true, false, true, List.of());
    assertEquals(List.of("voltage-range", "current-range", "temperature-range", "ok"),
        run(tight, s("a", 0, 0.0, 4.4, 1.0, 25.0), s("a", 0, 1.0, 4.0, 6.0, 25.0), s("a", 0, 2.0, 4.0, 1.0, -1.0),
            s("a", 0, 3.0, 4.0, 1.0, 25.0)));
  }

  @Test
  void finiteAndRequired() {
    assertEquals(List.of("finite", "finite", "ok"),
        run(DEFAULTS, s("a", 0, 0.0, Double.NaN, 1.0, 25.0), s("a", 0, 1.0, 4.0, Double.POSITIVE_INFINITY, 25.0),
            s("a", 0, 2.0, null, 1.0, 25.0)));
    ValidationRules needV = new ValidationRules(true, -1, 10, -1000, 1000, -60, 150, true, false, true,
        List.of("voltage_v", "time_s"));
    assertEquals(List.of("required", "required", "ok"),
        run(needV, s("a", 0, 0.0, null, 1.0, 25.0), s("a", 0, null, 4.0, 1.0, 25.0), s("a", 0, 2.0, 4.0, 1.0, null)));
    ValidationRules noFinite = new ValidationRules(true, -1, 10, -1000, 1000, -60, 150, true, false, false,
        List.of());
    assertEquals(List.of("ok"), run(noFinite, s("a", 0, 0.0, Double.NaN, 1.0, 25.0)));
  }

  @Test
  void timeOrderWithinAnOperation() {
    assertEquals(List.of("ok", "ok", "time-monotonic", "ok", "ok", "ok"),
        run(DEFAULTS, s("a", 0, 0.0, 4.0, 1.0, null), s("a", 0, 10.0, 4.0, 1.0, null),
            s("a", 0, 5.0, 4.0, 1.0, null), // back in time: compared with the last accepted sample (10 s)
            s("a", 0, 10.0, 4.0, 1.0, null), // a repeated time is allowed by default
            s("a", 1, 0.0, 4.0, 1.0, null), // another operation starts its own clock
            s("b", 0, 1.0, 4.0, 1.0, null)));
    ValidationRules noDup = new ValidationRules(true, -1, 10, -1000, 1000, -60, 150, true, true, true, List.of());
    assertEquals(List.of("ok", "duplicate-time", "ok"),
        run(noDup, s("a", 0, 0.0, 4.0, 1.0, null), s("a", 0, 0.0, 4.0, 1.0, null), s("a", 0, 1.0, 4.0, 1.0, null)));
    ValidationRules anyOrder = new ValidationRules(true, -1, 10, -1000, 1000, -60, 150, false, false, true,
        List.of());
    assertEquals(List.of("ok", "ok"), run(anyOrder, s("a", 0, 5.0, 4.0, 1.0, null), s("a", 0, 1.0, 4.0, 1.0, null)));
  }

  @Test
  void aGapQuarantinesTheSampleAfterItAndTheOperationGoesOn() {
    assertEquals(0.0, DEFAULTS.maxGapS(), "off by default");
    assertEquals(List.of("ok", "ok"), run(DEFAULTS, s("a", 0, 0.0, 4.0, 1.0, null), s("a", 0, 1e6, 4.0, 1.0, null)));
    ValidationRules gap60 = new ValidationRules(true, -1, 10, -1000, 1000, -60, 150, true, false, true, List.of(),
        60);
    assertEquals(List.of("ok", "ok", "max-gap", "ok", "ok", "max-gap", "time-monotonic", "ok", "ok"),
        run(gap60, s("a", 0, 0.0, 4.0, 1.0, null), s("a", 0, 60.0, 4.0, 1.0, null), // exactly the limit: kept
            s("a", 0, 500.0, 4.0, 1.0, null), // 440 s after 60 s: quarantined
            s("a", 0, 510.0, 4.0, 1.0, null), // measured from the quarantined sample: kept, as is the rest
            s("a", 0, 520.0, 4.0, 1.0, null),
            s("a", 0, 5000.0, 4.0, 1.0, null), s("a", 0, 4990.0, 4.0, 1.0, null), // before the gap's end: back in time
            s("a", 1, 9000.0, 4.0, 1.0, null), // another operation starts its own clock
            s("b", 0, 0.0, 4.0, 1.0, null)));
    CollectingSink out = new CollectingSink();
    Validator v = new Validator(out, gap60, "bdf");
    v.sample(s("c7", 3, 10.0, 4.0, 1.0, null));
    v.sample(s("c7", 3, 130.5, 4.0, 1.0, null));
    QuarantineRecord q = out.rejected.get(0);
    assertEquals("max-gap", q.rule());
    assertEquals("time_s", q.columnName());
    assertEquals(3, q.cycleIndex());
    assertEquals("time_s 130.5 is 120.5 s after 10.0 of the operation's previous sample, a gap above the maximum "
        + "60.0 s (cyclelake.validation.max-gap-s)", q.message());
    assertEquals("time_s=130.5,voltage_v=4.0,current_a=1.0,temperature_c=null", q.raw());
  }

  @Test
  void aNegativeOrInfiniteGapLimitIsAConfigErrorNamingTheKey() {
    for (String bad : List.of("-1", "Infinity")) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(io.cyclelake.errors.CycleLakeException.class,
          () -> ValidationRules.from(io.cyclelake.testkit.TestSpark.config("validation.max-gap-s=" + bad)));
      assertEquals(io.cyclelake.errors.ErrorCode.CONFIG_INVALID, e.code());
      assertEquals("cyclelake.validation.max-gap-s", e.where().orElseThrow().field(), e.getMessage());
    }
  }

  @Test
  void aQuarantinedSampleNamesTheRuleColumnValueAndLimit() {
    CollectingSink out = new CollectingSink();
    new Validator(out, DEFAULTS, "mapped").sample(s("c7", 3, 1.0, 12.25, 1.0, null));
    QuarantineRecord q = out.rejected.get(0);
    assertEquals("mapped", q.source());
    assertEquals("f.csv", q.sourceFile());
    assertEquals(7, q.sourceLine());
    assertEquals("voltage_v", q.columnName());
    assertEquals("c7", q.cellId());
    assertEquals(3, q.cycleIndex());
    assertEquals("voltage_v 12.25 is above the maximum 10.0 (cyclelake.validation.voltage-v.max)", q.message());
  }

  @Test
  void disabledPassesEverything() {
    ValidationRules off = new ValidationRules(false, 0, 0, 0, 0, 0, 0, true, true, true, List.of("voltage_v"));
    assertEquals(List.of("ok", "ok"), run(off, s("a", 0, 1.0, null, 5.0, 25.0), s("a", 0, 0.0, 99.0, 5.0, 25.0)));
  }
}
