import Foundation
import Testing
@testable import Traces

@Suite struct ReaderTests {
    /// Found by the fuzz targets' leak check: the parser's row handler held the parser, so every
    /// file read left its pipeline and batches (about 5 MB) behind.
    @Test func aReadLeavesNoPipelineBehind() throws {
        let path = try temporaryFile("x.csv", "timestamp,function,duration_ms\n1,a,2\n")
        weak var pipeline: RowPipeline?
        do {
            let file = try FileChunkReader(path: path)
            let first = try #require(try file.next())
            let strong = RowPipeline(path: path, first: first, rest: file)
            pipeline = strong
            var rows = 0
            try strong.run { _, _ in rows += 1 }
            #expect(rows == 2)
        }
        // The producer thread lets go of the pipeline just after its last row: wait for it.
        for _ in 0..<200 where pipeline != nil { usleep(10_000) }
        #expect(pipeline == nil, "the pipeline outlived its read by 2 s")
    }

    @Test func azure2019InvocationsSparseAndPlacedOnTheDay() throws {
        let (sink, summary) = try read(fixture("azure2019/invocations_per_function_md.anon.d01.csv")).get()
        #expect(summary.format == .azure2019 && summary.kind == "invocations" && summary.day == 1 && summary.rows == 3)
        #expect(sink.functions[FunctionKey(app: "a1", function: "f2")]?.trigger == .timer)
        let f1 = try #require(sink.series.first { $0.0 == FunctionKey(app: "a1", function: "f1") }?.1)
        #expect(f1.minutes == [0, 1, 1439] && f1.values == [3, 1, 7])
        #expect(sink.total() == 113)

        // The same row in a day-3 file lands two days later.
        let day3 = try temporaryFile("invocations_per_function_md.anon.d03.csv",
                                     azure2019MinuteHeader + "\n" + azure2019Row("a", "f", "http", [1: 2]) + "\n")
        let (sink3, _) = try read(day3).get()
        #expect(sink3.series[0].1.minutes == [2 * 1440])
    }

    @Test func azure2019DurationsKeepMissingMinimumAndCount() throws {
        let (sink, summary) = try read(fixture("azure2019/function_durations_percentiles.anon.d01.csv")).get()
        #expect(summary.kind == "durations")
        let f2 = try #require(sink.durations.first { $0.0.function == "f2" }?.1)
        #expect(f2.minimumMs == nil && f2.maximumMs == nil && f2.count == 2 && f2.percentilesMs == [4000, 4000, 4500, 5000, 5500, 6000, 6000])
    }

    @Test func azure2019Memory() throws {
        let (sink, summary) = try read(fixture("azure2019/app_memory_percentiles.anon.d01.csv")).get()
        #expect(summary.kind == "memory" && sink.memory.count == 2)
        #expect(sink.memory[1].0 == "a2" && sink.memory[1].1.averageMB == 300 && sink.memory[1].1.percentilesMB.last == 360)
    }

    @Test func azure2019NeedsTheDayInTheName() throws {
        let path = try temporaryFile("invocations.csv", azure2019MinuteHeader + "\n")
        let error = try #require(read(path).failureValue)
        #expect(error.message.contains("cannot tell the day"))
    }

    @Test func azure2021StartIsEndMinusDuration() throws {
        let (sink, summary) = try read(fixture("azure2021.csv")).get()
        #expect(summary.format == .azure2021 && sink.invocations.count == 3)
        #expect(sink.invocations[0].1 == Invocation(startSeconds: 10, durationMs: 500))
        // func is unique only within its app.
        #expect(Set(sink.invocations.map(\.0)).count == 2)
    }

