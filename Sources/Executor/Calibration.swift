import Foundation
import Percentiles
import Simulation
import WorkerProtocol
import InputLimits
import Yams

/// This machine's measured figures (`placer calibrate`), which an on-prem target can use in
/// place of assumed ones: process cold start, warm per-invocation overhead, dispatch rate.
public struct Calibration: Sendable, Equatable {
    public static let schema = "placer.calibration/v1"

    /// When it was measured (ISO 8601, UTC).
    public var measured: String
    public var host: String
    public var cpu: String
    public var cores: Int
    public var kernel: String
    /// Start of a `placer-worker` process until it says it is ready, ms.
    public var coldStartMedianMs: Double
    public var coldStartP99Ms: Double
    public var coldStartSamples: Int
    /// Round trip of a no-op invocation to a warm instance, ms.
    public var warmOverheadMedianMs: Double
    public var warmOverheadP99Ms: Double
    public var warmSamples: Int
    /// No-op invocations per second through the local executor, all slots busy.
    public var dispatchPerSecond: Double

    public init(measured: String, host: String, cpu: String, cores: Int, kernel: String, coldStartMedianMs: Double,
                coldStartP99Ms: Double, coldStartSamples: Int, warmOverheadMedianMs: Double, warmOverheadP99Ms: Double,
                warmSamples: Int, dispatchPerSecond: Double) {
        self.measured = measured
        self.host = host
        self.cpu = cpu
        self.cores = cores
        self.kernel = kernel
        self.coldStartMedianMs = coldStartMedianMs
        self.coldStartP99Ms = coldStartP99Ms
        self.coldStartSamples = coldStartSamples
        self.warmOverheadMedianMs = warmOverheadMedianMs
        self.warmOverheadP99Ms = warmOverheadP99Ms
        self.warmSamples = warmSamples
        self.dispatchPerSecond = dispatchPerSecond
    }

    /// The target's cold-start model replaced by this machine's (log-normal through the measured
    /// median and 99th percentile, as profiles state theirs).
    public func apply(to model: inout TargetModel) {
        let median = max(coldStartMedianMs, 1e-3)
        let p99 = max(coldStartP99Ms, median)
        model.notes.removeAll { $0.hasPrefix("cold-start latency unknown") }
        model.coldStart = .lognormal(mu: log(median), sigma: log(p99 / median) / 2.326_347_874)
        model.notes.append("cold start from this machine's calibration (observed \(measured) on \(host)): median \(String(format: "%.2f", median)) ms, p99 \(String(format: "%.2f", p99)) ms")
    }

    /// The profile as YAML, figures with their unit and how they were obtained.
    public func yaml() -> String {
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        return """
            # Measured by `placer calibrate` on this machine; use with `placer simulate --calibration FILE`.
            schema: \(Self.schema)
            confidence: observed
            measured: \(FlatJSON.quote(measured))
            machine: {host: \(FlatJSON.quote(host)), cpu: \(FlatJSON.quote(cpu)), cores: \(cores), kernel: \(FlatJSON.quote(kernel))}
            coldStart:
              what: "posix_spawn of placer-worker until its {\\"ready\\":true} line"
              median: {value: \(f(coldStartMedianMs)), unit: ms}
              p99: {value: \(f(coldStartP99Ms)), unit: ms}
              samples: \(coldStartSamples)
            warmOverhead:
              what: "round trip of a no-op invocation to a warm instance over its pipes"
              median: {value: \(f(warmOverheadMedianMs)), unit: ms}
              p99: {value: \(f(warmOverheadP99Ms)), unit: ms}
              samples: \(warmSamples)
            dispatchRate:
              what: "no-op invocations per second through the local executor, every slot busy"
              value: \(f(dispatchPerSecond))
              unit: invocations/s

            """
    }

