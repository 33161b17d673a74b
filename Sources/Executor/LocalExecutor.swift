import DequeModule
import Foundation
import ProcessShim
import Simulation
import WorkerProtocol

/// Everything one replay measured.
public struct ExecutionResult: Sendable {
    /// Invocations that were handed to an instance, in index order (not those a Ctrl-C left unstarted).
    public var records: [InvocationRecord]
    public var instances: [InstanceRecord]
    /// Invocations in the schedule.
    public var scheduled: Int
    public var interrupted: Bool
    public var wallSeconds: Double
    public var startUnixMicros: Int64
    public var slots: Int
    /// The node it ran as (`ExecutionOptions.node`).
    public var node: ClusterModel
    public var notes: [String]
}

/// One instance process from start to end.
public struct InstanceRecord: Sendable {
    public var id: Int
    public var unit: String
    public var startedSeconds: Double
    public var readySeconds: Double?
    /// When it ended; for an instance still warm when the replay ended, when its keep-alive
    /// would have ended it (as the simulator counts it).
    public var endedSeconds: Double
    public var served: Int
    /// The kernel's account at its end (wait4): CPU time and peak resident set.
    public var cpuMs: Double
    public var maxRSSMB: Double
    public var endReason: String

    public var lifetimeSeconds: Double { max(0, endedSeconds - startedSeconds) }
}

/// One running instance.
private final class Instance {
    let id: Int
    let unit: String
    let process: SpawnedProcess
    let stats: ProcStats
    let startedAt: Double
    let memoryMB: Int
    var buffer: [UInt8] = []
    var readyAt: Double?
    /// Calls handed to it before it was ready.
    var waiting: [Int] = []
    /// Calls sent and not answered: call index → when sent.
    var inFlight: [Int: Double] = [:]
    var lastFree: Double
    var alive = true
    var stopping = false
    var stopDeadline = Double.infinity
    var endReason = ""
    var cpuMark: UInt64?
    var served = 0
    var limitMB: Int?

    init(id: Int, unit: String, process: SpawnedProcess, startedAt: Double, memoryMB: Int) {
        self.id = id
        self.unit = unit
        self.process = process
        stats = ProcStats(pid: process.pid)
        self.startedAt = startedAt
        self.memoryMB = memoryMB
        lastFree = startedAt
    }

    var load: Int { inFlight.count + waiting.count }
}

/// Replays calls through real processes on this machine, as one node of an on-prem platform:
/// instances per scaling unit, started on a cold start, reused while warm, ended by the target's
/// keep-alive policy; at most `slots` invocations in flight, the rest queued in arrival order.
///
/// One thread: a ppoll loop over the instances' output pipes, woken by the next arrival, a
/// keep-alive expiry, a timeout or Ctrl-C.
public final class LocalExecutor {
    let options: ExecutionOptions
    private var calls: [ExecCall] = []
    private var records: [InvocationRecord?] = []
    private var instances: [Instance] = []
    private var finished: [InstanceRecord] = []
    /// Per scaling unit: instances alive, and the idle ones (most recently freed last).
    private var live: [String: [Int]] = [:]
    private var idle: [String: [Int]] = [:]
    /// Calls due and not yet handed to an instance, in schedule order.
    private var queue = Deque<Int>()
    private var busySlots = 0
    /// Memory the live instances hold, MB (their functions' memory).
    private var heldMB = 0.0
    private var t0 = 0.0
    private var notes: [String] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    public init(options: ExecutionOptions) {
        self.options = options
    }

    private var c: Int { options.model.perInstanceConcurrency }

    /// Idle time after which an instance is ended; infinity for never; negative for at once.
    private var idleLimit: Double {
        switch options.model.keepAlive {
        case .fixed(let s): return s
        case .forkPerRequest: return -1
        case .alwaysOn, .memoryPool: return .infinity
        case .hybridHistogram(let h): return h.rangeMinutes * 60
        }
    }

    private func now() -> Double { Clock.now() - t0 }

