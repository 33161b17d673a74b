/// Gathers a Lambda log's lines into requests: a request's `START`, its own output, `END` and
/// `REPORT` lines share a request id, and a time on any of them is that request's time.
///
/// Exports differ in where the time sits: a CloudWatch export or `aws logs tail` puts one
/// before every line, a raw stream only on the function's own output lines, and
/// `aws logs filter-log-events --output text` after each message (so after a REPORT line's
/// trailing newline, on a line of its own). The arrival is taken, best first, from the `START`
/// line's time (exact: START − init, as START follows a cold start's init), the `REPORT` or
/// `END` line's (the end: end − duration − init), or the first other line of the request
/// (that line's time − init: within the call's duration after its arrival).
struct LambdaRequestBlocks {
    /// Where in a request a time was found.
    enum Role { case start, inner, end, report }

    /// One request seen so far.
    struct Block {
        var startTime: Double?
        var innerTime: Double?
        var endTime: Double?
        var function: String?
        /// The parsed REPORT line and its line number, once seen.
        var report: Invocation?
        var reportLine = 0
    }

    /// A request whose line was just read without a time: the next line may be that time alone.
    private var awaiting: (id: String, role: Role)?
    private var open: [String: Block] = [:]
    /// Request ids in the order they opened, for lines that carry no id.
    private var lastOpened: String?

    /// Requests finished, by how their start was found.
    private(set) var exact = 0, fromEnd = 0, fromInner = 0, untimed = 0

    /// Requests started but never reported, once the log has been read.
    var unreported: Int { open.values.filter { $0.report == nil }.count }

    /// A line that is nothing but a time: it belongs to the line before it.
    mutating func bareTime(_ time: Double) -> Bool {
        guard let pending = awaiting else { return false }
        awaiting = nil
        note(time, pending.role, id: pending.id)
        return true
    }

    /// Finishes any request whose REPORT waited for a following time, before an unrelated line.
    mutating func flushAwaiting() -> [(FunctionKeyName, Invocation, line: Int)] {
        guard let pending = awaiting else { return [] }
        awaiting = nil
        guard pending.role == .report else { return [] }
        return finish(pending.id).map { [$0] } ?? []
    }

    mutating func start(_ id: String, time: Double?, function: String?) {
        var block = open[id] ?? Block()
        if block.function == nil { block.function = function }
        open[id] = block
        lastOpened = id
        if let time { note(time, .start, id: id) } else { awaiting = (id, .start) }
    }

    mutating func end(_ id: String, time: Double?) {
        if open[id] == nil { open[id] = Block() }
        if let time { note(time, .end, id: id) } else { awaiting = (id, .end) }
    }

    /// A line of the function's own output: its time goes to the request it names, else to the
    /// request most recently started.
    mutating func inner(time: Double, mentioning ids: [Substring]) {
        if let id = ids.first(where: { open[String($0)] != nil }) {
            note(time, .inner, id: String(id))
        } else if let id = lastOpened, open[id] != nil {
            note(time, .inner, id: id)
        }
    }

    /// A REPORT line. With its time the request is finished now; without, it waits one line
    /// for a time alone on the next line.
    mutating func report(_ id: String, _ invocation: Invocation, time: Double?, function: String?, line: Int)
        -> (FunctionKeyName, Invocation, line: Int)? {
        var block = open[id] ?? Block()
        block.report = invocation
        block.reportLine = line
        if let function { block.function = function }
        open[id] = block
        if let time {
            note(time, .report, id: id)
            return finish(id)
        }
        awaiting = (id, .report)
        return nil
    }

    /// Requests reported but not yet finished, at the end of the log.
    mutating func finishAll() -> [(FunctionKeyName, Invocation, line: Int)] {
        awaiting = nil
        let reported = open.filter { $0.value.report != nil }.sorted { $0.value.reportLine < $1.value.reportLine }.map(\.key)
        var done: [(FunctionKeyName, Invocation, line: Int)] = []
        for id in reported {
            if let finished = finish(id) { done.append(finished) }
        }
        return done
    }

    private mutating func note(_ time: Double, _ role: Role, id: String) {
        guard var block = open[id] else { return }
        switch role {
        case .start: block.startTime = block.startTime ?? time
        case .inner: block.innerTime = block.innerTime ?? time
        case .end, .report: block.endTime = block.endTime ?? time
        }
        open[id] = block
    }

    private mutating func finish(_ id: String) -> (FunctionKeyName, Invocation, line: Int)? {
        guard let block = open.removeValue(forKey: id), var invocation = block.report else { return nil }
        if lastOpened == id { lastOpened = nil }
        // The call arrived before its init phase: START follows INIT on a cold start.
        let initSeconds = (invocation.initMs ?? 0) / 1000
        if let start = block.startTime {
            invocation.startSeconds = start - initSeconds
            exact += 1
        } else if let end = block.endTime {
            invocation.startSeconds = end - (invocation.durationMs + (invocation.initMs ?? 0)) / 1000
            fromEnd += 1
        } else if let inner = block.innerTime {
            invocation.startSeconds = inner - initSeconds
            fromInner += 1
        } else {
            untimed += 1
        }
        return (block.function, invocation, block.reportLine)
    }
}

/// The function a request belongs to, when its lines name a log group.
typealias FunctionKeyName = String?
