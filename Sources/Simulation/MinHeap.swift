/// A binary min-heap (the smallest element first; equal elements in no particular order, so
/// callers make elements distinct where the order matters). Sifts move a hole rather than swapping.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var min: Element { items[0] }

    mutating func push(_ e: Element) {
        items.append(e)
        items.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) >> 1
                guard e < h[parent] else { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = e
        }
    }

    @discardableResult mutating func pop() -> Element {
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items.withUnsafeMutableBufferPointer { h in
                let n = h.count
                var i = 0
                while true {
                    let l = 2 * i + 1
                    guard l < n else { break }
                    var m = l
                    if l + 1 < n, h[l + 1] < h[l] { m = l + 1 }
                    guard h[m] < last else { break }
                    h[i] = h[m]
                    i = m
                }
                h[i] = last
            }
        }
        return top
    }
}

/// Times in a min-heap.
typealias TimeHeap = MinHeap<Double>