    /// Runs the calls (ascending by `scheduledSeconds`) and returns what was measured.
    public func run(_ calls: [ExecCall]) -> ExecutionResult {
        self.calls = calls
        records = Array(repeating: nil, count: calls.count)
        signal(SIGPIPE, SIG_IGN)
        _ = placer_precise_timers()  // the default 50 µs of slack would be start lateness
        if case .hybridHistogram = options.model.keepAlive {
            notes.append("hybrid-histogram keep-alive executed as a fixed keep-alive of its whole range")
        }
        let startUnix = Clock.unixMicroseconds()
        t0 = Clock.now()
        var next = 0
        var interrupted = false
        var pollSet: [pollfd] = []
        var owners: [Int] = []
        while true {
            var t = now()
            while next < calls.count, calls[next].scheduledSeconds <= t {
                queue.append(next)
                next += 1
            }
            dispatch(at: t)
            t = now()
            let wake = timers(at: t)
            if next >= calls.count, queue.isEmpty, busySlots == 0 { break }
            var until = wake
            if next < calls.count { until = min(until, calls[next].scheduledSeconds) }

            pollSet.removeAll(keepingCapacity: true)
            owners.removeAll(keepingCapacity: true)
            if Interrupt.fd >= 0 { pollSet.append(pollfd(fd: Interrupt.fd, events: Int16(POLLIN), revents: 0)); owners.append(-1) }
            for instance in instances where instance.alive {
                pollSet.append(pollfd(fd: instance.process.output, events: Int16(POLLIN), revents: 0))
                owners.append(instance.id)
            }
            let wait = until.isFinite ? min(3600, max(0, until - now())) : -1
            let ready = placer_wait(&pollSet, UInt(pollSet.count), wait)
            if ready < 0 { if errno == EINTR { continue }; notes.append("poll failed: \(String(cString: strerror(errno)))"); break }
            if ready == 0 { continue }
            for (slot, fd) in pollSet.enumerated() where fd.revents != 0 {
                if owners[slot] < 0 { interrupted = true; continue }
                readOutput(instances[owners[slot]])
            }
            if interrupted { break }
        }
        let finishedAt = now()
        if interrupted {
            for instance in instances where instance.alive {
                fail(instance, .interrupted, "the replay was interrupted")
                instance.endReason = "replay interrupted"
            }
        }
        // What is still warm lives out its keep-alive in the accounts (not on the machine).
        for instance in instances where instance.alive {
            if instance.endReason.isEmpty { instance.endReason = "warm at the end of the replay" }
            if let fd = instance.input { close(fd) }
            instance.stopping = true
        }
        for instance in instances where instance.alive {
            if interrupted { Processes.kill(instance.process.pid) }
            let projected = interrupted ? finishedAt : (idleLimit.isFinite ? max(finishedAt, instance.lastFree + max(0, idleLimit)) : finishedAt)
            end(instance, at: projected, grace: 0.5)
        }
        let ran = records.compactMap { $0 }
        return ExecutionResult(records: ran, instances: finished.sorted { $0.id < $1.id }, scheduled: calls.count,
                               interrupted: interrupted, wallSeconds: finishedAt, startUnixMicros: startUnix, slots: options.slots,
                               node: options.node, notes: notes)
    }

    // MARK: dispatch

    private func unitKey(_ call: ExecCall) -> String {
        if options.model.scalingUnit == .app, options.commands[call.function] == nil { return call.app }
        return call.app + "/" + call.function
    }

    /// Hands queued calls to instances while slots are free; calls whose unit is at its instance
    /// limit wait at the head of the queue in their order.
    private func dispatch(at t: Double) {
        var blocked: [Int] = []
        while busySlots < options.slots, let k = queue.popFirst() {
            if !assign(k, at: t) { blocked.append(k) }
        }
        if !blocked.isEmpty { queue.prepend(contentsOf: blocked) }
    }

