/// A unit's pending call completions (time, instance), the earliest first: a 4-ary min-heap in one
/// array, written for the replay's pattern (a push per call, a pop per completion).
///
/// Ties in time are broken by the instance's order of birth (`InstancePool.Slot.serial`), so the
/// order never depends on insertion history or on which slot an instance reuses. Two events equal
/// in time and serial belong to the same instance (a serial is never reused while its instance has
/// calls in flight) and are the same `(time, id)`, so every correct min-heap on this order pops the
/// same sequence: this one gives the replay bit for bit what swift-collections' min-max `Heap`
/// gave before it (`CompletionHeapTests`), with about half the comparisons per pop — a min-max
/// heap's sift-down compares grandchildren on alternate levels; this one compares four siblings
/// that share a cache line, over half as many levels as a binary heap.
struct CompletionHeap {
    struct Event {
        var time: Double
        var id: Int32
        var serial: UInt32
        @inline(__always) static func < (a: Event, b: Event) -> Bool { a.time < b.time || (a.time == b.time && a.serial < b.serial) }
    }
    private var events: [Event] = []

    var isEmpty: Bool { events.isEmpty }
    var count: Int { events.count }
    /// The earliest completion; nil when none is pending.
    var first: (time: Double, id: Int32)? { events.first.map { ($0.time, $0.id) } }

    mutating func push(_ t: Double, _ id: Int32, serial: UInt32) {
        let e = Event(time: t, id: id, serial: serial)
        events.append(e)
        events.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) >> 2
                guard e < h[parent] else { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = e
        }
    }

    /// Removes and returns the earliest completion if it is due by `t`.
    mutating func popFirst(upTo t: Double) -> (time: Double, id: Int32)? {
        guard let e = events.first, e.time <= t else { return nil }
        let last = events.removeLast()
        if !events.isEmpty { siftDown(last) }
        return (e.time, e.id)
    }

    /// Moves the earliest completion's instance to `ends` (its next call); the heap is not empty.
    mutating func replaceFirst(ends: Double) {
        guard let e = events.first else { return }
        siftDown(Event(time: ends, id: e.id, serial: e.serial))
    }

    /// Puts `e` at the root's place and moves it down past every smaller child: the hole left at
    /// the root goes down the smallest children to a leaf first (three comparisons a level, none
    /// with `e`, which usually belongs near the bottom), then `e` climbs back to its place.
    @inline(__always) private mutating func siftDown(_ e: Event) {
        events.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                let first = 4 * i + 1
                guard first < n else { break }
                var least = first
                let end = min(first + 4, n)
                var k = first + 1
                while k < end {
                    if h[k] < h[least] { least = k }
                    k += 1
                }
                h[i] = h[least]
                i = least
            }
            while i > 0 {
                let parent = (i - 1) >> 2
                guard e < h[parent] else { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = e
        }
    }
}
