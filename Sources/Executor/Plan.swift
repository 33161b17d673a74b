import Foundation
import Pricing
import Simulation
import WorkerProtocol

/// One invocation to run, on the replay's clock (seconds from its start, after any speed-up).
/// Maps one to one onto the HTTP backend's `GatewayCall`.
public struct ExecCall: Sendable, Equatable {
    public var index: Int
    public var app: String
    public var function: String
    /// When it should start, seconds from the replay's start.
    public var scheduledSeconds: Double
    public var durationMs: Double
    public var memoryMB: Int

    public init(index: Int, app: String, function: String, scheduledSeconds: Double, durationMs: Double, memoryMB: Int) {
        self.index = index
        self.app = app
        self.function = function
        self.scheduledSeconds = scheduledSeconds
        self.durationMs = durationMs
        self.memoryMB = memoryMB
    }
}

/// Turns the simulator's schedule into the replay's: times from the window's start, divided by
/// the speed-up (durations stay real).
public enum ReplayPlan {
    public static func calls(_ schedule: [ScheduledCall], windowStart: Double, speedup: Double) -> [ExecCall] {
        let factor = speedup > 0 ? speedup : 1
        return schedule.enumerated().map { i, call in
            ExecCall(index: i, app: call.app, function: call.function,
                     scheduledSeconds: max(0, call.seconds - windowStart) / factor,
                     durationMs: call.durationMs, memoryMB: Int(call.memoryMB.rounded()))
        }
    }
}

/// How a function instance is started.
public enum InstanceCommand: Sendable, Equatable {
    /// `placer-worker` at this path: the synthetic workload.
    case worker(path: String)
    /// The user's program and its arguments, spoken to over the JSON-lines protocol.
    case program([String])
}

/// What the local executor needs besides the calls.
public struct ExecutionOptions: Sendable {
    /// The target's instance model: scaling unit, per-instance concurrency, instance limit, keep-alive.
    public var model: TargetModel
    /// Invocations in flight at once on this machine; more wait in a queue.
    public var slots: Int
    /// An invocation (or an instance's start) running longer than this is killed, seconds.
    public var timeoutSeconds: Double
    /// The synthetic worker, used for functions without their own command.
    public var worker: String
    /// Commands by function name (`--function NAME=COMMAND`).
    public var commands: [String: [String]]
    /// Init phase of the synthetic worker, ms.
    public var initMs: Double
    /// Limit each instance's address space to what it held when ready plus its function's memory
    /// and `memorySlackMB`.
    public var limitMemory: Bool
    public var memorySlackMB: Int
    /// Let instances write to this process's standard error (a handler's tracebacks) instead of /dev/null.
    public var instanceStderr = false
    /// Memory the node offers instances, MB: a new instance starts only while the live ones and
    /// it fit (this machine's physical memory by default).
    public var nodeMemoryMB = Double(ProcessInfo.processInfo.physicalMemory) / 1_048_576

    /// The node this executor is, as the simulator models one (`ClusterReplay`): one server whose
    /// `slots` are its cores at one core per running call (an instance's start included), its
    /// memory held by live instances, new instances on it while both fit, the rest queued.
    public var node: ClusterModel {
        ClusterModel(nodes: 1, coresPerNode: Double(slots), memoryMBPerNode: nodeMemoryMB,
                     placement: NodePlacement(rule: .binPacking, nodeChoice: .firstFit, whenFull: .queue, evictIdle: false,
                                              source: "placer execute (docs/executor.md)"),
                     coresPerCall: 1)
    }

    public init(model: TargetModel, slots: Int, timeoutSeconds: Double = 60, worker: String,
                commands: [String: [String]] = [:], initMs: Double = 0, limitMemory: Bool = true, memorySlackMB: Int = 128) {
        self.model = model
        self.slots = max(1, slots)
        self.timeoutSeconds = timeoutSeconds
        self.worker = worker
        self.commands = commands
        self.initMs = initMs
        self.limitMemory = limitMemory
        self.memorySlackMB = memorySlackMB
    }

    /// The argument vector an instance of this function is started with.
    func argv(function: String) -> [String] {
        if let command = commands[function] { return command }
        var argv = [worker]
        if initMs > 0 { argv += ["--init-ms", FlatJSON.format(initMs)] }
        if model.perInstanceConcurrency > 1 { argv += ["--concurrency", String(model.perInstanceConcurrency)] }
        return argv
    }
}

/// Splits a command line into words as a shell would for plain words and quotes, without a shell
/// (no variables, globs or redirections).
public func splitCommand(_ text: String) throws -> [String] {
    var words: [String] = [], word = "", inWord = false
    var quote: Character?
    var escaped = false
    for c in text {
        if escaped { word.append(c); escaped = false; continue }
        if let q = quote {
            if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { word.append(c) }
            continue
        }
        switch c {
        case "\"", "'": quote = c; inWord = true
        case "\\": escaped = true; inWord = true
        case " ", "\t":
            if inWord { words.append(word); word = ""; inWord = false }
        default: word.append(c); inWord = true
        }
    }
    if quote != nil || escaped { throw ExecutionError.badCommand("unterminated quote or escape in \"\(text)\"") }
    if inWord { words.append(word) }
    return words
}

/// What stops a replay before it starts.
public enum ExecutionError: Error, CustomStringConvertible, Sendable {
    case badCommand(String)
    case cannotStart(String)
    case system(String)

    public var description: String {
        switch self {
        case .badCommand(let m), .cannotStart(let m), .system(let m): return m
        }
    }
}
