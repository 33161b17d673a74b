import Executor
import Foundation
import Pricing
import Simulation
import Traces
import XCTest

/// `placer-worker` beside this test binary (swift build --build-tests builds it).
let workerExecutable: String = {
    var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("placer-worker").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/placer-worker").path
}()

/// Processes whose parent is this test process (zombies included).
func children() -> [Int32] {
    let me = getpid()
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == me
    }
}

func call(_ i: Int, _ function: String, at seconds: Double, ms: Double = 10) -> ExecCall {
    ExecCall(index: i, app: function, function: function, scheduledSeconds: seconds, durationMs: ms, memoryMB: 16)
}

func replay(_ calls: [ExecCall], keepAlive: KeepAlivePolicy = .fixed(idleSeconds: 30), slots: Int = 2, timeout: Double = 20,
         commands: [String: [String]] = [:]) -> ExecutionResult {
    let options = ExecutionOptions(model: TargetModel(id: "test", keepAlive: keepAlive), slots: slots, timeoutSeconds: timeout,
                                   worker: workerExecutable, commands: commands)
    return LocalExecutor(options: options).run(calls)
}

final class ExecutorTests: XCTestCase {
    func testWarmReuseAndKeepAliveExpiry() {
        // Idle 0.4 s: the second and third calls find the instance warm, the fourth (1.5 s of idle) does not.
        let result = replay([call(0, "f", at: 0), call(1, "f", at: 0.3), call(2, "f", at: 0.6), call(3, "f", at: 2.1)],
                         keepAlive: .fixed(idleSeconds: 0.4))
        XCTAssertEqual(result.records.map(\.outcome), [.ok, .ok, .ok, .ok])
        XCTAssertEqual(result.records.map(\.cold), [true, false, false, true])
        XCTAssertEqual(result.records.map(\.instance), [0, 0, 0, 1])
        XCTAssertEqual(result.instances.count, 2)
        XCTAssertEqual(result.instances[0].endReason, "keep-alive expired")
        XCTAssertEqual(result.instances[0].served, 3)
        XCTAssertNotNil(result.records[0].initMs)
        XCTAssertNil(result.records[1].initMs)
        XCTAssertGreaterThanOrEqual(result.records[1].executionMs ?? 0, 9)
        XCTAssertGreaterThan(result.records[1].peakRSSMB ?? 0, 0)
        XCTAssertGreaterThan(result.records[1].cpuMs ?? 0, 1)
        XCTAssertEqual(children(), [])
    }

    func testAMemoryPoolEvictsTheLeastRecentlyUsedIdleInstance() {
        // Per scaling unit, as the simulator applies it: a 20 MB pool holds one idle 16 MB instance.
        // Two overlapping calls make two instances; when the second goes idle the first (idle
        // longer) is ended, and the next call finds the second.
        let result = replay([call(0, "f", at: 0, ms: 100), call(1, "f", at: 0.03, ms: 100), call(2, "f", at: 0.6)],
                            keepAlive: .memoryPool(poolMB: 20))
        XCTAssertEqual(result.records.map(\.cold), [true, true, false])
        XCTAssertEqual(result.records.map(\.instance), [0, 1, 1])
        XCTAssertEqual(result.instances.first { $0.id == 0 }?.endReason, "evicted from the memory pool")
    }

    func testForkPerRequestStartsAProcessEachTime() {
        let result = replay([call(0, "f", at: 0), call(1, "f", at: 0.2), call(2, "f", at: 0.4)], keepAlive: .forkPerRequest)
        XCTAssertEqual(result.records.map(\.cold), [true, true, true])
        XCTAssertEqual(result.instances.count, 3)
    }

    func testOneInstanceServesSeveralAtOnceUpToItsConcurrency() {
        // Concurrency 3: three calls due together share the first instance; the fourth needs another.
        let options = ExecutionOptions(model: TargetModel(id: "test", perInstanceConcurrency: 3), slots: 4, worker: workerExecutable)
        let result = LocalExecutor(options: options).run((0..<4).map { call($0, "f", at: 0, ms: 150) })
        XCTAssertEqual(result.records.map(\.outcome), [.ok, .ok, .ok, .ok])
        XCTAssertEqual(result.records.map(\.instance), [0, 0, 0, 1])
        XCTAssertEqual(result.records.map(\.cold), [true, false, false, true])
        // They ran at the same time: each took about its 150 ms, not three times that.
        XCTAssertLessThan(result.records[2].executionMs ?? 1000, 400)
    }

    func testSlotsQueueWhatDoesNotFit() {
        // One slot, three 100 ms calls due at once: they run one after another.
        let result = replay([call(0, "a", at: 0, ms: 100), call(1, "b", at: 0, ms: 100), call(2, "c", at: 0, ms: 100)], slots: 1)
        XCTAssertEqual(result.records.map(\.outcome), [.ok, .ok, .ok])
        for k in 1..<3 {
            let previousEnd = result.records[k - 1].scheduledSeconds * 1000 + (result.records[k - 1].responseMs ?? 0)
            let start = (result.records[k].startedSeconds ?? 0) * 1000
            XCTAssertGreaterThanOrEqual(start, previousEnd - 1, "call \(k) started before a slot was free")
        }
        XCTAssertGreaterThanOrEqual(result.records[2].latenessMs ?? 0, 190)
    }

