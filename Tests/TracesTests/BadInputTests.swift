import Foundation
import Testing
@testable import Traces

/// Every broken-input case the foundation issue lists: one located error, nothing read past it.
@Suite struct BadInputTests {
    let header = "timestamp,function,duration_ms"

    private func error(_ name: String, _ contents: String) throws -> TraceError {
        try #require(read(try temporaryFile(name, contents)).failureValue)
    }

    @Test func wrongHeader() throws {
        let e = try error("x.csv", "time,fn,ms\n1,a,2\n")
        #expect(e.line == 1 && e.column == 1 && e.message.contains("unrecognised header"))
        let typo = try error("x.csv", "timestamp,function,duration_ms,memroy_mb\n1,a,2,3\n")
        #expect(typo.line == 1 && typo.column == 4 && typo.message.contains("unknown column \"memroy_mb\""))
        let azure = try error("function_durations_percentiles.anon.d01.csv", "HashOwner,HashApp,HashFunction,Average,Count\n")
        #expect(azure.line == 1 && azure.column == 6 && azure.message.contains("Minimum"))
        let minutes = try error("invocations_per_function_md.anon.d01.csv", "HashOwner,HashApp,HashFunction,Trigger,1,3\n")
        #expect(minutes.column == 6 && minutes.message.contains("\"2\""))
    }

    /// Found by the azure2021 fuzz target: a quoted field's line breaks (and other control
    /// characters) went into the message, which then ran over several lines of the terminal.
    @Test func textFromTheFileStaysOnTheMessagesLine() throws {
        let header = try error("x.csv", "timestamp,function,duration_ms,\"a\nb\u{1B}[31m\"\n1,a,2,3\n")
        #expect(header.line == 1 && header.column == 4 && header.message.contains("a\\nb\\u{1B}[31m"))
        let value = try error("x.csv", "timestamp,function,duration_ms\n1,a,\"2\r\n3\"\n")
        #expect(value.line == 2 && value.column == 3 && value.message.contains("2\\r\\n3"))
        for e in [header, value] {
            #expect(!e.description.contains(where: { $0.isNewline || $0 == "\u{1B}" }), "\(e.description.debugDescription)")
        }
    }

    /// Huawei's CPU and memory usage are percentages of what the pods were allocated.
    @Test func huaweiUsageAbove100PercentIsRefusedWhereItStands() throws {
        let e = try error("cpu_usage_minute/day_000.csv", "day,time,0,1\n0,0,12.5,NaN\n0,60,50,100.5\n")
        #expect(e.line == 3 && e.column == 4 && e.message.contains("cpu_usage is 100.5, above 100"))
        let negative = try error("cpu_limit_minute/day_000.csv", "day,time,0\n0,0,-0.3\n")
        #expect(negative.line == 2 && negative.column == 3 && negative.message.contains("negative"))
        // A limit is not a percentage: above 100 is read.
        #expect(read(try temporaryFile("cpu_limit_minute/day_000.csv", "day,time,0\n0,0,128\n")).failureValue == nil)
    }

    @Test func missingHeader() throws {
        let e = try error("x.csv", "1,a,2\n3,b,4\n")
        #expect(e.line == 1 && e.message.contains("unrecognised header"))
    }

    @Test func tooFewAndTooManyFields() throws {
        let few = try error("x.csv", "\(header)\n1,a,2\n2,b\n")
        #expect(few.line == 3 && few.column == 3 && few.message.contains("expected 3 fields"))
        let many = try error("x.csv", "\(header)\n1,a,2\n2,b,3,4\n")
        #expect(many.line == 3 && many.column == 4)
    }

    @Test func nonNumericNegativeAndNaN() throws {
        let word = try error("x.csv", "\(header)\n1,a,fast\n")
        #expect(word.line == 2 && word.column == 3 && word.message.contains("not a number"))
        let negative = try error("x.csv", "\(header)\n1,a,-5\n")
        #expect(negative.column == 3 && negative.message.contains("negative"))
        let nan = try error("x.csv", "\(header)\n1,a,NaN\n")
        #expect(nan.column == 3 && nan.message.contains("NaN"))
        let count = try error("invocations_per_function_md.anon.d01.csv",
                              azure2019MinuteHeader + "\n" + azure2019Row("a", "f", "http", [7: -2]) + "\n")
        #expect(count.line == 2 && count.column == 4 + 7 && count.message.contains("negative"))
        let countNaN = try error("invocations_per_function_md.anon.d01.csv",
                                 azure2019MinuteHeader + "\n" + azure2019Row("a", "f", "http", [1: 0]).replacingOccurrences(of: "http,0", with: "http,NaN") + "\n")
        #expect(countNaN.column == 5 && countNaN.message.contains("NaN"))
        let trigger = try error("invocations_per_function_md.anon.d01.csv",
                                azure2019MinuteHeader + "\n" + azure2019Row("a", "f", "webhook", [:]) + "\n")
        #expect(trigger.column == 4 && trigger.message.contains("unknown trigger"))
    }

