import Foundation
import Testing
@testable import Traces

/// Lambda logs in each shape users export them (fixtures in Fixtures/lambda, written after the
/// AWS CLI's and CloudWatch's formats): the same two requests, a cold one and a warm one.
@Suite struct LambdaExportTests {
    /// Request a: START at 09:15:02.119Z after a 402.17 ms init; b: START at 09:17:39.990Z, warm.
    static let arrivalA = 1_710_148_502.119 - 0.402_17
    static let arrivalB = 1_710_148_659.990

    private func requests(_ name: String) throws -> (CollectingSink, ReadSummary) {
        let (sink, summary) = try read(fixture("lambda/" + name)).get()
        #expect(summary.format == .lambdaLog, "\(name)")
        #expect(summary.rows == 2, "\(name)")
        #expect(summary.clock == .epoch, "\(name)")
        let a = try #require(sink.invocations.first { $0.1.initMs != nil }, "\(name)")
        #expect(a.1.durationMs == 212.35 && a.1.billedMs == 213 && a.1.memoryMB == 512 && a.1.maxMemoryMB == 91 && a.1.initMs == 402.17, "\(name)")
        let b = try #require(sink.invocations.first { $0.1.initMs == nil }, "\(name)")
        #expect(b.1.durationMs == 48.02 && b.1.billedMs == 49, "\(name)")
        return (sink, summary)
    }

    private func start(_ sink: CollectingSink, cold: Bool) -> Double? {
        sink.invocations.first { ($0.1.initMs != nil) == cold }?.1.startSeconds
    }

    @Test(arguments: ["export.log", "tail.log", "filter-log-events.json", "filter-log-events.txt", "json-format.log"])
    func startLineTimesTheRequestExactly(_ name: String) throws {
        let (sink, summary) = try requests(name)
        #expect(abs((start(sink, cold: true) ?? 0) - Self.arrivalA) < 1e-6, "\(name)")
        #expect(abs((start(sink, cold: false) ?? 0) - Self.arrivalB) < 1e-6, "\(name)")
        #expect(!summary.warnings.contains { $0.contains("no time") }, "\(name): \(summary.warnings)")
        #expect(sink.invocations.allSatisfy { $0.0 == FunctionKey(app: "filter-log-events", function: "filter-log-events") }
                || !name.hasPrefix("filter"), "\(name): the file names the function")
    }

    @Test func aTimeOnTheFunctionsOwnLineTimesItsRequest() throws {
        // A raw stream: START, END and REPORT carry no time; the function's output lines do.
        let (sink, summary) = try requests("stream.log")
        // Within the call's duration after its arrival: the output line's time less the init.
        let a = try #require(start(sink, cold: true))
        #expect(a >= Self.arrivalA && a <= Self.arrivalA + 0.212_35 + 1e-6)
        #expect(abs(a - (1_710_148_502.131 - 0.402_17)) < 1e-6)
        let b = try #require(start(sink, cold: false))
        #expect(abs(b - 1_710_148_660.005) < 1e-6)
        #expect(summary.warnings.contains { $0.contains("2 requests are timed by a line inside") }, "\(summary.warnings)")
        #expect(sink.invocations.allSatisfy { $0.0.function == "stream" })
    }

    @Test func filterLogEventsTextTakesTheEventTimeNotTheIngestionTime() throws {
        // EVENTS lines carry the ingestion time (761 ms later here) before the message and the
        // event's own time after it; the REPORT's own newline puts that time on the next line.
        let (sink, _) = try requests("filter-log-events.txt")
        #expect(abs((start(sink, cold: true) ?? 0) - Self.arrivalA) < 1e-6)
    }

    @Test func logGroupNamesTheFunction() throws {
        let log = "2024-03-11T09:15:02.119Z /aws/lambda/checkout START RequestId: r1 Version: $LATEST\n"
            + "2024-03-11T09:15:02.331Z /aws/lambda/checkout REPORT RequestId: r1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n"
        let (sink, _) = try read(try temporaryFile("group.log", log)).get()
        #expect(sink.invocations.map(\.0) == [FunctionKey(app: "checkout", function: "checkout")])
        #expect(abs(sink.invocations[0].1.startSeconds! - 1_710_148_502.119) < 1e-6)
    }

    @Test func aStartWithoutReportIsCountedAndLeftOut() throws {
        let log = "START RequestId: r1 Version: $LATEST\n2024-03-11T09:15:02.131Z\tr1\tINFO\tworking\n"
            + "START RequestId: r2 Version: $LATEST\n2024-03-11T09:16:00.000Z\tr2\tINFO\tworking\n"
            + "REPORT RequestId: r2\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n"
        let (sink, summary) = try read(try temporaryFile("cut.log", log)).get()
        #expect(sink.invocations.count == 1)
        #expect(abs(sink.invocations[0].1.startSeconds! - 1_710_148_560) < 1e-6, "r2's own line, not r1's")
        #expect(summary.warnings.contains { $0.contains("1 requests have a START line but no REPORT") }, "\(summary.warnings)")
    }

    @Test func aBadReportInAJSONExportNamesTheEvent() throws {
        let doc = #"{"events": [{"timestamp": 1710148502331, "message": "REPORT RequestId: r1\tDuration: fast ms\n"}]}"#
        let error = try #require(read(try temporaryFile("bad.json", doc)).failureValue)
        #expect(error.message.contains("Duration is not a non-negative number"), "\(error)")
        let notEvents = try #require(read(try temporaryFile("other.json", #"{"items": []}"#), format: .lambdaLog).failureValue)
        #expect(notEvents.message.contains("\"events\""), "\(notEvents)")
    }

    @Test func formatsAreDetected() {
        #expect(TraceFormat.detect(header: "{", fileName: "events.json") == .lambdaLog)
        #expect(TraceFormat.detect(header: "EVENTS\t1\t2\tstream\tINIT_START Runtime Version: python:3.12", fileName: "x.txt") == .lambdaLog)
        #expect(TraceFormat.detect(header: #"{"time":"2024-03-11T09:15:02.119Z","type":"platform.initStart"}"#, fileName: "x") == .lambdaLog)
    }
}