    private func assign(_ k: Int, at t: Double) -> Bool {
        let call = calls[k]
        let key = unitKey(call)
        var chosen: Instance?
        if c > 1 {
            chosen = live[key, default: []].lazy.map { self.instances[$0] }
                .first { !$0.stopping && $0.load > 0 && $0.load < self.c }
        }
        while chosen == nil, let id = idle[key]?.popLast() {
            let instance = instances[id]
            if instance.alive, !instance.stopping, instance.load == 0 { chosen = instance }
        }
        var cold = false
        if chosen == nil {
            guard live[key, default: []].count < options.model.maxInstances else { return false }
            // The node's memory: a new instance waits until the live ones leave it room.
            guard heldMB + Double(call.memoryMB) <= options.nodeMemoryMB || heldMB == 0 else { return false }
            cold = true
            let argv = options.argv(function: call.function)
            do {
                let process = try Processes.spawn(argv, keepStderr: options.instanceStderr)
                let instance = Instance(id: instances.count, unit: key, process: process, startedAt: t, memoryMB: call.memoryMB)
                instances.append(instance)
                heldMB += Double(call.memoryMB)
                live[key, default: []].append(instance.id)
                chosen = instance
            } catch {
                busySlots += 1
                records[k] = record(k, instance: nil, started: t, cold: true)
                finish(k, outcome: .startFailed, reason: "\(error)", at: t)
                return true
            }
        }
        guard let instance = chosen else { return false }
        busySlots += 1
        records[k] = record(k, instance: instance.id, started: t, cold: cold)
        if instance.readyAt == nil { instance.waiting.append(k) } else { send(k, to: instance, at: t) }
        return true
    }

    private func record(_ k: Int, instance: Int?, started: Double, cold: Bool) -> InvocationRecord {
        let call = calls[k]
        return InvocationRecord(index: call.index, app: call.app, function: call.function, instance: instance,
                                scheduledSeconds: call.scheduledSeconds, startedSeconds: started,
                                requestedDurationMs: call.durationMs, memoryMB: call.memoryMB, cold: cold,
                                outcome: .ok)
    }

    private func send(_ k: Int, to instance: Instance, at t: Double) {
        let call = calls[k]
        if instance.inFlight.isEmpty { instance.cpuMark = instance.stats.cpuNanoseconds() } else { instance.cpuMark = nil }
        instance.inFlight[k] = t
        let line = FlatJSON.line(["id": .number(Double(k)), "function": .string(call.function),
                                  "durationMs": .number(call.durationMs), "memoryMB": .number(Double(call.memoryMB))])
        var bytes = Array(line.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(instance.process.input, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                break  // the instance is gone; its end of output tells how
            }
            done += n
        }
    }

    // MARK: answers

    private func readOutput(_ instance: Instance) {
        while instance.alive {
            let n = chunk.withUnsafeMutableBytes { read(instance.process.output, $0.baseAddress!, $0.count) }
            if n > 0 {
                instance.buffer.append(contentsOf: chunk[0..<n])
                var start = 0
                while instance.alive, let newline = instance.buffer[start...].firstIndex(of: 0x0A) {
                    let line = instance.buffer[start..<newline]
                    start = newline + 1
                    handle(line, from: instance)
                }
                if instance.alive { instance.buffer.removeFirst(start) }
                if n < chunk.count { return }
                continue
            }
            if n < 0, errno == EINTR { continue }
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            ended(instance)  // end of output: the process is gone or going
            return
        }
    }

