#!/usr/bin/env python3
"""Long calls on one-request instances, per minute: how far the per-minute path's level-crossing
product is from the replay, and what an exact or near-exact per-minute model is and costs
(docs/performance.md, "Long calls per minute: what an exact or near-exact model costs"; issue 20).

The model replayed (`replay`): calls arriving minute by minute, durations i.i.d. (exponential, or
log-normal of the same mean, sigma 0.3, 1 or 2), one request per instance, an idle instance
reused most recently freed first and dead T after it was freed. With that reuse the instances
alive at t are the most calls in flight at once over [t - T, t], and a call starts cold exactly
when every live instance is busy. Two arrival models:

  Table 1, Poisson arrivals at the minute's rate (what a birth-death model assumes);
  Table 2, the minute's count fixed, its calls placed as Placer places a binned trace's calls
  (Sources/Simulation/Arrivals.swift): what the exact replay of a binned trace does.

Per case: the reference's total instance-seconds and cold starts (the mean of REPS seeded
replays, with its standard error), and each model's relative error against it:

  (a) `crossings`: the level-crossing product of Sources/Simulation/FastPath.swift (FastPlan's
      levelCrossings and notReached), reimplemented: per minute j and instance k,
      q = min((1 - P(N = k-1))^n, P(N <= k-1)), N ~ Poisson(rho_j), multiplied over the window's
      minutes (its first and the current minute by half).
  (b) `renewal`: exact for exponential durations at a steady rate. Calls in flight form a
      birth-death chain (birth lambda, death n mu); every excursion below level k starts at k-1,
      so (renewal-reward) P(max over the last L < k) = P(N < k) - nu_k int_0^L S_k(t) dt, and
      cold starts at level k come at the rate nu_k S_k(T), nu_k = lambda P(N = k-1), S_k the
      survival of the first passage k-1 -> k. Its Laplace transform obeys
      f_k(s) = lambda / (s + lambda + (k-1) mu (1 - f_{k-1}(s))): every level from one pass per
      transform point, inverted by the Euler method (Abate and Whitt, 31 points). The first T
      from an empty start (first passage 0 -> k: the product of the f_j), the minutes after the
      last call from windows shortened by the time since it; per minute at that minute's rate
      (locally stationary). Toggles tried and reported: RISE (a rising rate's new levels counted
      as cold starts), LAGGED (the load from the calls still in flight, M_t/G/inf).
  (d) `chained`: (b)'s stay-below probabilities G_rho(L) chained minute by minute, each minute at
      its own rate: P(below k over the window) = G(1) of its oldest minute times
      G(i + 1)/G(i) of each later minute (below for i minutes already). Exact for exponential
      durations at a steady rate (as (b)); an approximation where the rate changes.
  (d)+fit: (d) with the durations replaced by exponential ones whose autocorrelation of calls in
      flight matches the real one at lag = the mean duration (M/G/inf: corr(tau) =
      E[(S - tau)^+] / E[S]; FIT_LAG), the load kept: a one-parameter matched-correlation fit.
  (e) (d) for fixed minute counts: calls in flight given the counts are a sum of binomials
      (variance sum n_j p_j (1 - p_j) < rho, `binned_split`); modelled as a fixed base
      rho - variance plus an M/M/inf at load = variance.

Cost, in inner steps per unit-minute: (a) the levels of its uncertain band times the window's
minutes; (d) 3 products over the window's w minutes per level and minute plus the transform
inversions per distinct rate, amortized (this script's unoptimized count); "exact": what the exact
time-varying algorithm for exponential durations would take (per level of the uncertain band,
w + 1 killed-chain vectors over its states, propagated by uniformization through each minute).

Seeded and deterministic; standard library only; about two minutes:
    python3 scripts/analysis/long_calls.py
"""
import heapq, math, random

T_MIN = 10                    # keep-alive, minutes (the Lambda-like profiles' idle time)
T = T_MIN * 60.0
REPS = 10                     # replay seeds per case
LAGGED = False                # (b): each minute's load from the calls still in flight (tried: no better)
RISE = False                  # (b): count the levels a rising rate adds as cold starts (tried: +35 % on ramps)
FIT_LAG = lambda mean: mean   # (d)+fit: the lag whose autocorrelation the fit matches (T/2 tried: worse)
M_EULER = 15                  # Euler inversion: 2M + 1 = 31 transform points


