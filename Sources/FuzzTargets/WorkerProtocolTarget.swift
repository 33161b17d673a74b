import WorkerProtocol

/// The local executor's line protocol: what a function instance writes back is read by
/// `FlatJSON.parse`, and what the executor writes (durations from a trace) by the worker.
enum WorkerProtocolTarget {
    /// Parses one line; a line that parses must survive being written again with
    /// `FlatJSON.line` and read back: the same keys, strings, booleans and nulls, numbers to the
    /// precision `FlatJSON.format` promises (integers exact, others to 6 decimals).
    static let line = FuzzTarget("worker-protocol", "FlatJSON.parse, then FlatJSON.line and parse again") { bytes in
        let fields: [String: FlatValue]
        do { fields = try FlatJSON.parse(bytes) } catch let error as FlatJSON.ParseError {
            return .refusal(error.description)
        } catch {
            return .unexpected(error)
        }
        let pairs = fields.sorted { $0.key < $1.key }
        let written = FlatJSON.line(pairs.map { ($0.key, $0.value) })
        guard let again = try? FlatJSON.parse(written.utf8.dropLast()) else {
            return .violation("a parsed line does not parse once written again: \(written.debugDescription)")
        }
        guard again.count == fields.count else { return .violation("keys lost writing \(written.debugDescription)") }
        for (key, value) in fields {
            guard let copy = again[key], same(value, copy) else {
                return .violation("\(key.debugDescription) changed from \(value) to \(String(describing: again[key])) writing \(written.debugDescription)")
            }
        }
        return .accepted
    }

    static func same(_ a: FlatValue, _ b: FlatValue) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x == y || abs(x - y) <= 5e-7 * max(1, abs(x)) + 1e-12  // half a millionth, rounding's own error
        case (.number(let x), .null): return !x.isFinite  // infinities are written as null
        default: return a == b
        }
    }
}
