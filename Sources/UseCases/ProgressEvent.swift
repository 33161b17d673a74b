/// What a use case tells its front end while it works: steps begun, advanced and ended, files
/// done, and the notes and warnings a user should read. A front end draws them (the CLI: a bar
/// on a terminal, plain lines otherwise); a test collects them.
public enum ProgressEvent: Sendable {
    /// A step of `total` items (0 when it cannot be counted) has begun.
    case began(step: String, total: Int, unit: String)
    /// One more item of the current step is done.
    case advanced(item: String)
    /// The current step is done; `summary` may be empty.
    case ended(summary: String)
    /// One file of an ingest is done (read in, or skipped as read before).
    case ingested(IngestedFile)
    /// Something the user should know that changes nothing (a default taken, a choice made).
    case note(String)
    /// Something the user should check (rows skipped, a sample that could not be simulated).
    case warning(String)
    /// A line of its own, worded with any prefix it needs (lock-in's diagnostics, what a run is about to do).
    case message(String)
}

/// Receives a use case's progress events, in order, on the thread that runs the use case.
public protocol ProgressObserver: Sendable {
    func observe(_ event: ProgressEvent)
}

/// Drops every event: for callers that want only the result.
public struct IgnoringProgress: ProgressObserver {
    public init() {}
    /// Does nothing with `event`.
    public func observe(_ event: ProgressEvent) {}
}

extension ProgressObserver {
    func begin(_ step: String, total: Int = 0, unit: String = "") { observe(.began(step: step, total: total, unit: unit)) }
    func advance(_ item: String = "") { observe(.advanced(item: item)) }
    func end(_ summary: String = "") { observe(.ended(summary: summary)) }
    func note(_ text: String) { observe(.note(text)) }
    func warning(_ text: String) { observe(.warning(text)) }
}
