import Foundation
import Pricing
import Store
import Testing
import Traces
@testable import Simulation
@testable import TraceLoading

/// Accounts (`--accounts one|per-owner`): free grants, volume tiers and the concurrency quota
/// apply per account; one account gives what the whole trace gave before.
struct AccountTests {
    /// 300,000 calls of 1 s at 1,024 MB every 8.64 s over 30 days: 300,000 GB-s and 300,000
    /// requests, each under Lambda's free grant (400,000 GB-s, 1M requests), two of them over it.
    static func busy(_ app: String, owner: String?) -> AppWorkload {
        let starts = (0..<300_000).map { Double($0) * 8.64 }
        return AppWorkload(key: app, functions: [SimulationTests.exact(app, "f", memoryMB: 1024, starts: starts, durationMs: 1000)], owner: owner)
    }

    static func twoOwners(_ mode: AccountMode) -> Workload {
        var w = Workload(apps: [busy("a", owner: "o1"), busy("b", owner: "o2")], spanMinutes: 30 * 1440)
        w.accounts = mode
        return w
    }

    static let model = TargetModel(id: "aws-lambda-x86", keepAlive: .fixed(idleSeconds: 600), coldStart: .fixed(ms: 0))

    static func result(_ workload: Workload, _ model: TargetModel, workers: Int = 1) throws -> SimulationResult {
        let target = SimulationTarget(profile: try SimulationTests.profile(), model: model)
        return try Simulator.run(workload, targets: [target], options: SimulationOptions(seed: 1, workers: workers))
    }

    @Test func eachAccountGetsItsOwnFreeGrant() throws {
        // One account: 600,000 GB-s, of which 200,000 over the grant at $0.0000166667 = $3.33334;
        // 600,000 requests, under the 1M free. Two accounts: each 300,000 GB-s, all free.
        let one = try Self.result(Self.twoOwners(.one), Self.model)
        let perOwner = try Self.result(Self.twoOwners(.perOwner), Self.model)
        let oneBill = try #require(one.targets[0].bill), ownBill = try #require(perOwner.targets[0].bill)
        #expect(oneBill.quantities.memoryGBSeconds == 600_000)
        #expect(oneBill.total == Decimal(string: "3.33334"))
        #expect(oneBill.compute == Decimal(string: "3.33334"))
        #expect(ownBill.quantities.memoryGBSeconds == 600_000)
        #expect(ownBill.total == 0)
        // The grants were worth 600,000 GB-s × $0.0000166667 + 600,000 requests × $0.20/M.
        #expect(ownBill.freeGrantCredit == Decimal(string: "10.12002"))
        #expect(oneBill.freeGrantCredit == Decimal(string: "6.78668"))
        #expect(ownBill.notes.contains { $0.contains("billed as 2 accounts") })
        #expect((one.accounts.mode, one.accounts.count) == (.one, 1))
        #expect((perOwner.accounts.mode, perOwner.accounts.count) == (.perOwner, 2))
        #expect(perOwner.json().contains("\"accounts\": {\n    \"count\": 2,\n    \"mode\": \"per-owner\"\n  }"))
        // The replay itself is the same: accounts change who pays, not what ran.
        #expect(one.targets[0].total.coldStarts == perOwner.targets[0].total.coldStarts)
        #expect(one.targets[0].total.invocations == 600_000)
    }

