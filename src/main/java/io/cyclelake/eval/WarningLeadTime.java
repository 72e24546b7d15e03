package io.cyclelake.eval;

/**
 * How early warnings come before overheating events, on one device's seconds in time order.
 *
 * <p>An event's onset is a second whose hottest temperature exceeds the threshold with no exceeding second in the
 * {@code separationS} seconds before it. An event is warned when an alarm was raised in the {@code maxLeadS} seconds
 * before the onset; its lead time runs from the start of the alarm episode that reaches closest to the onset (alarm
 * seconds no more than {@code separationS} apart form one episode) to the onset. An alarm episode with no onset in the
 * {@code maxLeadS} seconds after its last alarm is a false alarm.
 */
public final class WarningLeadTime {
  private WarningLeadTime() {}

  /** Sums over devices; {@link #meanLeadS} is NaN when no event was warned. */
  public record Result(int events, int warned, double leadSumS, int falseAlarms, double hours) {
    public Result plus(Result o) {
      return new Result(events + o.events, warned + o.warned, leadSumS + o.leadSumS, falseAlarms + o.falseAlarms,
          hours + o.hours);
    }

    public double meanLeadS() {
      return warned == 0 ? Double.NaN : leadSumS / warned;
    }

    public double falseAlarmsPerHour() {
      return hours == 0 ? Double.NaN : falseAlarms / hours;
    }

    public static Result empty() {
      return new Result(0, 0, 0, 0, 0);
    }
  }

  /**
   * @param second epoch seconds, increasing
   * @param exceeding whether the second's hottest temperature exceeds the threshold
   * @param alarm whether a warning was raised at that second
   */
  public static Result evaluate(long[] second, boolean[] exceeding, boolean[] alarm, int separationS, int maxLeadS) {
    int n = second.length;
    int events = 0;
    int warned = 0;
    double leadSum = 0;
    long lastExceed = Long.MIN_VALUE / 2;
    java.util.List<Long> onsets = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!exceeding[i]) continue;
      if (second[i] - lastExceed > separationS) onsets.add(second[i]);
      lastExceed = second[i];
    }
    // Alarm episodes.
    java.util.List<long[]> episodes = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!alarm[i]) continue;
      if (!episodes.isEmpty() && second[i] - episodes.get(episodes.size() - 1)[1] <= separationS) {
        episodes.get(episodes.size() - 1)[1] = second[i];
      } else {
        episodes.add(new long[] {second[i], second[i]});
      }
    }
    for (long onset : onsets) {
      events++;
      long best = Long.MIN_VALUE;
      long leadStart = 0;
      for (long[] e : episodes) {
        // the episode's alarms inside [onset - maxLead, onset)
        long lastBefore = Math.min(e[1], onset - 1);
        if (lastBefore < e[0] || lastBefore < onset - maxLeadS) continue;
        long start = Math.max(e[0], onset - maxLeadS);
        if (lastBefore > best) {
          best = lastBefore;
          leadStart = start;
        }
      }
      if (best != Long.MIN_VALUE) {
        warned++;
        leadSum += onset - leadStart;
      }
    }
    int falseAlarms = 0;
    for (long[] e : episodes) {
      boolean followed = false;
      for (long onset : onsets) {
        if (onset >= e[0] && onset - e[1] <= maxLeadS) {
          followed = true;
          break;
        }
      }
      if (!followed) falseAlarms++;
    }
    double hours = n == 0 ? 0 : n / 3600.0;
    return new Result(events, warned, leadSum, falseAlarms, hours);
  }
}
