import HeapModule
import Testing
import Traces
@testable import Simulation

/// `CompletionHeap` (a 4-ary min-heap) pops exactly what swift-collections' `Heap` (the min-max
/// heap the replay used before it) pops, through every operation the replay performs.
struct CompletionHeapTests {
    /// The reference: the same order in swift-collections' `Heap`.
    struct Reference: Comparable {
        var time: Double, id: Int32, serial: UInt32
        static func < (a: Reference, b: Reference) -> Bool { a.time < b.time || (a.time == b.time && a.serial < b.serial) }
        static func == (a: Reference, b: Reference) -> Bool { a.time == b.time && a.serial == b.serial }
    }

    /// Random pushes, pops up to a time, peeks and replacements of the first, on a coarse time grid
    /// (many ties in time) and with several events per instance (ties in time and serial), the
    /// heap growing to thousands and draining to empty; every answer compared bit for bit.
    @Test(arguments: 0..<60) func popsWhatTheMinMaxHeapPops(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &+ 11)
        var heap = CompletionHeap()
        var reference = Heap<Reference>()
        let grid = [0.5, 0.001, 1.0 / 3.0][seed % 3]
        let instances = 1 + Int(random.next() % 300)
        var now = 0.0
        let steps = 2_000 + Int(random.next() % 6_000)
        for step in 0..<steps {
            let draining = step > steps * 3 / 4
            switch random.next() % (draining ? 5 : 10) {
            case 0, 1:
                now += Double(random.next() % 8) * grid
                while true {
                    let expected = reference.min.flatMap { $0.time <= now ? reference.popMin() : nil }
                    let got = heap.popFirst(upTo: now)
                    #expect(got?.time.bitPattern == expected?.time.bitPattern && got?.id == expected?.id)
                    if got == nil || expected == nil { break }
                }
            case 2:
                #expect(heap.first?.time.bitPattern == reference.min?.time.bitPattern && heap.first?.id == reference.min?.id)
                guard let e = reference.min else { continue }
                let ends = e.time + Double(random.next() % 50) * grid
                reference.replaceMin(with: Reference(time: ends, id: e.id, serial: e.serial))
                heap.replaceFirst(ends: ends)
            default:
                guard !draining else { continue }
                let i = Int32(random.next() % UInt64(instances))
                // Instance i's serial is i + 1,000 (its birth order, shuffled against its slot).
                let serial = UInt32((Int(i) * 7_919) % 100_003 + 1_000)
                let t = now + Double(random.next() % 40) * grid
                heap.push(t, i, serial: serial)
                reference.insert(Reference(time: t, id: i, serial: serial))
            }
            #expect(heap.count == reference.count)
        }
        while let expected = reference.popMin() {
            let got = heap.popFirst(upTo: .infinity)
            #expect(got?.time.bitPattern == expected.time.bitPattern && got?.id == expected.id)
        }
        #expect(heap.isEmpty && heap.popFirst(upTo: .infinity) == nil)
    }

    /// Times of every sign and size come back bit for bit, in the order of `<` on doubles (−0 and
    /// +0 equal, the serial deciding between them).
    @Test func negativeTimesAndZerosKeepTheirOrderAndBits() {
        let times: [Double] = [3, -0.0, 0, -1e-300, -2.5, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 1e300, .infinity, 0, -0.0, 7]
        var heap = CompletionHeap()
        var reference = Heap<Reference>()
        for (k, t) in times.enumerated() {
            let serial = UInt32((k * 5) % times.count)
            heap.push(t, Int32(k), serial: serial)
            reference.insert(Reference(time: t, id: Int32(k), serial: serial))
        }
        while let expected = reference.popMin() {
            let got = heap.popFirst(upTo: .infinity)
            #expect(got?.time.bitPattern == expected.time.bitPattern && got?.id == expected.id)
        }
        #expect(heap.isEmpty)
    }

    /// A copy of a pool's heap is its own: popping the copy leaves the original whole (tests read a
    /// pool's pending completions by popping a copy).
    @Test func aCopyIsIndependent() {
        var heap = CompletionHeap()
        for k in 0..<100 { heap.push(Double(100 - k), Int32(k), serial: UInt32(k)) }
        var copy = heap
        while copy.popFirst(upTo: .infinity) != nil {}
        #expect(copy.isEmpty && heap.count == 100 && heap.first?.time == 1)
    }
}
