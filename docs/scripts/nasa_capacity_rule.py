"""Which rule reproduces NASA PCoE's `Capacity` (metadata.csv) from the discharge samples? (issue 7, soh-seq-b0005)

    python3 docs/scripts/nasa_capacity_rule.py B0005   # also B0006, B0007, B0018; needs numpy

Integrates |current| over Time (s) / 3600 by trapezoid or rectangle rules, over Current_measured or Current_load,
from the first sample through: the first sample with Voltage_measured < 2.7 V ("toV<2.7"), the sample before it
("toV<2.7-1"), the last sample with |Current_load| > 1 A ("tolastload"), the one after it, or the last sample ("all");
and 2 A x a time. Prints the rules with the smallest mean |rule - Capacity| over the cell's discharges.
"""
import gzip, csv, numpy as np, sys
import os
DATA = os.environ.get("NASA_PCOE", os.path.join(os.path.dirname(__file__), "../../../shared/data/nasa-pcoe"))
cell = sys.argv[1] if len(sys.argv)>1 else 'B0005'
meta = {}
for r in csv.DictReader(open(DATA + '/metadata.csv')):
    if r['battery_id']==cell and r['type']=='discharge':
        meta[r['uid']] = (int(r['test_id']), float(r['Capacity']))
ops = {}
with gzip.open(DATA + f'/timeseries/discharge/{cell}_discharge.csv.gz', 'rt') as f:
    rd = csv.reader(f); next(rd)
    for row in rd:
        ops.setdefault(row[0], []).append([float(x) for x in row[1:]])
uids = sorted(ops, key=lambda u: meta[u][0])
cap = np.array([meta[u][1] for u in uids])
def integ(cur, t, lo, hi, kind):
    # integral of |cur| over samples lo..hi (indices), Ah
    c = np.abs(cur[lo:hi+1]); tt = t[lo:hi+1]; dt = np.diff(tt)
    if kind=='trap': return np.sum(0.5*(c[1:]+c[:-1])*dt)/3600
    if kind=='rectL': return np.sum(c[:-1]*dt)/3600
    if kind=='rectR': return np.sum(c[1:]*dt)/3600
def rules(a):
    V,I,T,IL,VL,t = a.T
    n=len(t); out={}
    on = np.where(np.abs(IL) > 1)[0]
    first_on, last_on = on[0], on[-1]
    below = np.where(V < 2.7)[0]
    k = below[0] if len(below) else n-1
    for kind in ('trap','rectL','rectR'):
        for nm,cur in (('Im',I),('IL',IL)):
            out[f'{kind}_{nm}_all'] = integ(cur,t,0,n-1,kind)
            out[f'{kind}_{nm}_toV<2.7'] = integ(cur,t,0,k,kind)
            out[f'{kind}_{nm}_toV<2.7-1'] = integ(cur,t,0,k-1,kind)
            out[f'{kind}_{nm}_tolastload'] = integ(cur,t,0,last_on,kind)
            out[f'{kind}_{nm}_tolastload+1'] = integ(cur,t,0,min(last_on+1,n-1),kind)
    out['2A*t[lastload]'] = 2*t[last_on]/3600
    out['2A*t[V<2.7]'] = 2*t[k]/3600
    out['2A*(t[lastload]-t[firstload-1])'] = 2*(t[last_on]-t[first_on-1])/3600
    return out
res = [rules(np.array(ops[u])) for u in uids]
print(cell, 'n discharges', len(uids))
rows=[]
for key in res[0]:
    x = np.array([r[key] for r in res]); d = x-cap
    rows.append((np.abs(d).mean(), key, d.mean(), d.std(), np.abs(d).max(), np.corrcoef(x,cap)[0,1]))
for r in sorted(rows)[:12]:
    print(f'{r[1]:32s} MAE {r[0]:.2e} mean {r[2]:+.5f} sd {r[3]:.5f} max {r[4]:.2e} corr {r[5]:.6f}')