    func testEachFaultFailsOnlyItsInvocationAndTheReplayGoesOn() {
        let cases: [(String, InvocationRecord.Outcome, String)] = [
            ("crash", .crash, "SIGABRT"), ("hang", .timeout, "timeout"), ("memory", .memory, "memory limit"),
            ("garbage", .garbage, "not a protocol line"), ("exit", .exit, "status 0"),
        ]
        for (fault, outcome, reason) in cases {
            // The instance's second request faults; the third call needs a new instance and succeeds.
            let command = [workerExecutable, "--fault", fault, "--fault-at", "2"]
            let result = replay([call(0, "f", at: 0), call(1, "f", at: 0.2), call(2, "f", at: 0.4)], timeout: 0.6, commands: ["f": command])
            XCTAssertEqual(result.records.map(\.outcome), [.ok, outcome, .ok], fault)
            XCTAssertTrue(result.records[1].reason.contains(reason), "\(fault): \(result.records[1].reason)")
            XCTAssertEqual(result.records[2].cold, true, fault)
            XCTAssertEqual(children(), [], fault)
        }
    }

    func testAProgramThatCannotStartFailsItsInvocations() {
        let result = replay([call(0, "f", at: 0), call(1, "g", at: 0)], commands: ["f": ["/nonexistent/program"]])
        XCTAssertEqual(result.records.map(\.outcome), [.startFailed, .ok])
    }

    func testThePythonExampleHandlerSpeaksTheProtocol() throws {
        let handler = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/handler.py").path
        // One slot: each call waits for the one before, so all three find the one instance.
        let result = replay([call(0, "f", at: 0), call(1, "f", at: 0), call(2, "f", at: 0)], slots: 1,
                            commands: ["f": ["python3", handler, "--fail-every", "3"]])
        XCTAssertEqual(result.records.map(\.outcome), [.ok, .ok, .error])
        XCTAssertEqual(result.records.map(\.cold), [true, false, false])
        XCTAssertEqual(result.records[2].reason, "request 3 failed on purpose")
    }

