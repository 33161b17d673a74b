import Foundation
import Testing
@testable import Traces

/// A per-invocation file of the plain layout (the required columns, `app`, `memory_mb`) reads its
/// rows from the numbers the parsing thread read (`InvocationsReader.plainRow`); the same file with
/// one more, empty column (`cpu_ms`) takes the general path. Both must give the same calls, the
/// same skipped rows by reason and the same first error, over rows of every kind of value.
@Suite struct PlainRowTests {
    static let timestamps = ["0", "12.5", "0.030456828035074192", "86400", "1e2", "00012", "-1", "", "abc", "nan", "1e400",
                             "999999999999", "2024-01-01T00:00:00Z", "0x10", "\"7\""]
    static let durations = ["1", "207.005", "0", "", "-5", "1e12", "fast", "3.5e1", "0x1p3", "NaN"]
    static let memories = ["256", "", "128.5", "-1", "1e9", "lots", "0", "2048"]
    static let functions = ["fn", "g", "", "fn"]
    static let apps = ["app", "", "other"]

    private static func file(_ random: inout SeededRandom, rows: Int, extra: Bool, bad: Int) -> String {
        var text = "timestamp,function,duration_ms,app,memory_mb\(extra ? ",cpu_ms" : "")\n"
        for _ in 0..<rows {
            // Mostly good rows, so that a whole file can read; `bad` in 100 draw from every value.
            let odd = random.int(below: 100) < bad
            let t = odd ? timestamps[random.int(below: timestamps.count)] : "\(random.int(below: 86_400)).\(random.int(below: 1000))"
            let d = odd ? durations[random.int(below: durations.count)] : "\(1 + random.int(below: 900))"
            let m = odd ? memories[random.int(below: memories.count)] : ["256", "", "512"][random.int(below: 3)]
            let f = odd ? functions[random.int(below: functions.count)] : "fn"
            text += "\(t),\(f),\(d),\(apps[random.int(below: apps.count)]),\(m)\(extra ? "," : "")\n"
        }
        return text
    }

    private static func outcome(_ text: String, skip: Bool) throws -> String {
        let path = try temporaryFile("plain.csv", text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        switch read(path, skip: skip) {
        case .success(let (sink, summary)):
            let calls = sink.invocations.map { "\($0.0) \($0.1.startSeconds.map { "\($0.bitPattern)" } ?? "-") \($0.1.durationMs.bitPattern) \($0.1.memoryMB.map { "\($0.bitPattern)" } ?? "-")" }
            return calls.joined(separator: "\n") + "\nskipped \(summary.skipped.sorted { $0.key < $1.key })"
                + " first \(summary.skippedExamples.map { $0.description.replacingOccurrences(of: path, with: "F") })"
        case .failure(let error):
            return "error " + error.description.replacingOccurrences(of: path, with: "F")
        }
    }

    @Test func plainRowsReadAsTheGeneralPath() throws {
        var random = SeededRandom(seed: 21)
        var fastFiles = 0
        for round in 0..<120 {
            let bad = [0, 1, 10, 60][round % 4]
            let rows = 1 + random.int(below: 200)
            var copy = random
            let plain = Self.file(&random, rows: rows, extra: false, bad: bad)
            let general = Self.file(&copy, rows: rows, extra: true, bad: bad)
            for skip in [false, true] {
                let mine = try Self.outcome(plain, skip: skip), theirs = try Self.outcome(general, skip: skip)
                #expect(mine == theirs, "round \(round), skip \(skip)")
                if !mine.hasPrefix("error") && bad == 0 { fastFiles += 1 }
            }
        }
        #expect(fastFiles > 20)
    }
}
