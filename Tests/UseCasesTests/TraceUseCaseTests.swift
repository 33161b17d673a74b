import Foundation
import Testing
import TerminalText
import UseCases

// Ingest and inspect called directly: a temporary database, the events a front end draws.

@Suite struct TraceUseCaseTests {
    @Test func ingestReadsEachFileOnceAndSaysSo() throws {
        let dir = try scratch()
        let db = dir.appendingPathComponent("t.db").path
        let recorder = Recorder()
        let files = try Ingest.run(Ingest.Request(paths: [azureFixture], database: db), progress: recorder)
        #expect(!files.isEmpty)
        #expect(recorder.ingested.map(\.path) == files.map(\.path), "one event per file, in order")
        for file in files {
            guard case .ingested(let summary) = file.outcome else { Issue.record("\(file.path) not ingested"); continue }
            #expect(summary.format.rawValue == "azure2019")
            #expect(file.line.hasPrefix("\(file.path): azure2019 "))
        }
        let again = try Ingest.run(Ingest.Request(paths: [azureFixture], database: db))
        #expect(again.allSatisfy { if case .alreadyIngested = $0.outcome { true } else { false } })
        #expect(again.first?.line.contains(": already ingested (as ") == true)
    }

    @Test func inspectOfTheDatabaseAndOfTheFilesAgree() throws {
        let dir = try scratch()
        let db = dir.appendingPathComponent("t.db").path
        _ = try Ingest.run(Ingest.Request(paths: [azureFixture], database: db))
        let stored = try Inspect.run(Inspect.Request(paths: [db]))
        let read = try Inspect.run(Inspect.Request(paths: [azureFixture]))
        #expect(stored.functions > 0 && stored.invocations > 0)
        #expect((stored.apps, stored.functions, stored.invocations, stored.spanSeconds) == (read.apps, read.functions, read.invocations, read.spanSeconds))
        #expect(InspectText.render(stored).contains("functions      \(stored.functions)"))
    }

    @Test func aBrokenTraceIsBadInputAtItsLineAndColumn() throws {
        let dir = try scratch()
        let good = try write("timestamp,function,duration_ms\n0.5,f,10\n", "a.csv", in: dir)
        let bad = try write("timestamp,function,duration_ms\n0.5,f,10\n1.5,f,fast\n", "b.csv", in: dir)
        let db = dir.appendingPathComponent("t.db").path
        let error = try #require(useCaseError { _ = try Ingest.run(Ingest.Request(paths: [good, bad], database: db)) })
        #expect(error.kind == .badInput)
        #expect(error.message.hasPrefix("\(bad):3:3: "), "\(error.message)")
        #expect(error.notes == ["the 1 files before it are in \(db); fix this one and run again (ingested files are skipped)"])
        // The same trace read in memory (inspect, simulate) is the same error, without the note.
        let read = try #require(useCaseError { _ = try Inspect.run(Inspect.Request(paths: [bad])) })
        #expect(read.kind == .badInput && read.message.hasPrefix("\(bad):3:3: ") && read.notes.isEmpty)
        let missing = try #require(useCaseError { _ = try Inspect.run(Inspect.Request(paths: [dir.appendingPathComponent("none").path])) })
        #expect(missing.kind == .badInput && missing.message.hasSuffix("none: no such file or folder"))
    }

    @Test func skippedRowsAreAWarningNotAnError() throws {
        let dir = try scratch()
        let trace = try write("timestamp,function,duration_ms\n0.5,f,10\n1.5,f,fast\n2.5,f,12\n", "c.csv", in: dir)
        let recorder = Recorder()
        let summary = try Inspect.run(Inspect.Request(paths: [trace], skipInvalidRows: true), progress: recorder)
        #expect(summary.invocations == 2)
        #expect(recorder.warnings.contains { $0.hasPrefix("\(trace): invocations invocations, 2 rows; skipped 1 invalid rows") }, "\(recorder.warnings)")
    }

    @Test func generateWritesWhatItSays() throws {
        let dir = try scratch()
        var request = Generate.Request(preset: "azure2019", functions: 12, out: dir.appendingPathComponent("trace").path)
        request.seed = 3
        let summary = try Generate.run(request)
        #expect(summary.functions == 12 && !summary.files.isEmpty)
        let unknown = try #require(useCaseError { _ = try Generate.run(Generate.Request(preset: "azure2099", functions: 1, out: dir.path)) })
        #expect(unknown.kind == .usage && unknown.message.hasPrefix("unknown preset \"azure2099\""))
    }
}
