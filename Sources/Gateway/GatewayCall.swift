import Foundation

/// One invocation to send: which function, when (seconds from the replay's start) and what the
/// trace says it ran for, so that a synthetic function on the cluster can burn that long.
public struct GatewayCall: Sendable, Equatable {
    public var index: Int
    public var function: String
    public var app: String
    public var scheduledSeconds: Double
    public var durationMs: Double
    public var memoryMB: Int

    public init(index: Int, function: String, app: String, scheduledSeconds: Double, durationMs: Double, memoryMB: Int) {
        self.index = index
        self.function = function
        self.app = app
        self.scheduledSeconds = scheduledSeconds
        self.durationMs = durationMs
        self.memoryMB = memoryMB
    }

    /// The request body: `{"durationMs":…,"index":…,"memoryMB":…}`, keys sorted, durations to the µs.
    public var body: Data {
        Data("{\"durationMs\":\(String(format: "%.3f", durationMs)),\"index\":\(index),\"memoryMB\":\(memoryMB)}".utf8)
    }
}

/// What happened to one call.
public struct GatewayOutcome: Sendable, Equatable {
    public var index: Int
    public var scheduledSeconds: Double
    /// When the request was handed to the HTTP client (seconds from the replay's start), or when
    /// it was dropped.
    public var startedSeconds: Double
    /// From handing the request over to the last byte of the answer (or the failure).
    public var responseMs: Double
    /// The HTTP status, when an answer came.
    public var status: Int?
    /// `ok` (2xx), `http-NNN`, `timeout`, `connection-refused`, `connection-lost`,
    /// `too-many-in-flight` (dropped: the concurrency bound was full and the overflow policy is
    /// `drop`), or `error` with `detail`.
    public var outcome: String
    /// The concurrency bound was full at the call's scheduled time, so it left late (or was dropped).
    public var waitedForSlot: Bool
    /// Bytes of the answer's body.
    public var bytes: Int
    /// The client's message for `error` outcomes, empty otherwise.
    public var detail: String

    public init(index: Int, scheduledSeconds: Double, startedSeconds: Double, responseMs: Double, status: Int?,
                outcome: String, waitedForSlot: Bool = false, bytes: Int = 0, detail: String = "") {
        self.index = index
        self.scheduledSeconds = scheduledSeconds
        self.startedSeconds = startedSeconds
        self.responseMs = responseMs
        self.status = status
        self.outcome = outcome
        self.waitedForSlot = waitedForSlot
        self.bytes = bytes
        self.detail = detail
    }

    /// How late the request left against its schedule, in milliseconds.
    public var latenessMs: Double { max(0, startedSeconds - scheduledSeconds) * 1000 }

    /// The outcome name for an HTTP status.
    public static func name(status: Int) -> String { (200..<300).contains(status) ? "ok" : "http-\(status)" }
}