    @Test func huaweiRequestsAndDelays() throws {
        let (requests, summary) = try read(fixture("huawei/requests_minute/day_000.csv")).get()
        #expect(summary.format == .huawei && summary.kind == "invocations" && requests.functions.count == 3)
        let f0 = requests.series.filter { $0.0.function == "0" }.map(\.1)
        #expect(f0.flatMap(\.minutes) == [0, 1, 60] && f0.flatMap(\.values) == [1, 2, 5])
        #expect(requests.total() == 11)
        // Minutes of different hours are delivered in separate spans (bounded memory).
        #expect(f0.count == 2)
        let (delays, delaySummary) = try read(fixture("huawei/function_delay_minute/day_000.csv")).get()
        #expect(delaySummary.kind == "function_delay")
        #expect(delays.series.first { $0.0.function == "0" }?.1.values == [12.5, 10])
    }

    /// The private set's resource folders, beside `requests_minute/`, each a metric of its own.
    @Test func huaweiCPUUsageAndLimitFiles() throws {
        let (usage, summary) = try read(fixture("huawei/cpu_usage_minute/day_000.csv")).get()
        #expect(summary.format == .huawei && summary.kind == "cpu_usage")
        #expect(usage.series.first { $0.0.function == "0" }?.1.values == [1, 0.5])
        let (limit, limitSummary) = try read(fixture("huawei/cpu_limit_minute/day_000.csv")).get()
        #expect(limitSummary.kind == "cpu_limit")
        #expect(limit.series.filter { $0.0.function == "0" }.flatMap(\.1.values) == [0.3, 0.6, 0.3])
    }

    @Test func huaweiPerSecondRowsSumCountsAndAverageDelays() throws {
        let requests = try temporaryFile("requests_second/day_001.csv", "day,time,0\n1,0,2\n1,30,3\n1,60,1\n")
        #expect(try read(requests).get().0.series[0].1.values == [5, 1])
        let delays = try temporaryFile("function_delay_second/day_001.csv", "day,time,0\n1,0,10\n1,30,20\n")
        #expect(try read(delays).get().0.series[0].1.values == [15])
    }