    private func handle(_ line: ArraySlice<UInt8>, from instance: Instance) {
        let t = now()
        guard let fields = try? FlatJSON.parse(line) else { garbage(instance, line); return }
        if instance.readyAt == nil {
            guard fields["ready"]?.bool == true else { garbage(instance, line); return }
            ready(instance, at: t)
            return
        }
        guard let id = fields["id"]?.number, id >= 0, id < Double(calls.count), let sentAt = instance.inFlight[Int(id)] else {
            garbage(instance, line)
            return
        }
        let k = Int(id)
        instance.inFlight[k] = nil
        instance.served += 1
        if var r = records[k] {
            r.executionMs = (t - sentAt) * 1000
            if instance.inFlight.isEmpty, let mark = instance.cpuMark, let cpu = instance.stats.cpuNanoseconds(), cpu >= mark {
                r.cpuMs = Double(cpu - mark) / 1e6
            }
            r.peakRSSMB = instance.stats.memoryMB()?.peakRSS
            records[k] = r
        }
        if fields["ok"]?.bool == true {
            finish(k, outcome: .ok, reason: "", at: t)
        } else {
            let message = fields["error"]?.string ?? "the function reported a failure"
            finish(k, outcome: fields["kind"]?.string == "memory" ? .memory : .error, reason: message, at: t)
        }
        if instance.load == 0 { released(instance, at: t) }
    }

    private func ready(_ instance: Instance, at t: Double) {
        instance.readyAt = t
        if options.limitMemory, let size = instance.stats.memoryMB()?.size {
            // Each concurrent request may need a thread (its stack) in the instance.
            let limit = Int(size.rounded(.up)) + max(0, instance.memoryMB) + options.memorySlackMB + 8 * (c - 1)
            if Processes.limitAddressSpace(instance.process.pid, megabytes: limit) { instance.limitMB = limit }
        }
        let waiting = instance.waiting
        instance.waiting = []
        for (j, k) in waiting.enumerated() {
            if j == 0, records[k]?.cold == true { records[k]?.initMs = (t - instance.startedAt) * 1000 }
            send(k, to: instance, at: t)
        }
        if instance.load == 0 { released(instance, at: t) }
    }

    /// An instance with nothing to do: ended or kept, per the keep-alive policy.
    private func released(_ instance: Instance, at t: Double) {
        instance.lastFree = t
        if idleLimit < 0 { stop(instance, at: t, reason: "ended after its request (fork per request)"); return }
        idle[instance.unit, default: []].append(instance.id)
        if case .memoryPool(let poolMB) = options.model.keepAlive {
            // Least recently used idle instances go while the idle ones hold more than the pool.
            var ids = idle[instance.unit, default: []].filter { self.instances[$0].alive && !self.instances[$0].stopping && self.instances[$0].load == 0 }
            while Double(ids.reduce(0) { $0 + max(1, self.instances[$1].memoryMB) }) > poolMB, let victim = ids.first {
                ids.removeFirst()
                stop(instances[victim], at: t, reason: "evicted from the memory pool")
            }
            idle[instance.unit] = ids
        }
    }

    private func finish(_ k: Int, outcome: InvocationRecord.Outcome, reason: String, at t: Double) {
        guard var r = records[k] else { return }
        r.outcome = outcome
        r.reason = reason
        r.responseMs = (t - r.scheduledSeconds) * 1000
        records[k] = r
        busySlots -= 1
    }

    /// Fails everything the instance holds with one outcome.
    private func fail(_ instance: Instance, _ outcome: InvocationRecord.Outcome, _ reason: String) {
        let t = now()
        for (k, sentAt) in instance.inFlight.sorted(by: { $0.key < $1.key }) {
            records[k]?.executionMs = (t - sentAt) * 1000
            finish(k, outcome: outcome, reason: reason, at: t)
        }
        for k in instance.waiting {
            finish(k, outcome: outcome == .interrupted ? .interrupted : .startFailed, reason: reason, at: t)
        }
        instance.inFlight = [:]
        instance.waiting = []
    }

    private func garbage(_ instance: Instance, _ line: ArraySlice<UInt8>) {
        var text = String(decoding: line.prefix(60), as: UTF8.self)
        if line.count > 60 { text += "…" }
        let what = instance.readyAt == nil ? "instead of {\"ready\":true}" : "instead of an answer"
        fail(instance, instance.readyAt == nil ? .startFailed : .garbage, "unreadable line \(what): \(text)")
        instance.endReason = "killed: wrote something that is not the protocol"
        Processes.kill(instance.process.pid)
        ended(instance)
    }

