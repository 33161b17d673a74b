#!/usr/bin/env python3
"""How many packed instances hold calls under Placer's routing, against what the calls need
(docs/performance.md, "The completion heap", on what a per-minute plan of several packed
instances would have to model).

Poisson arrivals at a steady load rho (calls in flight on average, mean duration 1 s, log-normal
durations, sigma 1) on instances of c calls each, routed as Sources/Simulation/Engine.swift
routes them: a call goes to the partly busy instance listed last (an instance is listed again
each time one of its calls ends), else to the idle instance freed last, else a new one. After a
warm-up of a tenth of the run it prints the mean number of instances holding at least one call
(what Azure and Cloud Run bill, by active period), the mean of ceil(N/c) (the fewest that could
hold the calls in flight N), ceil(max N / c) (the instances the highest level ever reached
started) and the instances that emptied per second.

The last line holds a load of 400 for half the run, then 100, and measures the second half.

What it shows: at a steady load more instances hold calls than the calls need: with c = 100
(Azure Consumption's HTTP default) exactly those the highest level reached started (an instance
almost never empties while calls fill it), with c = 16 between that and ceil(N/c). When the load
falls they empty down to the steady level of the new load. So what a minute bills depends on the
highest levels of the unit's recent past and on how fast instances empty, not on the minute's
mean load: a per-minute plan for these units needs a model of both (the steady level as a
function of rho, c and the durations' shape, and the lag), with tolerance tests against the
exact replay.
Seeded; standard library only: python3 scripts/analysis/packed_stickiness.py
"""
import heapq, math, random


def run(rho, c, seconds, seed=1, before=None):
    """`before`: a load held over the first half of the run (measured over the second half only)."""
    r = random.Random(seed)
    lam, sigma = rho, 1.0
    mu = -sigma * sigma / 2  # mean duration 1 s
    heap, inflight, partial, idle = [], [], [], []
    t = last = 0.0
    warm = seconds / 2 if before else seconds / 10
    holding = ceil_area = m_area = 0.0
    n = m = top = emptied = 0

    def advance(to):
        nonlocal last, m_area, ceil_area
        lo = max(last, warm)
        if to > lo:
            m_area += m * (to - lo)
            ceil_area += math.ceil(n / c) * (to - lo)
        last = to

    while True:
        t += r.expovariate(before if before and t < seconds / 2 else lam)
        if t > seconds:
            break
        while heap and heap[0][0] <= t:
            end, i = heapq.heappop(heap)
            advance(end)
            n -= 1
            inflight[i] -= 1
            if inflight[i] == 0:
                m -= 1
                idle.append(i)
                if end > warm:
                    emptied += 1
            else:
                partial.append(i)
        advance(t)
        chosen = -1
        while partial:
            i = partial.pop()
            if 0 < inflight[i] < c:
                chosen = i
                break
        if chosen < 0:
            if idle:
                chosen = idle.pop()
            else:
                chosen = len(inflight)
                inflight.append(0)
            m += 1
        inflight[chosen] += 1
        if inflight[chosen] < c:
            partial.append(chosen)
        n += 1
        top = max(top, n)
        heapq.heappush(heap, (t + r.lognormvariate(mu, sigma), chosen))
    span = seconds - warm
    return m_area / span, ceil_area / span, math.ceil(top / c), emptied / span


print(f"{'c':>4} {'rho':>6} {'holding calls':>14} {'ceil(N/c)':>10} {'ceil(max N/c)':>14} {'emptied/s':>10}")
for c, multiples in [(16, [1, 2, 4]), (100, [1, 2, 4])]:
    for k in multiples:
        rho = c * k
        seconds = 400_000 / rho
        held, ceiling, top, emptied = run(rho, c, seconds)
        print(f"{c:>4} {rho:>6} {held:>14.3f} {ceiling:>10.3f} {top:>14} {emptied:>10.4f}", flush=True)
# The load falls: 400 for half the run, then 100 (measured over the second half).
held, ceiling, top, emptied = run(100, 100, 4_000, before=400)
print(f" 100 400→100 {held:>10.3f} {ceiling:>10.3f} {top:>14} {emptied:>10.4f}   (after the fall)")
