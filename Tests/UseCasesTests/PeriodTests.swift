import Foundation
import Pricing
import Simulation
import Testing
import UseCases

// A Lambda log without times, billed over the period the user states.

@Suite struct PeriodTests {
    private func untimedLog(in dir: URL) throws -> String {
        var log = ""
        for k in 0..<600 {
            log += "START RequestId: r\(k) Version: $LATEST\nEND RequestId: r\(k)\n"
            log += "REPORT RequestId: r\(k)\tDuration: \(100 + k % 50).00 ms\tBilled Duration: \(100 + k % 50) ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\t\n"
        }
        return try write(log, "orders.log", in: dir)
    }

    @Test func aLogWithoutTimesIsBilledOverTheStatedPeriod() throws {
        let dir = try scratch()
        let log = try untimedLog(in: dir)
        let refused = try #require(useCaseError { _ = try SimulationRun.run(SimulationRequest(paths: [log], targets: ["aws-lambda-x86"])) })
        #expect(refused.kind == .badInput && refused.message.contains("--period"), "\(refused.message)")
        #expect(!refused.message.contains("\n"))
        var request = SimulationRequest(paths: [log], targets: ["aws-lambda-x86"])
        request.periodSeconds = try Inputs.period("7d")
        let run = try SimulationRun.run(request)
        #expect(run.result.targets[0].total.invocations == 600)
        #expect(abs(run.result.days - 7) < 0.001)
        #expect(run.result.notes.contains { $0.contains("spread evenly over the stated period of 7 d") && $0.contains("concurrency, cold starts and throttling were not modelled") })
        // Billed as the log's durations and memory say: 600 calls over 7 days, projected to 30.
        let gbs = try #require(run.result.targets[0].bill?.quantities.memoryGBSeconds)
        var executed = Decimal(0)
        for k in 0..<600 { executed += Decimal(100 + k % 50) }
        let expected: Decimal = executed / 1000 / 2 * 30 / 7  // ms to s, 512 MB = 0.5 GB, 7 days to 30
        #expect(abs(gbs - expected) < Decimal(string: "0.001")!, "\(gbs) vs \(expected)")
        #expect(useCaseError { _ = try Inputs.period("a week") }?.kind == .usage)
        #expect(try Inputs.period("90m") == 5400 && Inputs.period("12h") == 43_200)
    }
}