# ---------------------------------------------------------------- the reference: replay call by call

def lognormal_params(mean, sigma):
    return math.log(mean) - sigma * sigma / 2, sigma


def replay(rates, mean, sigma, seed, binned=False):
    """The pool replayed call by call: (instance-seconds, cold starts). `rates`: calls per minute,
    minute by minute; sigma None for exponential durations. Poisson arrivals at that rate, or with
    `binned` exactly that many calls in the minute, placed as Placer places a binned trace's calls
    with exponential draws (Sources/Simulation/Arrivals.swift: n exponential gaps scaled to sum to
    60 s, the first call at the minute's start)."""
    r = random.Random(seed)
    if sigma is not None:
        mu_l, s = lognormal_params(mean, sigma)
        draw = lambda: r.lognormvariate(mu_l, s)
    else:
        draw = lambda: r.expovariate(1 / mean)
    heap = []                 # (end, id) of calls in flight
    idle = []                 # (freed at, id), freed times increasing from the bottom
    born = {}
    seconds = 0.0
    cold = 0
    serial = 0
    for m, lam in enumerate(rates):
        if lam <= 0:
            continue
        t = m * 60.0
        end_minute = t + 60.0
        if binned:
            gaps = [r.expovariate(1.0) for _ in range(int(lam))]
            scale = 60.0 / sum(gaps)
            starts, x = [], t
            for gap in gaps:
                starts.append(min(x, end_minute - 1e-6))
                x += gap * scale
        else:
            starts = []
            while True:
                t += r.expovariate(lam / 60.0)
                if t >= end_minute:
                    break
                starts.append(t)
        for t in starts:
            while heap and heap[0][0] <= t:
                e, i = heapq.heappop(heap)
                idle.append((e, i))
            if idle and idle[-1][0] + T >= t:
                _, i = idle.pop()
            else:
                for e, i in idle:          # all expired (the newest is): they died at e + T
                    seconds += e + T - born.pop(i)
                idle.clear()
                serial += 1
                i = serial
                born[i] = t
                cold += 1
            heapq.heappush(heap, (t + draw(), i))
    while heap:
        e, i = heapq.heappop(heap)
        idle.append((e, i))
    for e, i in idle:
        seconds += e + T - born.pop(i)
    return seconds, cold


def reference(rates, mean, sigma, seed0, binned=False):
    """Means over REPS seeds, and their standard errors."""
    runs = [replay(rates, mean, sigma, seed0 * 1000 + k, binned) for k in range(REPS)]
    out = []
    for xs in zip(*runs):
        mu = sum(xs) / len(xs)
        var = sum((x - mu) ** 2 for x in xs) / (len(xs) - 1)
        out.append((mu, math.sqrt(var / len(xs))))
    return out[0][0], out[1][0], out[0][1], out[1][1]


# ---------------------------------------------------------------- (a) the level-crossing product

def not_reached(rho, calls):
    """FastPlan.notReached: (first instance not surely reached, [log q] from it)."""
    start = max(0, int(math.floor(rho - 8 * math.sqrt(rho) - 10)))
    log_rho = math.log(max(rho, 1e-300))
    log_p = -rho + start * log_rho - math.lgamma(start + 1)
    cdf = 0.0
    values = []
    last_sure = -1
    i = start
    while True:
        p = math.exp(log_p)
        cdf += p
        if i == 0 and calls >= 1:
            log_q = -math.inf
        else:
            log_q = min(calls * math.log1p(-min(p, 1 - 1e-16)), math.log(max(cdf, 1e-300)))
        if log_q < -25:
            last_sure = len(values)
        values.append(log_q)
        if i > rho and calls * p < 1e-12:
            break
        i += 1
        log_p += log_rho - math.log(i)
    return start + 1 + last_sure + 1, values[last_sure + 1:]