    func testCSVNamesInVitroColumnsAndLeavesUnknownsEmpty() {
        let record = InvocationRecord(index: 3, app: "a", function: "f,1", scheduledSeconds: 1.5, startedSeconds: 1.502,
                                      requestedDurationMs: 20, memoryMB: 128, responseMs: 25.25, status: 200, outcome: .ok)
        let text = InvocationCSV.render([record], startUnixMicros: 1_000_000)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], InvocationCSV.columns.joined(separator: ","))
        XCTAssertEqual(lines[1], "3,\"f,1\",a,,2502000,20000,25250,,,false,1500.000,1502.000,2.000,,,,128,200,ok,")
    }

    /// Equidistant arrivals and a fixed keep-alive: the simulator and the replay must count the
    /// same cold starts. Function a: 4 calls a minute in minutes 0 and 1, then minute 5; b: 2 in
    /// minute 0. At 60x the gaps are 0.25 s and 0.5 s inside a burst, 3.25 s between a's bursts,
    /// against a keep-alive of 1 s: a starts cold twice, b once.
    func testColdStartsMatchTheSimulationExactly() throws {
        let table = [DurationPercentiles(day: 1, averageMs: 20, count: 10, minimumMs: 20, maximumMs: 20,
                                         percentilesMs: [20, 20, 20, 20, 20, 20, 20])]
        let a = FunctionWorkload(key: FunctionKey(app: "app", function: "a"), memoryMB: 16,
                                 calls: .binned(minutes: [0, 1, 5], counts: [4, 4, 4], durations: table))
        let b = FunctionWorkload(key: FunctionKey(app: "app", function: "b"), memoryMB: 16,
                                 calls: .binned(minutes: [0], counts: [2], durations: table))
        let workload = Workload(apps: [AppWorkload(key: "app", functions: [a, b])], spanMinutes: 6)
        let schedule = ArrivalSchedule.calls(workload, seed: 7, mode: .equidistant)
        XCTAssertEqual(schedule.count, 14)
        let calls = ReplayPlan.calls(schedule, windowStart: 0, speedup: 60)
        var model = TargetModel(profile: try Catalog.bundled().profile("openwhisk"))
        model.keepAlive = .fixed(idleSeconds: 1)
        let options = ExecutionOptions(model: model, slots: 2, worker: workerExecutable)
        let result = LocalExecutor(options: options).run(calls)
        XCTAssertEqual(result.records.filter { $0.outcome == .ok }.count, 14)
        let table2 = try ModelError.compare(calls: calls, result: result,
                                            target: SimulationTarget(profile: try Catalog.bundled().profile("openwhisk"), model: model),
                                            calibration: nil, sample: "test")
        let cold = try XCTUnwrap(table2.rows.first { $0.metric == "coldStarts" })
        XCTAssertEqual(cold.measured, 3)
        XCTAssertEqual(cold.simulated, cold.measured)
        XCTAssertEqual(cold.relativeError, 0)
    }

    /// One slot and three calls of one function at once: the node runs them one after the other
    /// on one instance (one cold start), and so does the simulation on the executor's node; the
    /// simulation without the node starts three instances (its note says so).
    func testTheSimulationRunsOnTheExecutorsNode() throws {
        let calls = (0..<3).map { ExecCall(index: $0, app: "app", function: "f", scheduledSeconds: 0, durationMs: 100, memoryMB: 16) }
        var model = TargetModel(profile: try Catalog.bundled().profile("openwhisk"))
        model.keepAlive = .fixed(idleSeconds: 30)
        let options = ExecutionOptions(model: model, slots: 1, worker: workerExecutable)
        XCTAssertEqual(options.node.coresPerNode, 1)
        let result = LocalExecutor(options: options).run(calls)
        XCTAssertEqual(result.records.map(\.cold), [true, false, false])
        let table = try ModelError.compare(calls: calls, result: result,
                                           target: SimulationTarget(profile: try Catalog.bundled().profile("openwhisk"), model: model),
                                           calibration: nil, sample: "test")
        let cold = try XCTUnwrap(table.rows.first { $0.metric == "coldStarts" })
        XCTAssertEqual(cold.simulated, 1)
        XCTAssertEqual(cold.measured, 1)
        XCTAssertTrue(table.notes.contains { $0.contains("1 slots") && $0.contains("2 calls queued") }, "\(table.notes)")
        XCTAssertTrue(table.notes.contains { $0.hasPrefix("without the node") && $0.contains(": 3 cold starts") }, "\(table.notes)")
        XCTAssertTrue(table.notes.contains { $0.contains("pre-warmed pool left out") })
    }

    func testTheScheduleIsTheSimulatorsAndRepeatsWithTheSeed() {
        let table = [DurationPercentiles(day: 1, averageMs: 50, count: 10, minimumMs: 1, maximumMs: 900,
                                         percentilesMs: [1, 5, 20, 50, 80, 300, 900])]
        let f = FunctionWorkload(key: FunctionKey(app: "x", function: "f"), memoryMB: 128,
                                 calls: .binned(minutes: [0, 2], counts: [30, 10], durations: table))
        let workload = Workload(apps: [AppWorkload(key: "x", functions: [f])], spanMinutes: 3)
        let one = ArrivalSchedule.calls(workload, seed: 3, mode: .exponential)
        XCTAssertEqual(one, ArrivalSchedule.calls(workload, seed: 3, mode: .exponential))
        XCTAssertNotEqual(one, ArrivalSchedule.calls(workload, seed: 4, mode: .exponential))
        XCTAssertEqual(one.count, 40)
        // The window keeps the calls inside it, and the plan compresses their gaps.
        let window = ArrivalSchedule.calls(workload, seed: 3, mode: .exponential, from: 120, to: 180)
        XCTAssertEqual(window.count, 10)
        XCTAssertEqual(window.map(\.durationMs), Array(one.suffix(10).map(\.durationMs)))
        let plan = ReplayPlan.calls(window, windowStart: 120, speedup: 10)
        XCTAssertEqual(plan[3].scheduledSeconds, (window[3].seconds - 120) / 10, accuracy: 1e-9)
        // The simulator replays the same calls: as many invocations.
        let result = try? Simulator.run(workload, targets: [SimulationTarget(profile: try! Catalog.bundled().profile("openwhisk"))],
                                        options: SimulationOptions(seed: 3, arrivals: .exponential))
        XCTAssertEqual(result?.targets.first?.total.invocations, 40)
    }
}

final class CalibrationTests: XCTestCase {
    func testAMeasuredProfileReadsBackAndReplacesTheColdStart() throws {
        let calibration = Calibration(measured: "2026-11-29T12:00:00Z", host: "box", cpu: "cpu \"x\"", cores: 2, kernel: "6.1",
                                      coldStartMedianMs: 12.5, coldStartP99Ms: 40, coldStartSamples: 30,
                                      warmOverheadMedianMs: 0.05, warmOverheadP99Ms: 0.4, warmSamples: 100, dispatchPerSecond: 6000)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cal-\(getpid()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try calibration.yaml().write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertTrue(calibration.yaml().contains("confidence: observed"))
        XCTAssertEqual(try Calibration.read(path: path), calibration)
        var model = TargetModel(profile: try Catalog.bundled().profile("openwhisk"))
        XCTAssertEqual(model.coldStart, .unknown)
        calibration.apply(to: &model)
        guard case .lognormal(let mu, let sigma) = model.coldStart else { return XCTFail("not log-normal") }
        XCTAssertEqual(exp(mu), 12.5, accuracy: 1e-9)
        XCTAssertEqual(exp(mu + 2.326_347_874 * sigma), 40, accuracy: 1e-6)
        try "schema: placer.profile/v1\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Calibration.read(path: path)) { XCTAssertTrue("\($0)".contains("not a calibration")) }
    }
}