    /// Why a calibration file cannot be used.
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// True when `node` has at most `budget` nodes with its aliases expanded (stops counting there).
    static func fits(_ node: Node, budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar, .alias: return true
        case .sequence(let items): return items.allSatisfy { fits($0, budget: &budget) }
        case .mapping(let pairs): return pairs.allSatisfy { fits($0.key, budget: &budget) && fits($0.value, budget: &budget) }
        }
    }

    /// Reads a file written by `yaml()`.
    public static func read(path: String, limits: InputLimits = .current) throws -> Calibration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ReadError(description: "\(path): cannot read the calibration file")
        }
        let root: Any?
        do {
            // Count the nodes before building values: an alias bomb is refused, not expanded.
            guard let node = try Yams.compose(yaml: text) else { throw ReadError(description: "\(path): empty") }
            var budget = limits.maxYAMLNodes
            guard Self.fits(node, budget: &budget) else {
                throw ReadError(description: "\(path): the document expands to more than \(limits.maxYAMLNodes) nodes \(InputLimits.Name.yamlNodes.hint)")
            }
            root = Constructor.default.any(from: node)
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(description: "\(path): not YAML: \(error)")
        }
        guard let map = root as? [String: Any], map["schema"] as? String == schema else {
            throw ReadError(description: "\(path): not a calibration (schema: \(schema) expected; write one with `placer calibrate`)")
        }
        func number(_ section: String, _ key: String) throws -> Double {
            let block = map[section] as? [String: Any]
            let value = key.isEmpty ? block?["value"] : (block?[key] as? [String: Any])?["value"]
            let found = (value as? Double) ?? (value as? Int).map(Double.init)
            if let d = found, d.isFinite, d >= 0, d <= limits.maxDurationMs { return d }
            if found != nil {
                throw ReadError(description: "\(path): \(section).\(key.isEmpty ? "value" : key + ".value") is out of range (0 to \(Int(limits.maxDurationMs)) ms) \(InputLimits.Name.durationMs.hint)")
            }
            throw ReadError(description: "\(path): \(section).\(key.isEmpty ? "value" : key + ".value") is missing or not a number")
        }
        let machine = map["machine"] as? [String: Any] ?? [:]
        let measured = map["measured"].map { "\($0)" } ?? ""
        return Calibration(measured: measured, host: machine["host"] as? String ?? "",
                           cpu: machine["cpu"] as? String ?? "", cores: machine["cores"] as? Int ?? 0,
                           kernel: machine["kernel"] as? String ?? "",
                           coldStartMedianMs: try number("coldStart", "median"), coldStartP99Ms: try number("coldStart", "p99"),
                           coldStartSamples: (map["coldStart"] as? [String: Any])?["samples"] as? Int ?? 0,
                           warmOverheadMedianMs: try number("warmOverhead", "median"), warmOverheadP99Ms: try number("warmOverhead", "p99"),
                           warmSamples: (map["warmOverhead"] as? [String: Any])?["samples"] as? Int ?? 0,
                           dispatchPerSecond: try number("dispatchRate", ""))
    }
}

/// Measurements of process start and warm round trips, for `placer calibrate` and `placer bench execute`.
public enum Probe {
    /// Start-to-ready times of `argv`, ms, one process at a time.
    public static func coldStarts(_ argv: [String], samples: Int) throws -> [Double] {
        var times: [Double] = []
        for _ in 0..<samples {
            let start = Clock.now()
            let process = try Processes.spawn(argv)
            let line = readLine(process.output, timeout: 10)
            let elapsed = (Clock.now() - start) * 1000
            close(process.input)
            close(process.output)
            _ = Processes.reap(process.pid, grace: 1)
            guard let line, (try? FlatJSON.parse(line))?["ready"]?.bool == true else {
                throw ExecutionError.cannotStart("\(argv[0]) did not say {\"ready\":true}")
            }
            times.append(elapsed)
        }
        return times
    }

