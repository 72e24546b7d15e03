package io.cyclelake.features.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cyclelake.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity of the kernels with numpy/scipy on the reference outputs in {@code reference/scipy-kernels.json} (shared
 * data). Skipped, with the reason, when the shared data is absent.
 */
class ScipyParityTest {
  private static final double TOL = 1e-9;

  static Stream<Arguments> cases() throws IOException {
    Path dir = SharedData.root().resolve("reference");
    if (!Files.isDirectory(dir)) {
      // One placeholder invocation, so that the skip and its reason show up in the report (an assumption failing in
      // the argument source would abort the container silently).
      return Stream.of(Arguments.of(-1, "reference data absent", null));
    }
    Path file = dir.resolve("scipy-kernels.json");
    // Python's json module writes NaN / Infinity as bare tokens.
    JsonMapper mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    JsonNode cases = mapper.readTree(file.toFile()).get("cases");
    assertTrue(cases != null && cases.isArray() && cases.size() > 0, "no cases in " + file);
    return IntStream.range(0, cases.size())
        .mapToObj(i -> Arguments.of(i, cases.get(i).path("call").asText(), cases.get(i)));
  }

  @ParameterizedTest(name = "case {0}: {1}")
  @MethodSource("cases")
  void matchesReference(int index, String call, JsonNode c) {
    if (c == null) SharedData.require("reference"); // skips with the path it looked at
    String where = "case " + index + " (" + call + ")";
    switch (call) {
      case "scipy.signal.savgol_coeffs" -> {
        String use = c.path("use").asText("conv");
        assertEquals("conv", use, where + ": only use='conv' is implemented");
        assertTrue(c.path("pos").isMissingNode() || c.path("pos").isNull(), where + ": pos is not supported");
        double[] got = SavitzkyGolay.coefficients(c.get("window_length").asInt(), c.get("polyorder").asInt(),
            c.path("deriv").asInt(0), num(c.path("delta"), 1.0));
        assertClose(where, nums(c.get("output")), got);
      }
      case "scipy.signal.savgol_filter" -> {
        assertTrue(c.path("cval").isMissingNode() || num(c.get("cval"), 0) == 0, where + ": cval must be 0");
        double[] got = SavitzkyGolay.filter(nums(c.get("input")), c.get("window_length").asInt(),
            c.get("polyorder").asInt(), c.path("deriv").asInt(0), num(c.path("delta"), 1.0),
            SavitzkyGolay.EdgeMode.valueOf(c.path("mode").asText("interp").toUpperCase(Locale.ROOT)));
        assertClose(where, nums(c.get("output")), got);
      }
      case "scipy.signal.find_peaks" -> findPeaks(where, c);
      case "scipy.integrate.cumulative_trapezoid" -> {
        assertEquals(0, c.path("initial").asInt(0), where + ": only initial=0 is implemented");
        double[] y = nums(c.get("y"));
        double[] x = c.hasNonNull("x") ? nums(c.get("x")) : IntStream.range(0, y.length).asDoubleStream().toArray();
        assertClose(where, nums(c.get("output")), Resample.cumulativeTrapezoid(x, y));
      }
      case "numpy.gradient" -> assertClose(where, nums(c.get("output")),
          Derivatives.gradient(nums(c.get("f")), nums(c.get("x")), c.path("edge_order").asInt(1)));
      case "numpy.interp" -> assertClose(where, nums(c.get("output")),
          Resample.interp(nums(c.get("x")), nums(c.get("xp")), nums(c.get("fp"))));
      default -> fail(where + ": no Java counterpart for this call; extend the parity test");
    }
  }

