/// A use case that could not finish, in words the user can act on, and what kind of trouble it
/// was: a front end turns the kind into its own signal (the CLI: an exit status).
public struct UseCaseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, from the user's side.
    public enum Kind: Sendable, Equatable {
        /// The request itself is wrong: an unknown target, an option out of range, a missing option.
        case usage
        /// An input file is broken or unreadable: a trace, a deployment, a catalog, a result.
        case badInput
        /// An output cannot be written where it was asked for.
        case cannotCreate
        /// Something held for a while by another process (a database another placer writes):
        /// the same command may succeed later.
        case temporaryFailure
        /// Anything else that stopped the work.
        case failure
    }

    /// What kind of trouble it was.
    public var kind: Kind
    /// One line, without the `error:` a front end puts before it.
    public var message: String
    /// Lines that follow the message (e.g. what an interrupted ingest left in the database).
    public var notes: [String]

    /// An error of `kind` with `message` and any `notes`.
    public init(_ kind: Kind, _ message: String, notes: [String] = []) {
        self.kind = kind
        self.message = message
        self.notes = notes
    }

    /// The message.
    public var description: String { message }
}

extension UseCaseError {
    static func usage(_ message: String) -> Self { Self(.usage, message) }
    static func badInput(_ message: String) -> Self { Self(.badInput, message) }
    static func cannotCreate(_ message: String) -> Self { Self(.cannotCreate, message) }
    static func failure(_ message: String) -> Self { Self(.failure, message) }
}
