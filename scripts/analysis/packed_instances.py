#!/usr/bin/env python3
"""Why several packed instances are not planned per minute yet (docs/performance.md, "Azure per minute").

Poisson arrivals (load rho = calls in flight on average) with log-normal durations on instances
of c calls each, routed as Placer's instance pool routes them (Sources/Simulation/Engine.swift):
a call goes to the partly busy instance listed last, else to the idle instance freed last, else
starts a new one; an instance is listed again each time one of its calls ends. It compares the
time instances hold at least one call (what Azure bills, by active period) with the integral of
ceil(N/c), N the calls in flight (the fewest instances that could hold them), and with
E[ceil(N/c)] for N ~ Poisson(rho). The first is 0-71 % above the others (71 % at rho = 0.9 c):
calls finishing leave instances partly busy, and an instance goes idle only when its last call
ends, so a per-minute plan needs a model of how calls spread over instances, not just of N.
Seeded; standard library only: python3 scripts/analysis/packed_instances.py
"""
import heapq, math, random, sys
def sim(lam, durs, c, T, m, unit, seed=1):
    r = random.Random(seed)
    t = 0.0
    heap = []  # (end, inst)
    inflight = {}  # inst -> count
    active_since = {}
    partial = []  # LIFO of instances with room (lazy)
    idle = []     # LIFO idle instances
    alive = 0
    billed = 0.0; activ = 0.0; ceil_area = 0.0; n = 0; N = 0; last = 0.0; periods = 0
    nid = 0
    def complete(upto):
        nonlocal N, billed, activ, ceil_area, last, periods
        while heap and heap[0][0] <= upto:
            e, i = heapq.heappop(heap)
            ceil_area += math.ceil(N / c) * (e - last); last = e
            N -= 1
            inflight[i] -= 1
            if inflight[i] == 0:
                L = (e - active_since[i]) * 1000
                activ += L; periods += 1
                billed += max(math.ceil(L/unit - 1e-9)*unit, m)
                idle.append(i)
            else:
                partial.append(i)  # listed again after every call that ends on it, as the pool does
    while True:
        t += r.expovariate(lam)
        if t > T: break
        complete(t)
        ceil_area += math.ceil(N / c) * (t - last); last = t
        d = r.choice(durs) / 1000
        chosen = -1
        while partial:
            i = partial.pop()
            if 0 < inflight[i] < c: chosen = i; break
        if chosen < 0 and idle:
            chosen = idle.pop(); active_since[chosen] = t
        if chosen < 0:
            chosen = nid; nid += 1; inflight[chosen] = 0; active_since[chosen] = t
        inflight[chosen] += 1
        if inflight[chosen] < c: partial.append(chosen)
        N += 1; n += 1
        heapq.heappush(heap, (t + d, chosen))
    complete(float('inf'))
    return n, activ/1000, billed/1000, ceil_area, periods, nid

def poisson_model(rho, c, T):
    # E[ceil(N/c)] for N ~ Poisson(rho), times T
    tot = 0.0; p = math.exp(-rho); cdf = 0.0; k = 0
    # sum over k of P(N > k c)
    # compute pmf iteratively
    pm = [math.exp(-rho)]
    for i in range(1, int(rho + 20*math.sqrt(rho) + 50)):
        pm.append(pm[-1] * rho / i)
    s = 0.0
    for j in range(0, len(pm)//c + 1):
        s += sum(pm[j*c+1:]) if j*c+1 < len(pm) else 0
    return s * T

r = random.Random(7)
for med in [20, 100, 400]:
    durs = [max(1.0, r.lognormvariate(math.log(med), 1.0)) for _ in range(4096)]
    mean = sum(durs)/len(durs)
    for c in [4, 16, 100]:
        for rho in [0.5*c, 0.9*c, 1.5*c, 3.0*c]:
            lam = rho / (mean/1000)
            if lam * 600 > 3e6: continue
            T = min(600.0, 2e6/lam)
            n, act, bill, area, periods, insts = sim(lam, durs, c, T, 100, 1)
            model = poisson_model(rho, c, T)
            print(f"med {med:4} c {c:3} rho {rho:6.1f}: active {act:9.1f}s ceil(N/c) {area:9.1f}s poisson {model:9.1f}s  act/area {act/area:6.3f} act/model {act/model:6.3f} billed/act {bill/act:6.3f} periods/s {periods/T:8.1f} insts {insts}")
            sys.stdout.flush()
