/// Consecutive timed calls of one function as columns, lent to a sink for one call of
/// `TraceSink.invocations` (valid only during it): what a per-invocation reader hands on instead of
/// one `Invocation` at a time, so that the store appends whole columns and the reading thread
/// spends no protocol call, key comparison or optional per call.
public struct InvocationColumns {
    /// Calls in the run.
    public let count: Int
    /// Start times, seconds (every call of a run has one).
    public let starts: UnsafeBufferPointer<Double>
    public let durationsMs: UnsafeBufferPointer<Double>
    /// Configured memory, init time, CPU time and the cold flag (1 cold, 0 warm): NaN for a call
    /// without one; nil when no call of the run has one.
    public let memoryMB: UnsafeBufferPointer<Double>?
    public let initMs: UnsafeBufferPointer<Double>?
    public let cpuMs: UnsafeBufferPointer<Double>?
    public let cold: UnsafeBufferPointer<Double>?

    public init(count: Int, starts: UnsafeBufferPointer<Double>, durationsMs: UnsafeBufferPointer<Double>,
                memoryMB: UnsafeBufferPointer<Double>? = nil, initMs: UnsafeBufferPointer<Double>? = nil,
                cpuMs: UnsafeBufferPointer<Double>? = nil, cold: UnsafeBufferPointer<Double>? = nil) {
        self.count = count
        self.starts = starts
        self.durationsMs = durationsMs
        self.memoryMB = memoryMB
        self.initMs = initMs
        self.cpuMs = cpuMs
        self.cold = cold
    }

    /// Calls `range` of the run.
    public func slice(_ range: Range<Int>) -> InvocationColumns {
        func part(_ column: UnsafeBufferPointer<Double>) -> UnsafeBufferPointer<Double> { UnsafeBufferPointer(rebasing: column[range]) }
        return InvocationColumns(count: range.count, starts: part(starts), durationsMs: part(durationsMs), memoryMB: memoryMB.map(part),
                                 initMs: initMs.map(part), cpuMs: cpuMs.map(part), cold: cold.map(part))
    }

    /// Call `i` as an `Invocation`: what `TraceSink.invocation` would have been given.
    public func invocation(at i: Int) -> Invocation {
        func value(_ column: UnsafeBufferPointer<Double>?) -> Double? {
            guard let column, !column[i].isNaN else { return nil }
            return column[i]
        }
        return Invocation(startSeconds: starts[i], durationMs: durationsMs[i], memoryMB: value(memoryMB),
                          initMs: value(initMs), cpuMs: value(cpuMs), cold: value(cold).map { $0 != 0 })
    }
}

/// Where a per-invocation reader collects a run of one function's calls before handing it to the
/// sink (`InvocationsReader`). Its storage is reached through pointers held in constants, so the
/// per-call appends carry no exclusivity checks.
final class InvocationRun {
    /// Calls a run holds before it is handed on (6 columns × 8 bytes × 4,096: under 200 KB).
    static let capacity = 4096

    private let storage: UnsafeMutablePointer<Double>
    private let state: UnsafeMutablePointer<State>

    private struct State {
        var count = 0
        /// Which optional columns some call of the run has (bit per `Column`).
        var present: UInt8 = 0
    }

    private enum Column: Int, CaseIterable {
        case start, duration, memory, initMs, cpu, cold
    }

    init() {
        storage = .allocate(capacity: Self.capacity * Column.allCases.count)
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        storage.deallocate()
        state.deallocate()
    }

    var count: Int { state.pointee.count }
    var isFull: Bool { state.pointee.count == Self.capacity }

    @inline(__always) private func column(_ c: Column) -> UnsafeMutablePointer<Double> {
        storage + c.rawValue * Self.capacity
    }

    /// Adds a call; the optional values are NaN where the call has none. The run must not be full.
    @inline(__always) func append(start: Double, durationMs: Double, memoryMB: Double, initMs: Double, cpuMs: Double, cold: Double) {
        let i = state.pointee.count
        column(.start)[i] = start
        column(.duration)[i] = durationMs
        column(.memory)[i] = memoryMB
        column(.initMs)[i] = initMs
        column(.cpu)[i] = cpuMs
        column(.cold)[i] = cold
        var present = state.pointee.present
        if !memoryMB.isNaN { present |= 1 << Column.memory.rawValue }
        if !initMs.isNaN { present |= 1 << Column.initMs.rawValue }
        if !cpuMs.isNaN { present |= 1 << Column.cpu.rawValue }
        if !cold.isNaN { present |= 1 << Column.cold.rawValue }
        state.pointee.present = present
        state.pointee.count = i &+ 1
    }

    /// The run as columns, valid until the next `append` or `reset`.
    var columns: InvocationColumns {
        let n = state.pointee.count, present = state.pointee.present
        func optional(_ c: Column) -> UnsafeBufferPointer<Double>? {
            present & (1 << c.rawValue) == 0 ? nil : UnsafeBufferPointer(start: column(c), count: n)
        }
        return InvocationColumns(count: n, starts: UnsafeBufferPointer(start: column(.start), count: n),
                                 durationsMs: UnsafeBufferPointer(start: column(.duration), count: n),
                                 memoryMB: optional(.memory), initMs: optional(.initMs), cpuMs: optional(.cpu), cold: optional(.cold))
    }

    func reset() {
        state.pointee = State()
    }
}