def crossings(rates, mean):
    """FastPlan.levelCrossings' totals: (instance-seconds, cold starts), and inner steps."""
    w = T_MIN
    n_min = len(rates)
    length = n_min + w + 1
    per = []
    steps = 0
    for m in range(n_min):
        low, vals = not_reached(rates[m] * mean / 60.0, rates[m])
        per.append((low, vals))
    def logq(j, k):
        """log q of instance k in minute j (0 below the band's start: surely reached)."""
        if j < 0 or j >= n_min:
            return 0.0
        low, vals = per[j]
        if k < low:
            return -math.inf
        i = k - low
        return vals[i] if i < len(vals) else 0.0
    top = max(low + len(vals) for low, vals in per) + 1
    seconds = cold = 0.0
    for m in range(length):
        a = 0.0
        for k in range(1, top + 1):
            before = 0.5 * logq(m - w, k) + sum(logq(j, k) for j in range(m - w + 1, m))
            here = logq(m, k)
            inside = before + 0.5 * here
            a += 1 - math.exp(min(0.0, inside))
            if m < n_min:
                cold += math.exp(min(0.0, before)) * (1 - math.exp(here))
        seconds += 60 * a
    band = sum(len(v) for _, v in per) / n_min
    return seconds, cold, band * w


# ---------------------------------------------------------------- (b) renewal per level, exact for M/M/inf

def euler_nodes(M=M_EULER):
    """Abate-Whitt Euler inversion: f(t) ~ 10^(M/3)/t * sum eta_j Re F(beta_j / t)."""
    betas = [complex(M * math.log(10) / 3, math.pi * j) for j in range(2 * M + 1)]
    xi = [0.0] * (2 * M + 1)
    xi[0] = 0.5
    for j in range(1, M + 1):
        xi[j] = 1.0
    xi[2 * M] = 2.0 ** -M
    for k in range(1, M):
        xi[2 * M - k] = xi[2 * M - k + 1] + math.comb(M, k) * 2.0 ** -M
    etas = [(-1) ** j * x for j, x in enumerate(xi)]
    return betas, etas, 10 ** (M / 3)


BETAS, ETAS, SCALE = euler_nodes()


def top_level(rho):
    return int(rho + 10 * math.sqrt(rho) + 20)


STEPS = [0]                   # complex recursion steps done by `passages`, for the cost


def passages(lam, mu, s, K):
    """f_k(s), k = 1..K: Laplace transform of the first passage k-1 -> k."""
    STEPS[0] += K
    f = []
    prev = 0.0
    for k in range(1, K + 1):
        prev = lam / (s + lam + (k - 1) * mu * (1 - prev))
        f.append(prev)
    return f


def invert(transform, t):
    """Per level: the inverse transform at t of `transform(s)` (a list over levels)."""
    acc = None
    for b, e in zip(BETAS, ETAS):
        vals = transform(b / t)
        if acc is None:
            acc = [0.0] * len(vals)
        for i, v in enumerate(vals):
            acc[i] += e * v.real
    return [SCALE / t * a for a in acc]


class Renewal:
    """Per-level window probabilities of M/M/inf(lam, mu) in steady state, and from an empty start."""

    def __init__(self, lam, mu):
        self.lam, self.mu = lam, mu
        self.rho = lam / mu
        self.K = top_level(self.rho)
        rho = self.rho
        # Poisson(rho) pmf and cdf per level
        pmf = []
        logp = -rho
        for n in range(self.K + 1):
            if n > 0:
                logp += math.log(rho) - math.log(n)
            pmf.append(math.exp(logp))
        self.pmf = pmf
        self.cdf = []
        c = 0.0
        for p in pmf:
            c += p
            self.cdf.append(c)
        self.cache = {}

    def integral(self, L):
        """Per level k = 1..K: int_0^L S_k(t) dt (transform (1 - f_k)/s^2)."""
        if L <= 0:
            return [0.0] * self.K
        key = ("I", L)
        if key not in self.cache:
            self.cache[key] = invert(lambda s: [(1 - f) / (s * s) for f in passages(self.lam, self.mu, s, self.K)], L)
        return self.cache[key]

    def survival(self, L):
        key = ("S", L)
        if key not in self.cache:
            self.cache[key] = invert(lambda s: [(1 - f) / s for f in passages(self.lam, self.mu, s, self.K)], L)
        return self.cache[key]

    def alive_window(self, L):
        """E[max of N over a window of length L] in steady state."""
        ints = self.integral(L)
        total = 0.0
        for k in range(1, self.K + 1):
            nu = self.lam * self.pmf[k - 1]
            below = min(1.0, max(0.0, self.cdf[k - 1] - nu * ints[k - 1]))
            total += 1 - below
        return total

    def cold_rate(self):
        """Cold starts per second in steady state: sum_k nu_k S_k(T)."""
        surv = self.survival(T)
        return sum(self.lam * self.pmf[k - 1] * min(1.0, max(0.0, surv[k - 1])) for k in range(1, self.K + 1))

    def from_empty(self, t):
        """E[max of N over [0, t]] from N(0) = 0: first passages 0 -> k (transform prod f_j)."""
        key = ("E", t)
        if key not in self.cache:
            def tr(s):
                out = []
                prod = 1.0
                for f in passages(self.lam, self.mu, s, self.K):
                    prod *= f
                    out.append((1 - prod) / s)
                return out
            surv = invert(tr, t)
            self.cache[key] = sum(1 - min(1.0, max(0.0, v)) for v in surv)
        return self.cache[key]


