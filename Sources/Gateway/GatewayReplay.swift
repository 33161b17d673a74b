import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What to do with a call whose scheduled time comes while `concurrency` requests are in flight.
public enum OverflowPolicy: String, Sendable, CaseIterable {
    /// Send it as soon as a slot frees (its lateness is recorded): every call is measured.
    case wait
    /// Do not send it; record `too-many-in-flight`: the schedule's timing is kept for the rest.
    case drop
}

/// How far a replay has got.
public struct GatewayProgress: Sendable {
    public var sent: Int
    public var completed: Int
    public var total: Int
}

/// Replays calls against a real FaaS gateway: each call leaves at its scheduled time on the
/// monotonic clock, never more than `concurrency` in flight, each bounded by `timeoutSeconds`.
///
/// The calls go through swift-server's AsyncHTTPClient (`PooledTransport`): kept-alive
/// connections pooled up to `concurrency` per host, HTTP/1.1 for `http://`, HTTP/2 or HTTP/1.1
/// over TLS for `https://` (clusters behind TLS, every Lambda function URL). A dispatcher thread
/// keeps the schedule; `placer bench gateway` measures what the client adds against a bare socket.
public struct GatewayReplay: Sendable {
    public var gateway: URL?
    public var route: GatewayRoute
    public var options: RouteOptions
    public var concurrency: Int
    public var timeoutSeconds: Double
    public var overflow: OverflowPolicy
    /// Connect to every host once before the first call and stop with a clear error if one refuses.
    public var checkReachability = true

    public init(gateway: URL?, route: GatewayRoute, concurrency: Int, timeoutSeconds: Double,
                options: RouteOptions = RouteOptions(), overflow: OverflowPolicy = .wait) {
        self.gateway = gateway
        self.route = route
        self.options = options
        self.concurrency = max(1, concurrency)
        self.timeoutSeconds = timeoutSeconds
        self.overflow = overflow
    }

    /// Sends every call and returns one outcome per call, in the calls' order. Throws
    /// `RouteError` when a call cannot be routed and `GatewayError` when a gateway cannot be
    /// reached, both before anything is sent.
    public func run(_ calls: [GatewayCall], stop: GatewayStop? = nil,
                    progress: (@Sendable (GatewayProgress) -> Void)? = nil) throws -> [GatewayOutcome] {
        // A route depends only on the function and app: check one call of each before sending any,
        // then build each request when its call is due (a long replay holds no million requests).
        var firstOfEach: [String: GatewayRequest] = [:]
        for call in calls where firstOfEach[call.app + "/" + call.function] == nil {
            firstOfEach[call.app + "/" + call.function] = try route.request(for: call, gateway: gateway, options: options)
        }
        let samples = Array(firstOfEach.values)
        if checkReachability {
            try Reachability.check(samples.map(\.url).sorted { $0.absoluteString < $1.absoluteString },
                                   timeoutSeconds: min(5, max(0.5, timeoutSeconds)))
        }
        let transport = PooledTransport(concurrency: concurrency, timeoutSeconds: timeoutSeconds)
        defer { transport.finish() }

        let results = Results(calls.count, total: calls.count, progress: progress)
        let slots = DispatchSemaphore(value: concurrency)
        let group = DispatchGroup()
        // Calls in time order; equal times keep their given order.
        let order = calls.indices.sorted { calls[$0].scheduledSeconds != calls[$1].scheduledSeconds
            ? calls[$0].scheduledSeconds < calls[$1].scheduledSeconds : $0 < $1 }
        let origin = MonotonicClock.now()
        var slotWaitEnded: UInt64 = 0

        for position in order {
            let call = calls[position]
            let due = origin + UInt64(max(0, call.scheduledSeconds) * 1e9)
            // Asleep in slices of at most 50 ms, so that a stop is seen however far the next call is.
            while let stop, !stop.isStopped, MonotonicClock.now() + 50_000_000 < due {
                MonotonicClock.sleep(until: MonotonicClock.now() + 50_000_000)
            }
            if stop?.isStopped == true { break }
            MonotonicClock.sleep(until: due)
            // Due while the dispatcher was blocked on a full bound: the bound delayed this call too.
            var waited = due < slotWaitEnded
            if slots.wait(timeout: .now()) == .timedOut {
                waited = true
                if overflow == .drop {
                    let at = Double(MonotonicClock.now() - origin) / 1e9
                    results.store(position, GatewayOutcome(index: call.index, scheduledSeconds: call.scheduledSeconds, startedSeconds: at,
                                                           responseMs: 0, status: nil, outcome: "too-many-in-flight", waitedForSlot: true))
                    continue
                }
                slots.wait()
                slotWaitEnded = MonotonicClock.now()
            }
            let waitedForSlot = waited
            let request: GatewayRequest
            do { request = try route.request(for: call, gateway: gateway, options: options) } catch {
                slots.signal()  // cannot happen: every function's route was built above
                results.store(position, GatewayOutcome(index: call.index, scheduledSeconds: call.scheduledSeconds, startedSeconds: 0,
                                                       responseMs: 0, status: nil, outcome: "error", detail: "\(error)"))
                continue
            }
            let started = MonotonicClock.now()
            let startedSeconds = Double(started - origin) / 1e9
            group.enter()
            results.sent()
            transport.send(request, timeoutSeconds: timeoutSeconds) { answer in
                let elapsedMs = Double(MonotonicClock.now() - started) / 1e6
                slots.signal()
                let outcome = GatewayOutcome(index: call.index, scheduledSeconds: call.scheduledSeconds, startedSeconds: startedSeconds,
                                             responseMs: elapsedMs, status: answer.status,
                                             outcome: answer.status.map(GatewayOutcome.name(status:)) ?? answer.failure ?? "error",
                                             waitedForSlot: waitedForSlot, bytes: answer.bytes, detail: answer.detail)
                results.store(position, outcome)
                group.leave()
            }
        }
        group.wait()
        return results.finish(calls)
    }
}

/// Lets another thread (a signal handler's) stop a replay: calls not yet sent are recorded as
/// `not-sent`, calls in flight finish.
public final class GatewayStop: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    public init() {}
    public func stop() { lock.lock(); stopped = true; lock.unlock() }
    public var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
}

/// Outcomes as they arrive, and the progress count.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [GatewayOutcome?]
    private var sentCount = 0, completed = 0
    private let total: Int
    private let progress: (@Sendable (GatewayProgress) -> Void)?

    init(_ count: Int, total: Int, progress: (@Sendable (GatewayProgress) -> Void)?) {
        outcomes = Array(repeating: nil, count: count)
        self.total = total
        self.progress = progress
    }

    func sent() { lock.lock(); sentCount += 1; lock.unlock() }

    func store(_ position: Int, _ outcome: GatewayOutcome) {
        lock.lock()
        outcomes[position] = outcome
        completed += 1
        let state = GatewayProgress(sent: sentCount, completed: completed, total: total)
        lock.unlock()
        progress?(state)
    }

    /// Every call's outcome; calls a stop left unsent are `not-sent`.
    func finish(_ calls: [GatewayCall]) -> [GatewayOutcome] {
        lock.lock(); defer { lock.unlock() }
        return calls.indices.map { i in
            outcomes[i] ?? GatewayOutcome(index: calls[i].index, scheduledSeconds: calls[i].scheduledSeconds,
                                          startedSeconds: calls[i].scheduledSeconds, responseMs: 0, status: nil, outcome: "not-sent")
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds, and an absolute sleep on it.
enum MonotonicClock {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func sleep(until deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }
}
