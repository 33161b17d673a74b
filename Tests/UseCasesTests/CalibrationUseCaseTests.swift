import Executor
import Foundation
import Testing
import UseCases

/// `placer calibrate --from`: a keep-alive fitted to a trace's observed cold starts, and its use
/// by simulate (docs/calibration.md).
@Suite struct CalibrationUseCaseTests {
    /// A generated Lambda log whose instances were kept `idle` seconds.
    func lambdaLog(idle: Double, in dir: URL) throws -> String {
        var request = Generate.Request(preset: "lambda-log", functions: 60, out: dir.appendingPathComponent("logs").path)
        request.seed = 11
        request.maxDailyRate = 3000
        request.idleTimeoutSeconds = idle
        let summary = try Generate.run(request)
        #expect(summary.coldStarts > 0)
        return request.out
    }

    @Test(arguments: [240.0, 420.0, 900.0])
    func theFitRecoversTheGeneratorsIdleTimeoutWithinFivePercent(idle: Double) throws {
        let dir = try scratch()
        let logs = try lambdaLog(idle: idle, in: dir)
        let fit = try CalibrateFromTrace.run(CalibrateFromTrace.Request(paths: [logs], target: "aws-lambda-x86"))
        #expect(abs(fit.keepAlive.idleSeconds - idle) / idle < 0.05, "fitted \(fit.keepAlive.idleSeconds) s for \(idle) s")
        // The generator follows the model exactly: nothing disagrees, and the bracket holds the truth.
        #expect(fit.keepAlive.disagreeing == 0)
        #expect((fit.keepAlive.longestWarmSeconds ?? .infinity) <= idle && idle < (fit.keepAlive.shortestColdSeconds ?? 0))
        // The generator's init times are log-normal with a median of 250 ms.
        let cold = try #require(fit.coldStart)
        #expect(abs(cold.medianMs - 250) / 250 < 0.15)
    }

    @Test func theOverrideIsWrittenReadBackAndTheSameFitGivesTheSameBytes() throws {
        let dir = try scratch()
        let logs = try lambdaLog(idle: 300, in: dir)
        let out = dir.appendingPathComponent("fit.yaml").path
        let fit = try CalibrateFromTrace.run(CalibrateFromTrace.Request(paths: [logs], target: "aws-lambda-arm64", out: out))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("confidence: observed"))
        #expect(text == fit.yaml())
        let again = try ObservedCalibration.read(path: out)
        #expect(again.target == "aws-lambda-arm64")
        #expect(abs(again.keepAlive.idleSeconds - fit.keepAlive.idleSeconds) < 1e-3)
        #expect(again.keepAlive.disagreeing == fit.keepAlive.disagreeing)
        let second = try CalibrateFromTrace.run(CalibrateFromTrace.Request(paths: [logs], target: "aws-lambda-arm64"))
        #expect(second.yaml() == text)
    }

    @Test func simulateWithTheFitShowsItsErrorOnTheTracesOwnCalls() throws {
        let dir = try scratch()
        let logs = try lambdaLog(idle: 420, in: dir)
        let out = dir.appendingPathComponent("fit.yaml").path
        _ = try CalibrateFromTrace.run(CalibrateFromTrace.Request(paths: [logs], target: "aws-lambda-x86", out: out))
        let run = try SimulationRun.run(SimulationRequest(paths: [logs], targets: ["aws-lambda-x86", "aws-lambda-arm64"], calibration: out))
        let section = try #require(run.result.sections["calibration"])
        var text = ""
        section.write(into: &text)
        #expect(text.contains("\"target\": \"aws-lambda-x86\""))
        #expect(text.contains("\"functions\": ["))
        // The calibrated target replays the trace's calls with the fitted keep-alive: its cold
        // starts match the observed ones closely; the uncalibrated one (10 min) has fewer.
        let calibrated = try #require(run.result.targets.first { $0.id == "aws-lambda-x86" })
        let other = try #require(run.result.targets.first { $0.id == "aws-lambda-arm64" })
        let fit = try ObservedCalibration.read(path: out)
        let observed = Double(fit.keepAlive.coldCalls)
        #expect(abs(Double(calibrated.total.coldStarts) - observed) / observed < 0.05, "\(calibrated.total.coldStarts) predicted, \(observed) observed")
        #expect(other.total.coldStarts < calibrated.total.coldStarts)
        #expect(calibrated.notes.contains { $0.hasPrefix("keep-alive fitted to the cold starts observed") })
    }

    @Test func aFitForATargetNotSimulatedIsAUsageError() throws {
        let dir = try scratch()
        let logs = try lambdaLog(idle: 420, in: dir)
        let out = dir.appendingPathComponent("fit.yaml").path
        _ = try CalibrateFromTrace.run(CalibrateFromTrace.Request(paths: [logs], target: "aws-lambda-x86", out: out))
        let error = useCaseError { _ = try SimulationRun.run(SimulationRequest(paths: [logs], targets: ["cloud-run"], calibration: out)) }
        #expect(error?.kind == .usage)
    }

    @Test func aTraceThatSaysNothingOfColdStartsCannotBeFitted() throws {
        let dir = try scratch()
        let trace = try twoFunctionTrace(in: dir)
        let error = useCaseError { _ = try CalibrateFromTrace.run(CalibrateFromTrace.Request(paths: [trace], target: "aws-lambda-x86")) }
        #expect(error?.kind == .badInput)
        #expect(error?.message.contains("cold") == true)
    }

    @Test func theCSVColdColumnIsEvidence() throws {
        let dir = try scratch()
        // One function, 1 s calls: warm after 100 s and 200 s idle, cold after 300 s and 400 s.
        let rows = """
            timestamp,function,duration_ms,cold
            0,f,1000,1
            101,f,1000,0
            302,f,1000,warm
            703,f,1000,cold
            1004,f,1000,yes

            """
        let trace = try write(rows, "calls.csv", in: dir)
        let fit = try CalibrateFromTrace.run(CalibrateFromTrace.Request(paths: [trace], target: "aws-lambda-x86"))
        #expect(fit.keepAlive.longestWarmSeconds == 200 && fit.keepAlive.shortestColdSeconds == 300)
        #expect(fit.keepAlive.idleSeconds == 250)
        #expect(fit.coldStart == nil)
        let bad = try write("timestamp,function,duration_ms,cold\n0,f,10,maybe\n", "bad.csv", in: dir)
        let error = useCaseError { _ = try CalibrateFromTrace.run(CalibrateFromTrace.Request(paths: [bad], target: "aws-lambda-x86")) }
        #expect(error?.kind == .badInput)
        #expect(error?.message.contains("bad.csv:2:4") == true)
    }
}