def survival(mean, sigma, u):
    """P(S > u)."""
    if u <= 0:
        return 1.0
    if sigma is None:
        return math.exp(-u / mean)
    mu_l = math.log(mean) - sigma * sigma / 2
    return 0.5 * math.erfc((math.log(u) - mu_l) / (sigma * math.sqrt(2)))


def binned_split(rates, mean, sigma):
    """Per minute m: (the variance of calls in flight given the minute counts, the load rho).
    Given its count n_j, a minute's calls are n_j independent uniform starts (nearly: Placer's
    scaled gaps), each still in flight at t with probability p_j(t), so calls in flight at t are a
    sum of binomials: variance sum n_j p_j(t) (1 - p_j(t)), below Poisson's sum n_j p_j(t). p_j(t)
    in closed form (`truncated_mean`), the variance averaged over 12 moments t in minute m."""
    grid = [(i + 0.5) / 12 * 60 for i in range(12)]
    lags = []                                         # per lag d: p at each of the 12 moments
    d = 0
    while True:
        # p = (1/60) int over the starts s of minute m - d before t of P(S > t - s) ds
        #   = (E[min(S, d 60 + t)] - E[min(S, d 60 + t - 60)]) / 60.
        ps = [(truncated_mean(mean, sigma, d * 60 + t) - truncated_mean(mean, sigma, d * 60 + t - 60)) / 60 for t in grid]
        lags.append(ps)
        d += 1
        if max(ps) < 1e-6 or d > 24 * 60:
            break
    out = []
    for m in range(len(rates)):
        var = 0.0
        for i in range(12):
            for d, ps in enumerate(lags):
                if m - d < 0:
                    break
                var += rates[m - d] * ps[i] * (1 - ps[i]) / 12
        out.append((var, rates[m] / 60.0 * mean))
    return out


def chained(rates, mean_eff, mean, sigma=None, binned=False):
    """(d) (b)'s stay-below probabilities chained minute by minute over a window whose load
    changes: per level k, P(below k over the w minutes before boundary b) = G(1 minute) of the
    oldest minute's load, times G(i + 1)/G(i) of each later minute's own load (stay below one more
    minute, having been below for i), with G_rho(L) = P(N < k) - nu_k int_0^L S_k the steady
    probability of a run below k over L. Cold starts at level k in minute m: below over the window
    before m, and not over that window and minute m. The first w minutes from an empty start.

    (e) with `binned`: calls in flight given the minute counts are a fixed base c = rho - v plus
    fluctuations of variance v (`binned_split`), modelled as M/M/inf at load v; levels shift by c
    (rounded per minute), and a base above the window's earlier bases is that many cold starts."""
    w = T_MIN
    if binned:
        split = binned_split(rates, mean, sigma)
        fluct = [v for v, _ in split]
        base = [int(round(rho - v)) for v, rho in split]
    else:
        fluct = [r / 60.0 * mean for r in rates]
        base = [0] * len(rates)
    models = {}
    def g(load):
        """(G_load(L) per level for L = 0 .. w + 1 minutes, levels, the chain)."""
        key = round(math.log(max(load, 1e-9)) * 200)         # loads 0.5 % apart share a table
        if key not in models:
            mu = 1 / mean_eff
            mm = Renewal(load * mu, mu)
            table = []
            for L in range(w + 2):
                ints = mm.integral(L * 60.0)
                table.append([min(1.0, max(1e-300, mm.cdf[k - 1] - mm.lam * mm.pmf[k - 1] * ints[k - 1]))
                              for k in range(1, mm.K + 1)])
            models[key] = (table, mm.K, mm)
        return models[key]
    calls = [m for m, r in enumerate(rates) if r > 0]
    first, last = calls[0], calls[-1]
    K = max(g(fluct[m])[1] for m in calls)
    def load(j):
        return fluct[j] if 0 <= j < len(rates) and rates[j] > 0 else 0.0
    def factor(x, age, k):
        """Stay below k over one more minute of load x, below for `age` minutes before."""
        if x <= 0:
            return 1.0
        table, kk, _ = g(x)
        if k > kk:
            return 1.0
        if age == 0:
            return table[1][k - 1]
        return min(1.0, table[age + 1][k - 1] / table[age][k - 1])
    def below(b, span):
        """Per level: P(below k over the `span` minutes before boundary b)."""
        out = []
        for k in range(1, K + 1):
            p = 1.0
            for i in range(span):
                p *= factor(load(b - span + i), i, k)
            out.append(p)
        return out
    seconds = cold = 0.0
    start = first + w
    # Nothing dies in the first w minutes: instances alive = the highest level reached since
    # the first call, from an empty start at each minute's own load (its running maximum).
    reached = 0.0
    for m in range(first, min(last + 1, first + w)):
        if rates[m] > 0:
            e = g(fluct[m])[2]
            seconds += 60 * (base[m] + e.from_empty((m - first + 0.5) * 60))
            reached = max(reached, base[m] + e.from_empty((m - first + 1) * 60))
    cold += reached
    steps = 0
    for m in range(start, last + w + 1):
        c = max(base[j] for j in range(m - w, min(m, last) + 1))
        before = below(m, w)
        after = below(m + 1, w)
        seconds += 60 * (c + sum(1 - 0.5 * (x + y) for x, y in zip(before, after)))
        if m <= last:
            longer = below(m + 1, w + 1)
            cold += sum(max(0.0, x - y) for x, y in zip(before, longer))
            cold += max(0, base[m] - max(base[m - w:m]))
        steps += 3 * K * w
    return seconds, cold, steps / (last + 1 - first)


