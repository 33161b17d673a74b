#!/usr/bin/env python3
"""How the per-minute path bills active periods (docs/result.md, "Packed instances").

One packed instance serving Poisson arrivals (rate lam per second) with durations drawn from a
log-normal sample: the exact bill, the sum over its active periods (busy periods: at least one
call in flight) of max(period rounded up to the unit, minimum), against two per-minute
estimates from the busy time 1 - e^-rho and the n e^-rho periods: "model", each period billed
its expected excess from the distribution of its length (the busy period of the M/G/inf queue
walked on a grid, as Sources/Simulation/ActivePeriods.swift does), and "old", the estimate it
replaced (a period a single call with chance e^-(lam d), billed as that call, else rounded by
half a unit). Azure Consumption bills 100 ms at least per period in 1 ms steps, Flex 1,000 ms in
100 ms steps, Cloud Run 100 ms steps. Seeded; standard library only:
python3 scripts/analysis/active_periods.py
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

def excess(lam_ms, durs, m, unit, steps=200, past=8):
    """E[billed(B) - B] per period, ms: the grid walk of ActivePeriods.excessMs."""
    H = m + past*max(unit, 1); h = H/steps; K = steps
    pmf = [0.0]*(K+2)
    for d in durs: pmf[max(1, min(K+1, math.ceil(d/h - 1e-12)))] += 1.0/len(durs)
    cdf = []; c = 0.0
    for v in pmf: c += v; cdf.append(c)
    lift = [math.exp(-lam_ms*h*(1-cdf[k])) for k in range(K+1)]
    p = pmf[:K+1] + [0.0]; p[0] = 0.0
    beyond = pmf[K+1]; ex = 0.0
    for i in range(1, K+1):
        top = K - i + 1; before = 0.0; cum = 0.0
        for k in range(1, K+1):
            cum += p[k]; lifted = cum*lift[k]; share = lifted - before; before = lifted
            if k <= top: p[k] = share
            else: beyond += share; p[k] = 0.0
        beyond += cum - before
        b = (i - 0.5)*h
        ex += p[1]*(max(math.ceil(b/unit - 1e-9)*unit, m) - b)
        p = [0.0] + p[2:K+1] + [0.0, 0.0]
    return ex + beyond*max(unit, 1)/2
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
    durs = [max(1.0, r.lognormvariate(math.log(med), 1.0)) for _ in range(4096)]
    mean = sum(durs)/len(durs)
    for per_min in [20, 60, 300, 1200, 3000]:
        lam = per_min/60
        for m, unit in [(100,1),(1000,100),(0,100)]:
            T = 4*3600
            n, busy, billed = sim(lam, durs, m, unit, T)
            _, _, old = formula(lam, durs, m, unit, T, n)
            rho = lam*mean/1000; idle = math.exp(-rho)
            model = T*1000*(1-idle) + n*idle*excess(lam/1000, durs, m, unit)
            print(f"{name:6} {per_min:5}/min rho={rho:6.2f} m={m:5} unit={unit:4}: exact {billed/1e3:10.1f}s model {100*(model-billed)/billed:+6.2f}% old {100*(old-billed)/billed:+6.2f}%")
