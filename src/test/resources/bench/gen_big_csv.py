# Writes one BatteryArchive-style time series CSV of about TARGET bytes (SYNTHETIC): charge/discharge cycles.
import sys, math
target = int(float(sys.argv[1]) * 1e9)
path = sys.argv[2]
samples = 600  # per half cycle, 10 s apart
with open(path, 'w', buffering=1 << 24) as f:
    f.write("Date_Time,Test_Time (s),Cycle_Index,Current (A),Voltage (V),Charge_Capacity (Ah),Discharge_Capacity (Ah),"
            "Charge_Energy (Wh),Discharge_Energy (Wh),Environment_Temperature (C),Cell_Temperature (C)\n")
    t = 0.0
    cycle = 0
    written = 0
    while written < target:
        cycle += 1
        lines = []
        qc = ec = 0.0
        for i in range(samples):
            v = 3.6 + 0.55 * i / samples
            qc += 1.0 * 10 / 3600; ec += v * 10 / 3600
            t += 10
            lines.append("2026-01-01 00:00:00,%.1f,%d,1.000000,%.6f,%.6f,0.000000,%.6f,0.000000,25.00,%.3f\n"
                         % (t, cycle, v, qc, ec, 25 + 2 * math.sin(i / 50)))
        qd = ed = 0.0
        for i in range(samples):
            v = 4.15 - 1.0 * i / samples
            qd += 1.0 * 10 / 3600; ed += v * 10 / 3600
            t += 10
            lines.append("2026-01-01 00:00:00,%.1f,%d,-1.000000,%.6f,%.6f,%.6f,%.6f,%.6f,25.00,%.3f\n"
                         % (t, cycle, v, qc, qd, ec, ed, 27 + 2 * math.sin(i / 50)))
        s = "".join(lines)
        f.write(s)
        written += len(s)
print("cycles", cycle, "bytes", written)