def truncated_mean(mean, sigma, x):
    """E[min(S, x)]: the time a call started x ago has spent in flight, on average."""
    if x <= 0:
        return 0.0
    if sigma is None:
        return mean * (1 - math.exp(-x / mean))
    mu_l = math.log(mean) - sigma * sigma / 2
    phi = lambda z: 0.5 * math.erfc(-z / math.sqrt(2))
    z = (math.log(x) - mu_l) / sigma
    return mean * phi(z - sigma) + x * (1 - phi(z))


def loads(rates, mean, sigma, lagged):
    """Per minute, the load rho at its middle: calls/s x mean when not `lagged`, else the mean of
    calls in flight of M_t/G/inf from an empty start (Poisson with that mean, exactly; Eick,
    Massey and Whitt 1993): sum over earlier minutes j of lambda_j (E[min(S, t - j)] - E[min(S, t - j - 1)])."""
    if not lagged:
        return [r / 60.0 * mean for r in rates]
    out = []
    horizon = int(30 * mean / 60) + 2 if sigma is None else len(rates)
    g = [truncated_mean(mean, sigma, (d + 0.5) * 60) for d in range(len(rates) + 1)]
    for m in range(len(rates)):
        rho = rates[m] / 60.0 * g[0]
        for d in range(1, min(m, horizon) + 1):
            rho += rates[m - d] / 60.0 * (g[d] - g[d - 1])
        out.append(rho)
    return out


def renewal(rates, mean_eff, mean, sigma=None):
    """(b) per minute with each minute's load; mean_eff: the exponential durations' mean used
    (the real mean); the load rho (calls/s x the real mean, or
    its lagged value, `LAGGED`) is kept."""
    w = T_MIN
    models = {}
    rhos = loads(rates, mean, sigma, LAGGED)
    def model(rho):
        key = round(math.log(max(rho, 1e-9)) * 200)       # loads 0.5 % apart share a model
        if key not in models:
            mu = 1 / mean_eff
            models[key] = Renewal(rho * mu, mu)
        return models[key]
    calls = [m for m, r in enumerate(rates) if r > 0]
    first, last = calls[0], calls[-1]
    seconds = cold = 0.0
    m0 = model(rates[first] / 60.0 * mean)
    # The first T from an empty start: nothing dies, cold starts = the highest level reached.
    for m in range(first, min(last + 1, first + w)):
        seconds += 60 * m0.from_empty((m - first + 0.5) * 60)
    cold += m0.from_empty(min(last + 1 - first, w) * 60)
    # Then steady state at each minute's load.
    for m in range(first + w, last + 1):
        mm = model(rhos[m])
        seconds += 60 * mm.alive_window(T)
        cold += 60 * mm.cold_rate()
        if RISE:
            # Where the load rises, the levels its steady window holds above the previous
            # minute's are new instances.
            cold += max(0.0, mm.alive_window(T) - model(rhos[m - 1]).alive_window(T))
    # After the last call: the window shortened by the time since it.
    ml = model(rhos[last])
    for j in range(w):
        seconds += 60 * ml.alive_window(T - (j + 0.5) * 60)
    return seconds, cold, STEPS[0] / (last + 1 - first)