    /// Round trips of no-op requests to one warm instance, ms.
    public static func warmRoundTrips(_ argv: [String], samples: Int) throws -> [Double] {
        let process = try Processes.spawn(argv)
        defer {
            close(process.input)
            close(process.output)
            _ = Processes.reap(process.pid, grace: 1)
        }
        guard readLine(process.output, timeout: 10) != nil else { throw ExecutionError.cannotStart("\(argv[0]) did not start") }
        var times: [Double] = []
        for i in 0..<samples {
            let request = Array(FlatJSON.line(["id": .number(Double(i)), "durationMs": .number(0), "memoryMB": .number(0)]).utf8)
            let start = Clock.now()
            _ = request.withUnsafeBytes { write(process.input, $0.baseAddress!, $0.count) }
            guard readLine(process.output, timeout: 10) != nil else { throw ExecutionError.cannotStart("\(argv[0]) stopped answering") }
            times.append((Clock.now() - start) * 1000)
        }
        return times
    }

    /// One line from a non-blocking pipe (without its newline), or nil at its end or after `timeout` seconds.
    static func readLine(_ fd: Int32, timeout: Double) -> [UInt8]? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        let deadline = Clock.now() + timeout
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 {
                if byte == 0x0A { return line }
                line.append(byte)
                continue
            }
            if n == 0 { return nil }
            if errno != EAGAIN && errno != EINTR { return nil }
            let left = deadline - Clock.now()
            if left <= 0 { return nil }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, Int32(min(left * 1000, 1000)) + 1)
        }
    }

    /// What the machine is: host name, CPU model, cores, kernel release.
    public static func machine() -> (host: String, cpu: String, cores: Int, kernel: String) {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count)
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), model, ProcessInfo.processInfo.activeProcessorCount, kernel)
    }

    /// Median and 99th percentile (nearest rank, `PercentileHistogram`'s precision).
    public static func median99(_ values: [Double]) -> (median: Double, p99: Double) {
        var histogram = PercentileHistogram()
        for v in values { histogram.record(v) }
        return (histogram.percentile(0.5), histogram.percentile(0.99))
    }
}

extension Probe {
    /// `count` no-op calls, all due at once, through the local executor with warm instances kept
    /// (`alwaysOn`), or a new process per call (`forkPerRequest`, the naive executor).
    public static func noOpReplay(worker: String, count: Int, slots: Int, interval: Double = 0,
                                  keepAlive: KeepAlivePolicy = .alwaysOn) -> ExecutionResult {
        let calls = (0..<count).map {
            ExecCall(index: $0, app: "bench", function: "noop", scheduledSeconds: Double($0) * interval, durationMs: 0, memoryMB: 0)
        }
        let model = TargetModel(id: "local", keepAlive: keepAlive)
        return LocalExecutor(options: ExecutionOptions(model: model, slots: slots, worker: worker, limitMemory: false)).run(calls)
    }

    /// Everything `placer calibrate` measures, as a calibration dated now.
    public static func calibrate(worker: String, coldSamples: Int, warmSamples: Int, dispatchCalls: Int) throws -> Calibration {
        let cold = median99(try coldStarts([worker], samples: coldSamples))
        let warm = median99(try warmRoundTrips([worker], samples: warmSamples))
        let slots = ProcessInfo.processInfo.activeProcessorCount
        let replay = noOpReplay(worker: worker, count: dispatchCalls, slots: slots)
        let rate = replay.wallSeconds > 0 ? Double(replay.records.filter { $0.outcome == .ok }.count) / replay.wallSeconds : 0
        let machine = machine()
        let measured = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withInternetDateTime])
        return Calibration(measured: measured, host: machine.host, cpu: machine.cpu, cores: machine.cores, kernel: machine.kernel,
                           coldStartMedianMs: cold.median, coldStartP99Ms: cold.p99, coldStartSamples: coldSamples,
                           warmOverheadMedianMs: warm.median, warmOverheadP99Ms: warm.p99, warmSamples: warmSamples,
                           dispatchPerSecond: rate)
    }
}
