import Foundation
import Testing
@testable import Simulation
import Traces

/// The keep-alive estimator on calls whose answer can be worked out by hand (docs/calibration.md).
@Suite struct KeepAliveFitTests {
    let key = FunctionKey(app: "f", function: "f")

    /// Sequential calls of 1 s (whole seconds, so gaps are exact): each call's gap is the time
    /// since the previous one ended.
    func sequential(_ gapsAndCold: [(Double, Bool)]) -> [KeepAliveFit.Call] {
        var calls = [KeepAliveFit.Call(start: 0, durationMs: 1000, cold: true)]
        var t = 1.0
        for (gap, cold) in gapsAndCold {
            calls.append(KeepAliveFit.Call(start: t + gap, durationMs: 1000, cold: cold))
            t += gap + 1
        }
        return calls
    }

    @Test func aCleanTraceIsBracketedByTheLongestWarmAndTheShortestColdGap() throws {
        let calls = sequential([(100, false), (200, false), (400, true), (300, true), (150, false)])
        let evidence = KeepAliveFit.evidence(key, calls)
        #expect(evidence.observations.count == 5)
        #expect(evidence.concurrencyColds == 1)  // the first call: no instance yet
        let fit = try KeepAliveFit.fit([evidence])
        #expect(fit.longestWarmSeconds == 200 && fit.shortestColdSeconds == 300)
        #expect(fit.idleSeconds == 250)
        #expect(fit.disagreeing == 0)
        #expect(fit.calls == 6 && fit.coldCalls == 3)
    }

    @Test func aCallThatFindsEveryInstanceBusyIsConcurrencyNotExpiry() throws {
        // Two overlapping calls, both cold: the second found the first busy, which says nothing of T.
        let calls = [KeepAliveFit.Call(start: 0, durationMs: 10_000, cold: true),
                     KeepAliveFit.Call(start: 1, durationMs: 10_000, cold: true)]
        let evidence = KeepAliveFit.evidence(key, calls)
        #expect(evidence.observations.isEmpty)
        #expect(evidence.concurrencyColds == 2)
        #expect(throws: KeepAliveFit.Refusal.self) { try KeepAliveFit.fit([evidence]) }
    }

    @Test func theGapIsThatOfTheMostRecentlyFreedInstance() throws {
        // Instances A (busy 0–10 s) and B (busy 1–20 s, cold: A was busy). At 25 s the most
        // recently freed is B, idle 5 s: warm. At 26 s only A is idle, freed at 10 s: 16 s.
        let calls = [KeepAliveFit.Call(start: 0, durationMs: 10_000, cold: true),
                     KeepAliveFit.Call(start: 1, durationMs: 19_000, cold: true),
                     KeepAliveFit.Call(start: 25, durationMs: 10_000, cold: false),
                     KeepAliveFit.Call(start: 26, durationMs: 1_000, cold: true)]
        let evidence = KeepAliveFit.evidence(key, calls)
        #expect(evidence.observations.map(\.gapSeconds) == [5, 16])
        #expect(evidence.observations.map(\.cold) == [false, true])
        let fit = try KeepAliveFit.fit([evidence])
        #expect(fit.idleSeconds == 10.5)
    }

    @Test func aColdStartBillsItsInitToTheInstance() throws {
        // A cold call with 2 s of init frees its instance at 3 s, not 1 s: the next call's gap is 7 s.
        let calls = [KeepAliveFit.Call(start: 0, durationMs: 1_000, initMs: 2_000, cold: true),
                     KeepAliveFit.Call(start: 10, durationMs: 1_000, cold: false)]
        #expect(KeepAliveFit.evidence(key, calls).observations.map(\.gapSeconds) == [7])
    }

    @Test func anOddColdStartIsOutvotedNotBelieved() throws {
        // Many warm gaps up to 500 s and cold ones from 700 s, plus one early recycle at 50 s.
        var pattern: [(Double, Bool)] = []
        for k in 0..<20 { pattern.append((Double(100 + 20 * k), false)); pattern.append((Double(700 + 10 * k), true)) }
        pattern.append((50, true))
        let fit = try KeepAliveFit.fit([KeepAliveFit.evidence(key, sequential(pattern))])
        #expect(fit.disagreeing == 1)
        #expect(fit.longestWarmSeconds == 480 && fit.shortestColdSeconds == 700)
        #expect(fit.idleSeconds == 590)
    }

    @Test func functionsPoolTheirObservations() throws {
        let a = KeepAliveFit.evidence(FunctionKey(app: "a", function: "a"), sequential([(100, false), (300, true)]))
        let b = KeepAliveFit.evidence(FunctionKey(app: "b", function: "b"), sequential([(250, false), (280, true)]))
        let fit = try KeepAliveFit.fit([a, b])
        #expect(fit.longestWarmSeconds == 250 && fit.shortestColdSeconds == 280)
        #expect(fit.idleSeconds == 265)
    }

    @Test func oneSidedEvidenceGivesItsBound() throws {
        let onlyWarm = try KeepAliveFit.fit([KeepAliveFit.evidence(key, sequential([(100, false), (200, false)]))])
        #expect(onlyWarm.idleSeconds == 200 && onlyWarm.shortestColdSeconds == nil)
        let onlyCold = try KeepAliveFit.fit([KeepAliveFit.evidence(key, sequential([(100, true), (200, true)]))])
        #expect(onlyCold.idleSeconds == 100 && onlyCold.longestWarmSeconds == nil)
    }

    @Test func noTimedCallsIsARefusal() {
        #expect(throws: KeepAliveFit.Refusal.self) { try KeepAliveFit.fit([]) }
    }

    @Test func theColdStartFitIsTheLogNormalsMaximumLikelihood() throws {
        let fit = try #require(ColdStartFit(initMs: [exp(1), exp(3)]))
        #expect(abs(fit.mu - 2) < 1e-12)
        #expect(abs(fit.sigma - 1) < 1e-12)
        #expect(abs(fit.medianMs - exp(2)) < 1e-9)
        #expect(abs(fit.p99Ms - exp(2 + 2.326_347_874)) < 1e-6)
        #expect(ColdStartFit(initMs: []) == nil)
    }

    @Test func theCheckComparesPredictedWithObservedPerFunction() {
        var outcome = Outcome()
        outcome.coldStarts = 12
        var other = Outcome()
        other.coldStarts = 3
        let target = TargetOutcome(
            id: "t", scalingUnit: "function", keepAlive: "fixed", total: Outcome(),
            functions: [FunctionOutcome(app: "a", function: "a", scalingUnit: "function", memoryMB: 128, outcome: outcome),
                        FunctionOutcome(app: "b", function: "b", scalingUnit: "function", memoryMB: 128, outcome: other),
                        FunctionOutcome(app: "c", function: "c", scalingUnit: "function", memoryMB: 128, outcome: other)],
            instancesPerMinute: [], memoryMBPerMinute: [], bill: nil, notes: [])
        let check = ColdStartCheck(target, observed: [FunctionKey(app: "a", function: "a"): (100, 10),
                                                      FunctionKey(app: "b", function: "b"): (50, 5)])
        #expect(check.rows.map(\.predicted) == [12, 3])
        #expect(check.observed == 15 && check.predicted == 15)
        #expect(check.relativeError == 0)
        #expect(abs((check.absoluteError ?? 0) - 4.0 / 15) < 1e-12)
    }
}
