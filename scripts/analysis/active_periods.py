#!/usr/bin/env python3
"""Why the per-minute path cannot yet bill Azure's active periods (docs/performance.md, "Left").

One packed instance serving Poisson arrivals (rate lam per second) with durations drawn from a
log-normal sample: the exact bill, the sum over its active periods (busy periods: at least one
call in flight) of max(period rounded up to the unit, minimum), against the per-minute estimate
from M/G/inf figures alone: busy time 1 - e^-rho, periods n e^-rho, a period a single call with
chance e^-(lam d) (billed as that call), else rounded by half a unit. "bound" is how much the
minimum could add to periods of several calls, as a share of the estimate. Azure Consumption
bills 100 ms at least per period in 1 ms steps, Flex 1,000 ms in 100 ms steps. Seeded; standard
library only: python3 scripts/analysis/active_periods.py
"""
import random, math, sys
def sim(lam, durs, m, unit, T=3600*2, seed=1):
    r = random.Random(seed); t = 0.0; end = -1.0; start = None; billed = 0.0; busy = 0.0; n = 0
    while True:
        t += r.expovariate(lam)
        if t > T: break
        d = r.choice(durs)/1000.0; n += 1
        if t >= end:
            if start is not None:
                L = (end-start)*1000; busy += L
                b = max(math.ceil(L/unit - 1e-9)*unit, m); billed += b
            start = t; end = t + d
        else:
            end = max(end, t + d)
    L = (end-start)*1000; busy += L; billed += max(math.ceil(L/unit-1e-9)*unit, m)
    return n, busy, billed
def formula(lam, durs, m, unit, T, n):
    mean = sum(durs)/len(durs); rho = lam*mean/1000
    idle = math.exp(-rho)
    busy = T*1000*(1-idle)
    periods = n*idle
    exc = 0.0; bound = 0.0
    for d in durs:
        p1 = math.exp(-lam*d/1000)
        b = max(math.ceil(d/unit-1e-9)*unit, m)
        exc += p1*(b-d) + (1-p1)*unit/2
        bound += (1-p1)*max(0.0, m-d)
    exc /= len(durs); bound /= len(durs)
    old = idle*( sum(max(math.ceil(d/unit-1e-9)*unit, m) for d in durs)/len(durs) - mean) + (1-idle)*unit/2
    return busy + periods*exc, periods*bound, busy + periods*old
r = random.Random(7)
for name, med in [("10ms",10),("50ms",50),("100ms",100),("300ms",300),("1s",1000)]:
    durs = [max(1.0, round(r.lognormvariate(math.log(med), 1.0))) for _ in range(4096)]
    for per_min in [20, 60, 300, 1200, 3000]:
        lam = per_min/60
        for m, unit in [(100,1),(1000,100)]:
            T = 4*3600
            n, busy, billed = sim(lam, durs, m, unit, T)
            est, bnd, old = formula(lam, durs, m, unit, T, n)
            rho = lam*sum(durs)/len(durs)/1000
            print(f"{name:6} {per_min:5}/min rho={rho:6.2f} m={m:5}: exact {billed/1e3:10.1f}s est {est/1e3:10.1f}s err {100*(est-billed)/billed:+6.2f}% bound {100*bnd/est:5.2f}% old {100*(old-billed)/billed:+6.2f}%")
