/// A unit's pending call completions (time, instance), the earliest first: a 4-ary min-heap in one
/// array, written for the replay's pattern (a push per call, a pop per completion).
///
/// Ties in time are broken by the instance's order of birth (`InstancePool.Slot.serial`), so the
/// order never depends on insertion history or on which slot an instance reuses. Two events equal
/// in time and serial belong to the same instance (a serial is never reused while its instance has
/// calls in flight) and are the same `(time, id)`, so every correct min-heap on this order pops the
/// same sequence: this one gives the replay bit for bit what swift-collections' min-max `Heap`
/// gave before it (`CompletionHeapTests`), in about a fifth less time on the replay's runs
/// (docs/performance.md): a min-max heap's sift-down compares grandchildren on alternate levels;
/// this one sends the hole down the least of four siblings, found by selects on integer keys.
struct CompletionHeap {
    /// An event as one 128-bit key whose unsigned order is the events' order: the time's bits made
    /// monotone (a non-negative double's bits with the sign bit set, a negative one's inverted;
    /// −0 ordered as +0, as `<` on doubles has it), then the serial, then the instance's slot
    /// (non-negative; its top bit marks a time of −0 so that the time comes back as it went in;
    /// equal serials have equal slots, so the slot never decides). Comparing two keys is a
    /// comparison of two integer pairs without a branch, which lets the children's minimum be
    /// found by selects.
    private typealias Key = UInt128
    private var keys: [Key] = []

    @inline(__always) private static func key(_ t: Double, _ id: Int32, _ serial: UInt32) -> Key {
        let bits = (t + 0).bitPattern
        let ordered = bits >> 63 == 0 ? bits | (1 << 63) : ~bits
        let negativeZero: UInt32 = t == 0 && t.sign == .minus ? 1 << 31 : 0
        return Key(ordered) << 64 | Key(serial) << 32 | Key(UInt32(bitPattern: id) | negativeZero)
    }

    @inline(__always) private static func time(_ k: Key) -> Double {
        if UInt32(truncatingIfNeeded: k) >> 31 == 1 { return -0.0 }
        let ordered = UInt64(truncatingIfNeeded: k >> 64)
        return Double(bitPattern: ordered >> 63 == 1 ? ordered & ~(1 << 63) : ~ordered)
    }

    @inline(__always) private static func id(_ k: Key) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: k) & ~(1 << 31)) }

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }
    /// The earliest completion; nil when none is pending.
    var first: (time: Double, id: Int32)? { keys.first.map { (Self.time($0), Self.id($0)) } }

    mutating func push(_ t: Double, _ id: Int32, serial: UInt32) {
        let e = Self.key(t, id, serial)
        keys.append(e)
        keys.withUnsafeMutableBufferPointer { Self.climb(e, from: $0.count - 1, in: $0) }
    }

    /// Removes and returns the earliest completion if it is due by `t`.
    mutating func popFirst(upTo t: Double) -> (time: Double, id: Int32)? {
        guard let e = keys.first else { return nil }
        let time = Self.time(e)
        guard time <= t else { return nil }
        let last = keys.removeLast()
        if !keys.isEmpty { siftDown(last) }
        return (time, Self.id(e))
    }

    /// Moves the earliest completion's instance to `ends` (its next call); the heap is not empty.
    mutating func replaceFirst(ends: Double) {
        guard let e = keys.first else { return }
        siftDown(Self.key(ends, Self.id(e), UInt32(truncatingIfNeeded: e >> 32)))
    }

    /// Puts `e` at the root's place and moves it down past every smaller child: the hole left at
    /// the root goes down the smallest children to a leaf first (three comparisons a level, none
    /// with `e`, which usually belongs near the bottom), then `e` climbs back to its place.
    @inline(__always) private mutating func siftDown(_ e: Key) {
        keys.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                let first = 4 * i + 1
                guard first < n else { break }
                var least = first
                if first + 3 < n {
                    var low = h[first]
                    for k in first + 1...first + 3 {
                        let v = h[k]
                        least = v < low ? k : least
                        low = v < low ? v : low
                    }
                } else {
                    for k in first + 1..<n where h[k] < h[least] { least = k }
                }
                h[i] = h[least]
                i = least
            }
            Self.climb(e, from: i, in: h)
        }
    }

    /// Puts `e` in the hole at `i`, moving it up past every greater parent.
    @inline(__always) private static func climb(_ e: Key, from hole: Int, in h: UnsafeMutableBufferPointer<Key>) {
        var i = hole
        while i > 0 {
            let parent = (i - 1) >> 2
            guard e < h[parent] else { break }
            h[i] = h[parent]
            i = parent
        }
        h[i] = e
    }
}