    @Test func decreasingPercentiles() throws {
        let header = "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100"
        let e = try error("function_durations_percentiles.anon.d02.csv", header + "\no,a,f,10,5,1,20,1,2,9,8,12,19,20\n")
        #expect(e.line == 2 && e.column == 11 && e.message.contains("percentile_Average_50 is below percentile_Average_25"))
    }

    @Test func unterminatedQuote() throws {
        let e = try error("x.csv", "\(header)\n1,a,2\n2,\"b,3\n4,c,5\n")
        #expect(e.line == 3 && e.message.contains("unterminated"))
    }

    @Test func malformedQuoting() throws {
        let e = try error("x.csv", "\(header)\n1,a\"b,2\n")
        #expect(e.line == 2 && e.column == 2 && e.message.contains("quot"))
    }

    @Test func emptyFile() throws {
        #expect(try error("x.csv", "").message.contains("empty"))
        #expect(try error("x.csv", "\n\n").message.contains("empty"))
    }

    @Test func truncatedLastLine() throws {
        let e = try error("x.csv", "\(header)\n1,a,2\n2,b")
        #expect(e.line == 3 && e.message.contains("truncated"))
    }

    @Test func binaryAndJSON() throws {
        var bytes = Data("timestamp,function,duration_ms\n1,a,2\n".utf8)
        bytes.append(contentsOf: [0, 1, 2, 0xFF, 0xFE])
        let binary = try #require(read(try temporaryFile("x.csv", bytes)).failureValue)
        #expect(binary.message.contains("binary") && binary.line == 3)
        let png = try #require(read(try temporaryFile("x.csv", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]))).failureValue)
        #expect(png.message.contains("binary") || png.message.contains("UTF-8"))
        let json = try error("x.csv", "{\"timestamp\": 1, \"function\": \"a\"}\n")
        #expect(json.message.contains("JSON"))
    }

    @Test func validQuirksAreNotErrors() throws {
        let crlf = try temporaryFile("x.csv", "\u{FEFF}\(header)\r\n1,\"a, with comma\",2\r\n\"2\",\"b \"\"quoted\"\"\",3")
        let (sink, summary) = try read(crlf).get()
        #expect(summary.rows == 2)
        #expect(sink.invocations.map(\.0.function) == ["a, with comma", "b \"quoted\""])
    }

    @Test func quotedNewlineKeepsLineNumbers() throws {
        let e = try error("x.csv", "\(header)\n1,\"two\nlines\",2\n3,b,x\n")
        #expect(e.line == 4 && e.column == 3)
    }

    @Test func skipInvalidRowsReadsTheRestAndCounts() throws {
        let path = try temporaryFile("x.csv", "\(header)\n1,a,2\n2,b\n3,c,NaN\n4,d,-1\n5,e,5\n6,f")
        let (sink, summary) = try read(path, skip: true).get()
        #expect(sink.invocations.map(\.0.function) == ["a", "e"])
        #expect(summary.rows == 2 && summary.skippedCount == 4)
        #expect(summary.skipped == ["wrong field count": 1, "NaN": 1, "negative value": 1, "truncated last line": 1])
        #expect(summary.skippedExamples.first?.line == 3)
        // Structural errors are not skippable.
        let quote = try temporaryFile("y.csv", "\(header)\n1,\"a,2\n")
        #expect(read(quote, skip: true).failureValue?.message.contains("unterminated") == true)
    }

    @Test func errorsReadAsFileLineColumn() {
        #expect(TraceError(file: "t.csv", line: 3, column: 2, message: "m").description == "t.csv:3:2: m")
        #expect(TraceError(file: "t.csv", message: "m").description == "t.csv: m")
    }
}