def corr_lognormal(mean, sigma, tau):
    """M/G/inf autocorrelation of calls in flight at lag tau: E[(S - tau)^+] / E[S]."""
    if sigma is None:
        return math.exp(-tau / mean)
    mu_l = math.log(mean) - sigma * sigma / 2
    phi = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))
    d2 = (mu_l - math.log(tau)) / sigma
    return phi(d2 + sigma) - tau / mean * phi(d2)


def fitted_mean(mean, sigma):
    r = corr_lognormal(mean, sigma, FIT_LAG(mean))
    return -FIT_LAG(mean) / math.log(max(r, 1e-300))


def exact_cost(rates, mean):
    """Inner steps per unit-minute of the exact time-varying algorithm: per level of the
    uncertain band, w + 1 killed-chain vectors over its states, uniformization steps per minute."""
    lam = max(rates) / 60.0
    rho = lam * mean
    lo = max(0, int(rho - 6 * math.sqrt(rho)))
    hi = top_level(rho)
    states = sum(k - lo for k in range(max(1, lo), hi + 1))
    steps = (lam + hi / mean) * 60
    steps += 6 * math.sqrt(steps) + 10
    return states * (T_MIN + 1) * steps


# ---------------------------------------------------------------- the cases

def err(x, ref):
    return 100.0 * (x - ref) / ref if ref else float("nan")


def ref_cells(rates, mean, sigma, seed, binned):
    ref_s, ref_c, se_s, se_c = reference(rates, mean, sigma, seed, binned)
    cells = ["%.0f ±%.1f%%" % (ref_s, 100 * se_s / ref_s), "%.1f ±%.1f%%" % (ref_c, 100 * se_c / ref_c)]
    return ref_s, ref_c, cells


def errs(result, ref_s, ref_c):
    return ["%+.1f" % err(result[0], ref_s), "%+.1f" % err(result[1], ref_c)]


def poisson_case(name, rates, mean, sigma, seed):
    """Table 1: Poisson arrivals. (a), (b), (d), (d) with the matched-correlation fit."""
    ref_s, ref_c, row = ref_cells(rates, mean, sigma, seed, False)
    a = crossings(rates, mean)
    b = renewal(rates, mean, mean, sigma)
    STEPS[0] = 0
    d = chained(rates, mean, mean, sigma)
    d_cost = d[2] + STEPS[0] / len(rates)
    row += errs(a, ref_s, ref_c) + errs(b, ref_s, ref_c) + errs(d, ref_s, ref_c)
    row += errs(chained(rates, fitted_mean(mean, sigma), mean, sigma), ref_s, ref_c) if sigma is not None else ["", ""]
    row += ["%.0f" % a[2], "%.0f" % d_cost, "%.2g" % exact_cost(rates, mean)]
    print("| " + " | ".join([name, dist(sigma)] + row) + " |", flush=True)


def binned_case(name, rates, mean, sigma, seed):
    """Table 2: the minute counts fixed, as Placer replays a binned trace. (a), (d), (e)."""
    ref_s, ref_c, row = ref_cells(rates, mean, sigma, seed, True)
    row += errs(crossings(rates, mean), ref_s, ref_c)
    row += errs(chained(rates, mean, mean, sigma), ref_s, ref_c)
    row += errs(chained(rates, mean, mean, sigma, binned=True), ref_s, ref_c)
    print("| " + " | ".join([name, dist(sigma)] + row) + " |", flush=True)


def dist(sigma):
    return "exp" if sigma is None else "ln σ=%g" % sigma


def inversion_check():
    """The Euler inversion against a known answer: the first passage 0 -> 1 is exponential with
    rate lambda, so int_0^L S_1 = (1 - e^(-lambda L)) / lambda; worst relative error over a few L."""
    lam, worst = 40 / 60, 0.0
    chain = Renewal(lam, 1 / 23)
    for L in (30.0, 60.0, 300.0, 600.0):
        worst = max(worst, abs(chain.integral(L)[0] / ((1 - math.exp(-lam * L)) / lam) - 1))
    return worst