    // MARK: timers

    /// Ends idle instances past their keep-alive, kills what runs past the timeout, and returns
    /// the time of the next such event.
    private func timers(at t: Double) -> Double {
        var wake = Double.infinity
        let timeout = options.timeoutSeconds
        let limit = idleLimit
        for instance in instances where instance.alive {
            if instance.stopping {
                if t >= instance.stopDeadline { Processes.kill(instance.process.pid); ended(instance) } else { wake = min(wake, instance.stopDeadline) }
                continue
            }
            if instance.readyAt == nil {
                if t - instance.startedAt >= timeout {
                    fail(instance, .startFailed, "the instance was not ready within \(FlatJSON.format(timeout)) s; killed")
                    instance.endReason = "killed: not ready in time"
                    Processes.kill(instance.process.pid)
                    ended(instance)
                } else { wake = min(wake, instance.startedAt + timeout) }
                continue
            }
            if instance.load == 0 {
                if limit.isFinite, limit >= 0 {
                    let expiry = instance.lastFree + limit
                    if t > expiry { stop(instance, at: t, reason: "keep-alive expired") } else { wake = min(wake, expiry + 1e-6) }
                }
                continue
            }
            if let oldest = instance.inFlight.values.min() {
                if t - oldest >= timeout {
                    fail(instance, .timeout, "ran past the \(FlatJSON.format(timeout)) s timeout; killed")
                    instance.endReason = "killed: timeout"
                    Processes.kill(instance.process.pid)
                    ended(instance)
                } else { wake = min(wake, oldest + timeout) }
            }
        }
        return wake
    }

    /// Asks an instance to exit (end of its input); killed if it has not within a second.
    private func stop(_ instance: Instance, at t: Double, reason: String) {
        guard instance.alive, !instance.stopping else { return }
        if let fd = instance.input { close(fd) }
        instance.stopping = true
        instance.endReason = reason
        instance.stopDeadline = t + 1
        idle[instance.unit]?.removeAll { $0 == instance.id }
    }

    /// The instance's output ended: reap it and fail what it was running with how it ended.
    private func ended(_ instance: Instance) {
        guard instance.alive else { return }
        end(instance, at: now(), grace: instance.stopping ? 1 : 0.05)
    }

    private func end(_ instance: Instance, at endTime: Double, grace: Double) {
        guard instance.alive else { return }
        if !instance.stopping { if let fd = instance.input { close(fd) } }
        let ending = Processes.reap(instance.process.pid, grace: grace)
        instance.alive = false
        heldMB -= Double(instance.memoryMB)
        close(instance.process.output)
        if instance.load > 0 {
            var outcome: InvocationRecord.Outcome
            var reason: String
            if let signal = ending.signal {
                outcome = .crash
                reason = "the instance died of \(Processes.signalName(signal)) mid-invocation"
            } else {
                outcome = .exit
                reason = "the instance exited (status \(ending.exitCode)) mid-invocation"
            }
            if let limit = instance.limitMB { reason += " (address space limited to \(limit) MB)" }
            if instance.readyAt == nil { outcome = .startFailed; reason = reason.replacingOccurrences(of: "mid-invocation", with: "before it was ready") }
            fail(instance, outcome, reason)
        }
        if instance.endReason.isEmpty {
            instance.endReason = ending.signal.map { "died of \(Processes.signalName($0))" } ?? "exited (status \(ending.exitCode))"
        }
        live[instance.unit]?.removeAll { $0 == instance.id }
        idle[instance.unit]?.removeAll { $0 == instance.id }
        finished.append(InstanceRecord(id: instance.id, unit: instance.unit, startedSeconds: instance.startedAt,
                                       readySeconds: instance.readyAt, endedSeconds: endTime, served: instance.served,
                                       cpuMs: ending.cpuMs, maxRSSMB: ending.maxRSSMB, endReason: instance.endReason))
    }
}

private extension Instance {
    /// The input pipe while it is open.
    var input: Int32? { stopping ? nil : process.input }
}
