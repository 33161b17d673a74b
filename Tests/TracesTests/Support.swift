import Foundation
@testable import Traces

/// A sink that keeps everything in memory, for reader tests.
final class CollectingSink: TraceSink {
    var functions: [FunctionKey: (owner: String?, trigger: Trigger?)] = [:]
    var series: [(FunctionKey, MinuteSeries)] = []
    var durations: [(FunctionKey, DurationPercentiles)] = []
    var memory: [(String, MemoryPercentiles)] = []
    var invocations: [(FunctionKey, Invocation)] = []

    func function(_ key: FunctionKey, owner: String?, trigger: Trigger?) throws { functions[key] = (owner, trigger) }
    func minuteSeries(_ key: FunctionKey, _ s: MinuteSeries) throws { series.append((key, s)) }
    func durations(_ key: FunctionKey, _ r: DurationPercentiles) throws { durations.append((key, r)) }
    func memory(app: String, owner: String?, _ r: MemoryPercentiles) throws { memory.append((app, r)) }
    func invocation(_ key: FunctionKey, _ r: Invocation) throws { invocations.append((key, r)) }

    func total(_ metric: String = "invocations") -> Double {
        series.filter { $0.1.metric == metric }.flatMap { $0.1.values }.reduce(0, +)
    }
}

/// Path of a committed fixture.
func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name).path
}

/// Writes `contents` to a new temporary file named `name` and returns its path.
func temporaryFile(_ name: String, _ contents: String) throws -> String {
    try temporaryFile(name, Data(contents.utf8))
}

func temporaryFile(_ name: String, _ data: Data) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-tests-\(UUID().uuidString)")
    let url = folder.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
    return url.path
}

/// Reads a file, returning the sink and summary, or the `TraceError` it raised.
func read(_ path: String, format: TraceFormat? = nil, skip: Bool = false) -> Result<(CollectingSink, ReadSummary), TraceError> {
    let sink = CollectingSink()
    do {
        let summary = try TraceFileReader.read(path: path, options: ReadOptions(format: format, skipInvalidRows: skip), into: sink)
        return .success((sink, summary))
    } catch let error as TraceError {
        return .failure(error)
    } catch {
        return .failure(TraceError(file: path, message: "unexpected error \(error)"))
    }
}

let azure2019MinuteHeader = "HashOwner,HashApp,HashFunction,Trigger," + (1...1440).map(String.init).joined(separator: ",")

/// An Azure 2019 invocations row with the given non-zero minutes.
func azure2019Row(_ app: String, _ function: String, _ trigger: String, _ counts: [Int: Int]) -> String {
    var cells = Array(repeating: "0", count: 1440)
    for (minute, n) in counts { cells[minute - 1] = String(n) }
    return "o,\(app),\(function),\(trigger)," + cells.joined(separator: ",")
}
