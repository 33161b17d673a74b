/// The calls of many functions in one time order (ties: function order, then the function's own
/// order), for the coupled replay's slices: the order `sort` by (time, function, k) gives, built
/// by a stable counting sort into buckets of time and a stable insertion sort of each bucket, so
/// its cost grows with the calls, not with calls × log calls. `CallOrderTests` checks it against
/// the sort.
struct CallOrder {
    typealias Call = (time: Double, function: Int32, k: Int32)

    /// The slice's calls in order.
    private(set) var calls: [Call] = []
    private var starts: [Int] = []
    /// A bucket longer than this is sorted by the standard library (insertion sort is quadratic).
    static let insertionLimit = 48

    /// Orders the calls of `lists` (each ascending by time, as the expanders produce them).
    mutating func build(_ lists: [CallList]) {
        var n = 0
        var low = Double.infinity, high = -Double.infinity
        for list in lists where !list.times.isEmpty {
            n += list.times.count
            low = min(low, list.times[0])
            high = max(high, list.times[list.times.count - 1])
        }
        calls.removeAll(keepingCapacity: true)
        guard n > 0 else { return }
        // About two calls a bucket; a bucket's index never decreases with time.
        let buckets = max(1, min(n / 2, 1 << 20))
        let span = high - low
        let scale = span > 0 && span.isFinite ? Double(buckets) / span : 0
        @inline(__always) func bucket(_ t: Double) -> Int { min(buckets - 1, Int((t - low) * scale)) }
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: buckets + 1))
        for list in lists {
            for t in list.times { starts[bucket(t) + 1] += 1 }
        }
        for b in 0..<buckets { starts[b + 1] += starts[b] }
        calls.append(contentsOf: repeatElement((time: 0.0, function: Int32(0), k: Int32(0)), count: n))
        // Scattered in function order, then each function's own: stable within a bucket.
        calls.withUnsafeMutableBufferPointer { out in
            starts.withUnsafeMutableBufferPointer { next in
                for (g, list) in lists.enumerated() {
                    for (k, t) in list.times.enumerated() {
                        let b = bucket(t)
                        out[next[b]] = (t, Int32(g), Int32(k))
                        next[b] += 1
                    }
                }
                // `next[b]` is now bucket b's end; bucket b starts where bucket b − 1 ends.
                var start = 0
                for b in 0..<buckets {
                    let end = next[b]
                    if end - start > Self.insertionLimit {
                        out[start..<end].sort { ($0.time, $0.function, $0.k) < ($1.time, $1.function, $1.k) }
                    } else if end - start > 1 {
                        // Stable by time alone: equal times keep their (function, k) order.
                        for i in (start + 1)..<end {
                            let x = out[i]
                            var j = i
                            while j > start, out[j - 1].time > x.time {
                                out[j] = out[j - 1]
                                j -= 1
                            }
                            out[j] = x
                        }
                    }
                    start = end
                }
            }
        }
    }
}
