#if canImport(Glibc)
import Glibc
#endif
import Traces

/// The trace readers, one target per file kind. Each writes the bytes to a file named as the
/// format expects (Azure 2019's `dNN`, Huawei's metric folder), reads it with the format named
/// (as `--format` does) into a sink that keeps nothing, and reads it again skipping bad rows
/// (`--skip-invalid-rows`) when the first read stopped at a row.
enum TraceTargets {
    static let all: [FuzzTarget] = [
        target("azure2019-invocations", .azure2019, "invocations_per_function_md.anon.d01.csv"),
        target("azure2019-durations", .azure2019, "function_durations_percentiles.anon.d01.csv"),
        target("azure2019-memory", .azure2019, "app_memory_percentiles.anon.d01.csv"),
        target("azure2021", .azure2021, "AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt"),
        target("huawei", .huawei, "requests_minute/day_000.csv", "function_delay_minute/day_000.csv", "cpu_usage_minute/day_000.csv",
               "cpu_limit_minute/day_000.csv"),
        target("lambda-log", .lambdaLog, "fn.log"),
        target("lambda-insights", .lambdaInsights, "insights.csv"),
        target("invocations", .invocations, "invocations.csv"),
    ]

    static func target(_ name: String, _ format: TraceFormat, _ paths: String...) -> FuzzTarget {
        FuzzTarget(name, "TraceFileReader (\(format.rawValue)) on \(paths.joined(separator: ", "))") { bytes in
            var outcome = FuzzOutcome.accepted
            for path in paths {
                outcome = read(bytes, as: format, at: path)
                if case .violation = outcome { return outcome }
            }
            return outcome
        }
    }

    /// Reads `bytes` as a file at `path` (relative, inside a fresh temporary folder).
    static func read(_ bytes: [UInt8], as format: TraceFormat, at path: String) -> FuzzOutcome {
        guard let scratch = ScratchFile(path, bytes) else { return .violation("cannot write a scratch file") }
        defer { scratch.remove() }
        let outcome = read(scratch.path, ReadOptions(format: format))
        if case .refused = outcome, bytes.contains(0x0A) {
            let skipping = read(scratch.path, ReadOptions(format: format, skipInvalidRows: true))
            if case .violation = skipping { return skipping }
        }
        return outcome
    }

    static func read(_ path: String, _ options: ReadOptions) -> FuzzOutcome {
        do {
            _ = try TraceFileReader.read(path: path, options: options, into: DiscardingSink())
            return .accepted
        } catch let error as TraceError {
            return .refusal(error.description)
        } catch {
            return .unexpected(error)
        }
    }
}

/// Takes every record and keeps nothing.
final class DiscardingSink: TraceSink {
    func function(_ key: FunctionKey, owner: String?, trigger: Trigger?) {}
    func minuteSeries(_ key: FunctionKey, _ series: MinuteSeries) {}
    func durations(_ key: FunctionKey, _ record: DurationPercentiles) {}
    func memory(app: String, owner: String?, _ record: MemoryPercentiles) {}
    func invocation(_ key: FunctionKey, _ record: Invocation) {}
}

/// A file holding the input, in a folder of its own under the temporary directory.
struct ScratchFile {
    let folder: String
    let path: String

    /// Writes `bytes` at `relative` (which may name one sub-folder) in a new folder; nil on failure.
    init?(_ relative: String, _ bytes: [UInt8]) {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/placer-fuzz-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else { return nil }
        folder = String(cString: made)
        path = folder + "/" + relative
        let parts = relative.split(separator: "/")
        if parts.count > 1, mkdir(folder + "/" + parts[0], 0o700) != 0 { return nil }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in raw.baseAddress.map { write(fd, $0 + written, raw.count - written) } ?? -1 }
            guard n > 0 else { return nil }
            written += n
        }
    }

    /// Removes the file and its folders.
    func remove() {
        unlink(path)
        var folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        while folder.count >= self.folder.count {
            rmdir(folder)
            guard let slash = folder.lastIndex(of: "/") else { break }
            folder = String(folder[..<slash])
        }
    }
}
