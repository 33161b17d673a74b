/// One parser that a stranger's bytes reach, as libFuzzer and the regression tests drive it.
///
/// A target takes any bytes and reports what the parser made of them. The parser may accept the
/// bytes or refuse them with its own error type and a one-line message; anything else (another
/// error type, a message over several lines) is a `violation`. A trap, a hang or a leak shows
/// itself to the fuzzer directly. `scripts/fuzz.sh` runs every target; docs/fuzzing.md lists them.
public struct FuzzTarget: Sendable {
    /// The target's name: the fuzz executable is `fuzz-<name>`, its seeds `fuzz/corpus/<name>`.
    public let name: String
    /// What the target feeds the bytes to.
    public let summary: String
    let body: @Sendable ([UInt8]) -> FuzzOutcome

    init(_ name: String, _ summary: String, _ body: @escaping @Sendable ([UInt8]) -> FuzzOutcome) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    /// Feeds `bytes` to the parser.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome { body(bytes) }

    /// Every target, in the order `scripts/fuzz.sh` runs them.
    public static let all: [FuzzTarget] = TraceTargets.all + [
        ConfigurationTargets.deployment, ConfigurationTargets.profile,
        ResultTargets.result, WorkerProtocolTarget.line, GatewayResponseTarget.response,
    ]

    /// The target called `name`, if there is one.
    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// What a parser made of one input.
public enum FuzzOutcome: Sendable, Equatable {
    /// Read without an error.
    case accepted
    /// Refused with the parser's own error, whose message is this one line.
    case refused(String)
    /// A broken promise: an unexpected error type or a message that is not one line.
    case violation(String)

    /// Checks that a refusal is one non-empty line and classifies it.
    static func refusal(_ message: String) -> FuzzOutcome {
        if message.isEmpty { return .violation("an empty error message") }
        if message.contains(where: { $0 == "\n" || $0 == "\r" }) {
            return .violation("an error message over several lines: \(message.debugDescription)")
        }
        return .refused(message)
    }

    /// Checks a list of issues (a profile's validation): one per line, each naming `file`.
    static func issues(_ message: String, in file: String) -> FuzzOutcome {
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) where !line.contains(file) {
            return .violation("an issue not located in \(file): \(message.debugDescription)")
        }
        return .refused(message)
    }

    /// An error of a type the caller does not turn into a clean message.
    static func unexpected(_ error: any Error) -> FuzzOutcome {
        .violation("unexpected error \(type(of: error)): \(String(describing: error).debugDescription)")
    }
}