  private static void findPeaks(String where, JsonNode c) {
    double[] y = nums(c.get("input"));
    JsonNode kw = c.path("kwargs");
    Peaks.PeakOptions opts = Peaks.PeakOptions.DEFAULT;
    double[] b;
    if ((b = bounds(kw.path("height"))) != null) opts = opts.withHeight(b[0], b[1]);
    if ((b = bounds(kw.path("threshold"))) != null) opts = opts.withThreshold(b[0], b[1]);
    if ((b = bounds(kw.path("prominence"))) != null) opts = opts.withProminence(b[0], b[1]);
    if ((b = bounds(kw.path("width"))) != null) opts = opts.withWidth(b[0], b[1]);
    if (kw.hasNonNull("distance")) opts = opts.withDistance(num(kw.get("distance"), Double.NaN));
    if (kw.hasNonNull("wlen")) opts = opts.withWlen((int) Math.ceil(num(kw.get("wlen"), Double.NaN)));
    if (kw.hasNonNull("rel_height")) opts = opts.withRelHeight(num(kw.get("rel_height"), Double.NaN));
    for (var it = kw.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      assertTrue(List.of("height", "threshold", "prominence", "width", "distance", "wlen", "rel_height").contains(k),
          where + ": unsupported kwarg " + k);
    }

    List<Peaks.Peak> found = Peaks.find(y, opts);
    int[] idx = found.stream().mapToInt(Peaks.Peak::index).toArray();
    assertEquals(ints(c.get("peaks")).length, idx.length, where + ": number of peaks");
    assertEquals(Arrays.toString(ints(c.get("peaks"))), Arrays.toString(idx), where + ": peaks");

    // The reference prominences and widths are scipy's peak_prominences / peak_widths on the returned peaks, with
    // the default (unlimited) wlen.
    var fields = c.fieldNames();
    while (fields.hasNext()) {
      String key = fields.next();
      if (!key.startsWith("peak_widths_rel_height_")) continue;
      double rel = Double.parseDouble(key.substring("peak_widths_rel_height_".length()));
      List<Peaks.Peak> d = Peaks.describe(y, idx, rel, 0);
      JsonNode w = c.get(key);
      assertClose(where + " widths", nums(w.get("widths")), d.stream().mapToDouble(Peaks.Peak::width).toArray());
      assertClose(where + " width_heights", nums(w.get("width_heights")),
          d.stream().mapToDouble(Peaks.Peak::widthHeight).toArray());
      assertClose(where + " left_ips", nums(w.get("left_ips")), d.stream().mapToDouble(Peaks.Peak::leftIps).toArray());
      assertClose(where + " right_ips", nums(w.get("right_ips")),
          d.stream().mapToDouble(Peaks.Peak::rightIps).toArray());
    }
    List<Peaks.Peak> d = Peaks.describe(y, idx, 0.5, 0);
    if (c.has("prominences")) {
      assertClose(where + " prominences", nums(c.get("prominences")),
          d.stream().mapToDouble(Peaks.Peak::prominence).toArray());
      // find_peaks itself reports prominences computed with its wlen; without wlen they must agree too.
      if (!kw.hasNonNull("wlen")) {
        assertClose(where + " find prominences", nums(c.get("prominences")),
            found.stream().mapToDouble(Peaks.Peak::prominence).toArray());
      }
    }
    if (c.has("left_bases")) {
      assertEquals(Arrays.toString(ints(c.get("left_bases"))),
          Arrays.toString(d.stream().mapToInt(Peaks.Peak::leftBase).toArray()), where + ": left_bases");
    }
    if (c.has("right_bases")) {
      assertEquals(Arrays.toString(ints(c.get("right_bases"))),
          Arrays.toString(d.stream().mapToInt(Peaks.Peak::rightBase).toArray()), where + ": right_bases");
    }
  }

  /** A scalar condition (min only) or a [min, max] pair with null for "no bound"; null when absent. */
  private static double[] bounds(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) return null;
    if (n.isArray()) return new double[] {num(n.get(0), Double.NaN), num(n.get(1), Double.NaN)};
    return new double[] {num(n, Double.NaN), Double.NaN};
  }

  /**
   * A number, also when written as a string (Python reprs such as "nan", "inf", "-inf", "1e-3"); {@code dflt} when
   * missing or null.
   */
  static double num(JsonNode n, double dflt) {
    if (n == null || n.isMissingNode() || n.isNull()) return dflt;
    if (n.isNumber()) return n.doubleValue();
    if (n.isTextual()) {
      String s = n.asText().trim().toLowerCase(Locale.ROOT);
      switch (s) {
        case "nan", "+nan", "-nan":
          return Double.NaN;
        case "inf", "+inf", "infinity", "+infinity":
          return Double.POSITIVE_INFINITY;
        case "-inf", "-infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          return Double.parseDouble(s);
      }
    }
    throw new IllegalArgumentException("not a number: " + n);
  }

  static double[] nums(JsonNode arr) {
    if (arr == null || !arr.isArray()) throw new IllegalArgumentException("not an array: " + arr);
    double[] out = new double[arr.size()];
    for (int i = 0; i < out.length; i++) out[i] = num(arr.get(i), Double.NaN);
    return out;
  }

  static int[] ints(JsonNode arr) {
    double[] d = nums(arr);
    int[] out = new int[d.length];
    for (int i = 0; i < d.length; i++) out[i] = (int) d[i];
    return out;
  }

  static void assertClose(String where, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, where + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e) && Double.isNaN(a)) continue;
      if (e == a) continue; // covers equal infinities
      double tol = TOL * Math.max(1, Math.abs(e));
      if (!(Math.abs(a - e) <= tol)) {
        fail(where + ": element " + i + " expected " + e + " but was " + a + " (|diff| = " + Math.abs(a - e)
            + " > " + tol + ")");
      }
    }
  }
}