    @Test func lambdaLogReportLines() throws {
        let (sink, summary) = try read(fixture("checkout.log")).get()
        #expect(summary.format == .lambdaLog && summary.rows == 2 && summary.clock == .epoch)
        let first = sink.invocations[0]
        #expect(first.0 == FunctionKey(app: "checkout", function: "checkout"))
        #expect(first.1.durationMs == 15.74 && first.1.billedMs == 16 && first.1.memoryMB == 128
                && first.1.maxMemoryMB == 56 && first.1.initMs == 130.49)
        // The START line's time is the call's, less its init (START follows a cold start's init).
        #expect(abs(first.1.startSeconds! - (1_682_942_400.1 - 130.49 / 1000)) < 1e-6)
        // Without a START line, the REPORT line's time is the end: start = end - init - duration.
        #expect(abs(sink.invocations[1].1.startSeconds! - (1_682_942_401.0 - 2.0 / 1000)) < 1e-6)
        // Older logs put a space before each tab; no Init Duration on a warm start.
        #expect(sink.invocations[1].1.durationMs == 2 && sink.invocations[1].1.initMs == nil)
    }

    @Test func lambdaLogWithoutTimesOrReports() throws {
        let bare = try temporaryFile("api.log", "REPORT RequestId: x\tDuration: 3.5 ms\tBilled Duration: 4 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB\n")
        let (sink, summary) = try read(bare).get()
        #expect(sink.invocations[0].1.startSeconds == nil && summary.clock == .none && !summary.warnings.isEmpty)
        let empty = try temporaryFile("none.log", "START RequestId: x\nEND RequestId: x\n")
        #expect(read(empty).failureValue?.message.contains("no REPORT lines") == true)
        let broken = try temporaryFile("broken.log", "REPORT RequestId: x\tDuration: fast ms\n")
        let error = try #require(read(broken).failureValue)
        #expect(error.line == 1 && error.column == 2)
    }

    @Test func lambdaInsightsExportInBytes() throws {
        let (sink, summary) = try read(fixture("insights.csv")).get()
        #expect(summary.format == .lambdaInsights && sink.invocations.count == 2)
        let first = sink.invocations[0]
        #expect(first.0.function == "checkout" && first.1.memoryMB == 128 && first.1.maxMemoryMB == 56 && first.1.initMs == 130.49)
        #expect(sink.invocations[1].1.initMs == nil)
    }

    @Test func lambdaInsightsCPUTimeIsTheCallsCPUDemand() throws {
        // Lambda Insights' cpu_total_time (ms), joined to the REPORT fields: the call's CPU demand.
        let file = try temporaryFile("cpu.csv", "@timestamp,@log,@duration,@memorySize,cpu_total_time\n"
            + "2023-05-01 12:00:00.400,1:/aws/lambda/checkout,150,128000000,37.5\n2023-05-01 12:00:01.000,1:/aws/lambda/checkout,2.0,128000000,\n")
        let (sink, _) = try read(file).get()
        #expect(sink.invocations.map(\.1.cpuMs) == [37.5, nil])
        let bad = try temporaryFile("cpu-bad.csv", "@timestamp,@duration,cpu_total_time\n2023-05-01 12:00:00.400,150,-3\n")
        let error = try #require(read(bad).failureValue)
        #expect(error.line == 2 && error.column == 3)
    }

    @Test func placerInvocationsWithBOMCRLFAndQuotes() throws {
        let (sink, summary) = try read(fixture("invocations.csv")).get()
        #expect(summary.format == .invocations && summary.rows == 3 && summary.clock == .relative)
        #expect(sink.invocations.map(\.0.function) == ["resize", "resize", "thumb"])
        #expect(sink.invocations[0].0.app == "images" && sink.invocations[0].1.memoryMB == 512)
    }

    @Test func placerInvocationsWithDates() throws {
        let (sink, summary) = try read(fixture("invocations-iso.csv")).get()
        #expect(summary.clock == .epoch)
        #expect(sink.invocations.map { $0.1.startSeconds } == [1_704_067_200, 1_704_067_201.5])
        let mixed = try temporaryFile("mixed.csv", "timestamp,function,duration_ms\n2024-01-01T00:00:00Z,a,1\n5,a,1\n")
        #expect(read(mixed).failureValue?.message.contains("mixes") == true)
    }

    @Test func timestamps() {
        #expect(Timestamps.epochSeconds(iso: "1970-01-01T00:00:00Z") == 0)
        #expect(Timestamps.epochSeconds(iso: "2000-03-01 00:00:00") == 951_868_800)
        #expect(Timestamps.epochSeconds(iso: "2024-02-29T12:00:00+02:00") == 1_709_200_800)
        #expect(Timestamps.epochSeconds(iso: "2024-02-29T12:00:00.25-0130") == 1_709_213_400.25)
        #expect(Timestamps.epochSeconds(iso: "2024-13-01T00:00:00Z") == nil)
        #expect(Timestamps.epochSeconds(iso: "2024-01-01") == nil)
        #expect(Timestamps.epochSeconds(iso: "2024-01-01T00:00:00Zjunk") == nil)
    }

    @Test func detection() {
        #expect(TraceFormat.detect(header: "HashOwner,HashApp,SampleCount", fileName: "x.csv") == .azure2019)
        #expect(TraceFormat.detect(header: "app,func,end_timestamp,duration", fileName: "x.csv") == .azure2021)
        #expect(TraceFormat.detect(header: "day,time,0,1", fileName: "day_001.csv") == .huawei)
        #expect(TraceFormat.detect(header: "START RequestId: 1 Version: 1", fileName: "x") == .lambdaLog)
        #expect(TraceFormat.detect(header: "\"@timestamp\",\"@duration\"", fileName: "x.csv") == .lambdaInsights)
        #expect(TraceFormat.detect(header: "function,timestamp,duration_ms", fileName: "x.csv") == .invocations)
        #expect(TraceFormat.detect(header: "a,b,c", fileName: "x.csv") == nil)
    }

    @Test func formatCanBeForced() throws {
        let path = try temporaryFile("x.txt", "timestamp,function,duration_ms\n1,a,2\n")
        #expect(try read(path, format: .invocations).get().1.rows == 1)
        #expect(read(path, format: .azure2021).failureValue?.message.contains("unknown column \"timestamp\"") == true)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