    /// A function's `monthlyCost` is its share of its own account's bill: an account inside its
    /// free grant costs nothing, whatever another account pays, and the shares still add up to
    /// the target's bill.
    @Test func eachFunctionSharesItsOwnAccountsBill() throws {
        // o1: app a, 300,000 GB-s, all free. o2: apps b and c, 600,000 GB-s, 200,000 over the
        // grant: $3.33334, shared by b and c by billed GB-s.
        var w = Workload(apps: [Self.busy("a", owner: "o1"), Self.busy("b", owner: "o2"), Self.busy("c", owner: "o2")], spanMinutes: 30 * 1440)
        w.accounts = .perOwner
        let o = try Self.result(w, Self.model).targets[0]
        let bill = try #require(o.bill)
        #expect(bill.total == Decimal(string: "3.33334"))
        let costs = try o.functions.map { try #require($0.outcome.monthlyCost) }
        func near(_ a: Decimal, _ b: String) -> Bool { abs(NSDecimalNumber(decimal: a - Decimal(string: b)!).doubleValue) < 1e-9 }
        #expect(costs[0].total == 0 && costs[0].compute == 0 && costs[0].requests == 0)
        for f in 1...2 { #expect(near(costs[f].total, "1.66667") && near(costs[f].compute, "1.66667"), "\(costs[f])") }
        // a's grant covered its own 300,000 GB-s ($5.00001) and 300,000 requests ($0.06); b's
        // and c's grant, 400,000 GB-s and their 600,000 requests, shared between them.
        #expect(near(costs[0].freeGrantCredit, "5.06001"), "\(costs[0])")
        #expect(near(costs[1].freeGrantCredit + costs[2].freeGrantCredit, "6.78668"))
        #expect(near(costs.reduce(Decimal(0)) { $0 + $1.total }, "3.33334"))
        // The result JSON names each function's account, so its shares can be summed per account.
        let perOwnerJSON = try #require(JSONSerialization.jsonObject(with: Data(try Self.result(w, Self.model).json().utf8)) as? [String: Any])
        let listed = ((perOwnerJSON["targets"] as? [[String: Any]])?.first?["functions"] as? [[String: Any]]) ?? []
        #expect(listed.map { $0["account"] as? Int } == [0, 1, 1])
        // One account: the three share one bill by GB-s, as before.
        w.accounts = .one
        let one = try Self.result(w, Self.model).targets[0]
        let oneTotal = NSDecimalNumber(decimal: try #require(one.bill).total).stringValue
        #expect(near(oneTotal == "" ? 0 : Decimal(string: oneTotal)!, "8.33335"))
        for f in one.functions { #expect(near(try #require(f.outcome.monthlyCost).total * 3, oneTotal)) }
        #expect(!(try Self.result(w, Self.model).json().contains("\"account\"")), "one account: no function names it")
    }

    @Test func oneAccountGivesWhatATraceWithoutOwnersGives() throws {
        // The quota binds on these three apps (CoupledReplayTests): with owners but one account,
        // every figure and the JSON are what the same apps without owners give.
        let quota = CoupledReplayTests.model(quota: 3)
        var owned = CoupledReplayTests.threeApps
        for (a, owner) in ["x", "x", "y"].enumerated() { owned.apps[a].owner = owner }
        owned.accounts = .one
        let before = try Self.result(CoupledReplayTests.threeApps, quota)
        let after = try Self.result(owned, quota)
        #expect(after.json() == before.json())
        #expect((after.targets[0].total.throttled, after.targets[0].total.rejected, after.targets[0].total.delayed) == (2, 1, 1))
        let bills = try Self.result(Self.twoOwners(.one), Self.model).json()
        var anonymous = Self.twoOwners(.one)
        for a in anonymous.apps.indices { anonymous.apps[a].owner = nil }
        #expect(try Self.result(anonymous, Self.model).json() == bills)
    }

    @Test func eachAccountHasItsOwnQuota() throws {
        // Quota 3. Apps a and b share account x: at 0.5 s four calls would be in flight, so one of
        // b's queued calls waits; c, alone in y, is not rejected as it is in one account.
        let quota = CoupledReplayTests.model(quota: 3)
        var owned = CoupledReplayTests.threeApps
        for (a, owner) in ["x", "x", "y"].enumerated() { owned.apps[a].owner = owner }
        owned.accounts = .perOwner
        let result = try Self.result(owned, quota)
        let o = result.targets[0]
        #expect(o.functions.map(\.app) == ["a", "b", "c"], "functions in the workload's app order")
        #expect((o.total.throttled, o.total.rejected, o.total.delayed) == (1, 0, 1))
        #expect((o.functions[1].outcome.delayed, o.functions[2].outcome.rejected) == (1, 0))
        #expect(CoupledReplayTests.conserved(o))
        #expect(o.notes.contains { $0.contains("each of the 2 accounts has its own account concurrency quota") && $0.contains("delayed 1") })
        // Each app its own owner: no account reaches the quota.
        for a in owned.apps.indices { owned.apps[a].owner = "o\(a)" }
        #expect(try Self.result(owned, quota).targets[0].total.throttled == 0)
        // Deterministic whatever the threads.
        #expect(try Self.result(owned, quota, workers: 4).json() == (try Self.result(owned, quota, workers: 1).json()))
    }

    @Test func moreAccountsThanOneBatchOfReplays() throws {
        // Three copies of the x, x, y case above (six accounts): more coupled replays than one
        // batch holds on one thread (4), folded in account order.
        var apps: [AppWorkload] = []
        for copy in 0..<3 {
            for (a, owner) in ["x", "x", "y"].enumerated() {
                var app = CoupledReplayTests.threeApps.apps[a]
                app.key += "\(copy)"
                app.functions[0].key = FunctionKey(app: app.key, function: app.functions[0].key.function)
                app.owner = owner + "\(copy)"
                apps.append(app)
            }
        }
        var w = Workload(apps: apps, spanMinutes: 5)
        w.accounts = .perOwner
        let quota = CoupledReplayTests.model(quota: 3)
        let one = try Self.result(w, quota, workers: 1), four = try Self.result(w, quota, workers: 4)
        let o = one.targets[0]
        #expect(one.accounts.count == 6)
        #expect((o.total.throttled, o.total.rejected, o.total.delayed) == (3, 0, 3))
        #expect(o.functions.map(\.app) == apps.map(\.key))
        #expect(one.json() == four.json())
    }

    @Test func appsWithoutAnOwnerShareOneAccount() throws {
        var w = CoupledReplayTests.threeApps
        w.apps[0].owner = "x"
        w.accounts = .perOwner
        let (numbered, count) = w.numberedAccounts()
        #expect(count == 2)
        #expect(numbered.apps.map(\.account) == [0, 1, 1])
        w.accounts = .one
        #expect(w.numberedAccounts().count == 1)
    }

    @Test func theLoaderCarriesOwnersAndDefaultsToPerOwner() throws {
        var f = ReplayTrace.Function(key: FunctionKey(app: "a", function: "f"), starts: [0, 10], durationsMs: [5, 5])
        f.owner = "o1"
        let g = ReplayTrace.Function(key: FunctionKey(app: "b", function: "g"), starts: [0], durationsMs: [5])
        let owned = try WorkloadLoader.build(ReplayTrace(functions: [f, g]))
        #expect(owned.apps.map(\.owner) == ["o1", nil])
        #expect(owned.accounts == .perOwner)
        #expect(try WorkloadLoader.build(ReplayTrace(functions: [g])).accounts == .one)
    }

    @Test func aCSVAccountColumnNamesTheAppsOwner() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("placer-accounts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("calls.csv").path
        try "timestamp,app,function,duration_ms,account\n0,a,f,10,team-1\n5,a,g,10,team-1\n7,b,h,10,\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let store = try TraceStore()
        _ = try store.ingest(path: csv)
        let trace = try store.replayTrace()
        #expect(trace.functions.map(\.owner) == ["team-1", "team-1", nil])
        let bad = dir.appendingPathComponent("bad.csv").path
        try "timestamp,app,function,duration_ms,account\n0,a,f,10,team-1\n5,a,g,10,team-2\n".write(toFile: bad, atomically: true, encoding: .utf8)
        do {
            _ = try TraceStore().ingest(path: bad)
            Issue.record("two accounts for one app were accepted")
        } catch let error as TraceError {
            #expect(error.line == 3 && error.column == 5 && error.message.contains("an app runs in one account"))
        }
    }
}
