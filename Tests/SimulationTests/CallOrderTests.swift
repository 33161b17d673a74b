import Testing
import Traces
@testable import Simulation

/// The coupled replay's merge of every function's calls (`CallOrder`): the order a sort by
/// (time, function, k) gives, on lists with ties, bursts and spreads.
struct CallOrderTests {
    static func sorted(_ lists: [CallList]) -> [CallOrder.Call] {
        var all: [CallOrder.Call] = []
        for (g, list) in lists.enumerated() {
            for (k, t) in list.times.enumerated() { all.append((t, Int32(g), Int32(k))) }
        }
        return all.sorted { ($0.time, $0.function, $0.k) < ($1.time, $1.function, $1.k) }
    }

    static func same(_ a: [CallOrder.Call], _ b: [CallOrder.Call]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.time == $1.time && $0.function == $1.function && $0.k == $1.k }
    }

    @Test func ordersLikeTheSort() {
        var random = SeededRandom(seed: 5)
        var order = CallOrder()
        for round in 0..<40 {
            var lists: [CallList] = []
            for _ in 0..<(1 + random.int(below: 60)) {
                var list = CallList()
                var t = random.uniform(0, 60)
                for _ in 0..<random.int(below: 200) {
                    // Ties within a function and across functions; whole seconds and bursts.
                    switch random.int(below: 4) {
                    case 0: break
                    case 1: t = t.rounded(.up)
                    case 2: t += random.uniform(0, 1e-9)
                    default: t += random.exponential(rate: 5)
                    }
                    list.times.append(t)
                    list.durationsMs.append(1)
                }
                lists.append(list)
            }
            if round % 5 == 0 { lists.append(CallList(times: [Double](repeating: 30, count: 500), durationsMs: [Double](repeating: 1, count: 500))) }
            order.build(lists)
            let agrees = Self.same(order.calls, Self.sorted(lists))
            #expect(agrees, "round \(round): \(lists.count) functions")
        }
        // Nothing, one call, and every call at one moment.
        order.build([CallList(), CallList()])
        #expect(order.calls.isEmpty)
        let one = [CallList(), CallList(times: [3], durationsMs: [1])]
        order.build(one)
        let oneAgrees = Self.same(order.calls, Self.sorted(one))
        #expect(oneAgrees)
        let flat = (0..<7).map { _ in CallList(times: [9, 9, 9], durationsMs: [1, 1, 1]) }
        order.build(flat)
        let flatAgrees = Self.same(order.calls, Self.sorted(flat))
        #expect(flatAgrees)
    }
}