def main():
    print("Euler inversion against a closed form: worst relative error %.1e" % inversion_check())
    print("Keep-alive %d min. Reference: the mean of %d call-by-call replays (± its standard error);"
          " errors in %% of it: instance-seconds (IS), cold starts (CS)." % (T_MIN, REPS))
    ramp = [int(round(5 + 95 * (1 - abs(m - 90) / 90))) for m in range(180)]
    fast = [int(round(5 + 195 * (1 - abs(m - 30) / 30))) for m in range(60)] + [5] * 60
    day = [int(round(45 + 30 * math.sin(2 * math.pi * (m / 1440 - 8 / 24)))) for m in range(1440)]
    steps = [40] * 30 + [120] * 30 + [20] * 30 + [80] * 30
    swing = [int(40 + 20 * math.sin(m / 1440 * 2 * math.pi)) for m in range(720)]    # FastPathTests.swinging, first half
    r, walk, x = random.Random(7), [], 60.0
    for _ in range(240):
        x = min(150.0, max(10.0, x + r.gauss(0, 8)))
        walk.append(int(round(x)))
    H = 120                                                # minutes of calls per steady case
    print()
    print("Table 1: Poisson arrivals at the minute's rate (the birth-death model's own assumption).")
    print("| case | durations | ref IS | ref CS | (a) IS | (a) CS | (b) IS | (b) CS | (d) IS | (d) CS"
          " | (d)+fit IS | (d)+fit CS | (a) steps/min | (d) steps/min | exact steps/min |")
    print("|" + "---|" * 17)
    seed = 1
    for rate in (5, 40, 200):
        for mean in (5.0, 23.0, 60.0, 240.0):
            for sigma in ((None, 1.0, 2.0) if rate == 40 else (None, 2.0)):
                poisson_case("%d/min %gs" % (rate, mean), [rate] * H, mean, sigma, seed)
                seed += 1
    # Rates that change per minute: a slow ramp 5 -> 100 -> 5 over 3 hours, a fast one 5 -> 200 -> 5
    # over an hour (then an hour at 5), a day (15 to 75 a minute, a sine peaking at 14:00); and two
    # not looked at while (d) was built: half-hour steps (40, 120, 20, 80) and a seeded random
    # walk of the rate (10 to 150 a minute, 4 hours).
    for name, rates, mean, sigma in [("ramp 5-100 23s", ramp, 23.0, None), ("ramp 5-100 60s", ramp, 60.0, None),
                                     ("ramp 5-100 60s", ramp, 60.0, 2.0), ("fast 5-200 23s", fast, 23.0, None),
                                     ("fast 5-200 240s", fast, 240.0, None), ("fast 5-200 240s", fast, 240.0, 2.0),
                                     ("day 15-75 23s", day, 23.0, None), ("steps 20-120 23s", steps, 23.0, None),
                                     ("steps 20-120 120s", steps, 120.0, 1.0), ("walk 10-150 10s", walk, 10.0, None),
                                     ("walk 10-150 60s", walk, 60.0, 1.0)]:
        poisson_case(name, rates, mean, sigma, seed)
        seed += 1
    print()
    print("Table 2: the minute counts fixed (a binned trace, as Placer replays it: Arrivals.swift).")
    print("| case | durations | ref IS | ref CS | (a) IS | (a) CS | (d) IS | (d) CS | (e) IS | (e) CS |")
    print("|" + "---|" * 10)
    for rate in (5, 40, 200):
        for mean in (5.0, 23.0, 60.0, 240.0):
            for sigma in ((None, 1.0) if rate == 40 else (None,)):
                binned_case("%d/min %gs" % (rate, mean), [rate] * H, mean, sigma, seed)
                seed += 1
    for name, rates, mean, sigma in [("ramp 5-100 60s", ramp, 60.0, None), ("fast 5-200 240s", fast, 240.0, 1.0),
                                     ("steps 20-120 120s", steps, 120.0, None),
                                     ("walk 10-150 60s", walk, 60.0, 1.0), ("swing 40-60 225s", swing, 225.0, 0.3)]:
        binned_case(name, rates, mean, sigma, seed)
        seed += 1


if __name__ == "__main__":
    main()
