import Foundation
import UseCases

/// The repository's root, for datasets/ and the test fixtures.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The Azure 2019 fixture of the trace readers' tests: three apps over a day.
let azureFixture = repository.appendingPathComponent("Tests/TracesTests/Fixtures/azure2019").path

/// A new empty folder under the temporary directory.
func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-usecases-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` to a file `name` in `dir` and returns its path.
func write(_ text: String, _ name: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// A per-invocation trace of two functions: 400 calls, seven seconds apart.
func twoFunctionTrace(in dir: URL) throws -> String {
    var rows = "timestamp,function,duration_ms\n"
    for k in 0..<400 { rows += "\(k * 7),\(k % 3 == 0 ? "a" : "b"),\(50 + k % 13)\n" }
    return try write(rows, "calls.csv", in: dir)
}

/// Collects a use case's events, for a test to read after it ran.
final class Recorder: ProgressObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ProgressEvent] = []

    func observe(_ event: ProgressEvent) { lock.withLock { stored.append(event) } }

    var events: [ProgressEvent] { lock.withLock { stored } }

    var notes: [String] { events.compactMap { if case .note(let text) = $0 { text } else { nil } } }
    var warnings: [String] { events.compactMap { if case .warning(let text) = $0 { text } else { nil } } }
    var steps: [String] { events.compactMap { if case .began(let step, _, _) = $0 { step } else { nil } } }
    var ingested: [IngestedFile] { events.compactMap { if case .ingested(let file) = $0 { file } else { nil } } }
}

/// The use case's error, or nil when it did not throw one.
func useCaseError(_ body: () throws -> Void) -> UseCaseError? {
    do { try body(); return nil } catch let error as UseCaseError { return error } catch { return nil }
}
