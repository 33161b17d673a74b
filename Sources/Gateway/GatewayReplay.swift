import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
/// Two clients (`GatewayClient`): for `http://` gateways a socket client with kept-alive
/// connections, for timing; for `https://` (clusters behind TLS, every Lambda function
/// URL) Foundation's URLSession over libcurl, which keeps connections alive too but adds about a
/// millisecond per call on Linux. `placer bench gateway` measures both against a bare client.
public struct GatewayReplay: Sendable {
    public var gateway: URL?
    public var route: GatewayRoute
    public var options: RouteOptions
    public var concurrency: Int
    public var timeoutSeconds: Double
    public var overflow: OverflowPolicy
    /// Connect to every host once before the first call and stop with a clear error if one refuses.
    public var checkReachability = true
    /// Which HTTP client sends the calls.
    public var client: GatewayClient = .auto

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
        let plain = samples.allSatisfy { $0.url.scheme == "http" }
        if client == .socket && !plain {
            throw GatewayError("the socket client speaks plain http only: use --client urlsession (or auto) for https")
        }
        if checkReachability {
            try Reachability.check(samples.map(\.url).sorted { $0.absoluteString < $1.absoluteString },
                                   timeoutSeconds: min(5, max(0.5, timeoutSeconds)))
        }
        let transport: any Transport = switch client {
        case .asyncHTTPClient: PooledTransport(concurrency: concurrency, timeoutSeconds: timeoutSeconds)
        case .urlsession: URLSessionTransport(concurrency: concurrency, timeoutSeconds: timeoutSeconds)
        case .socket: SocketTransport(workers: concurrency)
        case .auto: plain ? SocketTransport(workers: concurrency) : URLSessionTransport(concurrency: concurrency, timeoutSeconds: timeoutSeconds)
        }
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

/// Which HTTP client sends the calls.
public enum GatewayClient: String, Sendable, CaseIterable {
    /// The socket client when every URL is `http://`, URLSession otherwise.
    case auto
    /// `SocketTransport`: plain HTTP/1.1, tight timing, no TLS.
    case socket
    /// Foundation's URLSession (libcurl): https, about a millisecond more per call on Linux.
    case urlsession
    /// swift-server's AsyncHTTPClient (`PooledTransport`): a connection pool, HTTP/1.1 and 2, TLS.
    case asyncHTTPClient = "asynchttpclient"
}

/// A client that sends one request and reports how it ended.
protocol Transport: Sendable {
    func send(_ request: GatewayRequest, timeoutSeconds: Double, done: @escaping @Sendable (TransportResult) -> Void)
    func finish()
}

extension SocketTransport: Transport {}
extension PooledTransport: Transport {}

/// URLSession with keep-alive (up to `concurrency` connections per host) and a timer per call
/// that cancels it at the timeout (URLSession's own timeout is an idle timeout, not a total).
final class URLSessionTransport: Transport, @unchecked Sendable {
    private let session: URLSession
    private let timers = DispatchQueue(label: "placer.gateway.timeouts")

    init(concurrency: Int, timeoutSeconds: Double) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = concurrency
        configuration.timeoutIntervalForRequest = timeoutSeconds + 5  // a backstop; the timer is the timeout
        configuration.timeoutIntervalForResource = timeoutSeconds + 5
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration)
    }

    func send(_ request: GatewayRequest, timeoutSeconds: Double, done: @escaping @Sendable (TransportResult) -> Void) {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = "POST"
        urlRequest.httpBody = request.body
        urlRequest.timeoutInterval = timeoutSeconds + 5
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let flag = TimeoutFlag()
        let task = session.dataTask(with: urlRequest) { data, response, error in
            var result = TransportResult(bytes: data?.count ?? 0)
            if flag.fired {
                result.failure = "timeout"
            } else if let error {
                (result.failure, result.detail) = Self.classify(error)
            } else if let http = response as? HTTPURLResponse {
                result.status = http.statusCode
            } else {
                result.failure = "error"
                result.detail = "no HTTP response"
            }
            done(result)
        }
        let box = TaskBox(task)
        timers.asyncAfter(deadline: .now() + timeoutSeconds) {
            if flag.fire() { box.task.cancel() }
        }
        task.resume()
    }

    func finish() { session.finishTasksAndInvalidate() }

    /// An outcome name and a detail for a client error.
    static func classify(_ error: Error) -> (String, String) {
        let code = (error as NSError).code
        let text = (error as NSError).localizedDescription
        switch code {
        case NSURLErrorTimedOut: return ("timeout", "")
        case NSURLErrorCannotConnectToHost: return ("connection-refused", "")
        case NSURLErrorNetworkConnectionLost: return ("connection-lost", "")
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return ("error", "cannot resolve host: \(text)")
        default: return ("error", text)
        }
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

/// Set once by whichever comes first: the timeout timer or the answer.
private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var state = false
    /// True if the timer fired before the answer came.
    var fired: Bool { lock.lock(); defer { lock.unlock() }; return state }
    /// Marks the timeout (the task is then cancelled, and completes as a timeout).
    func fire() -> Bool { lock.lock(); defer { lock.unlock() }; state = true; return true }
}

private final class TaskBox: @unchecked Sendable {
    let task: URLSessionDataTask
    init(_ task: URLSessionDataTask) { self.task = task }
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
