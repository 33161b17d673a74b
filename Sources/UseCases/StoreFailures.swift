import Store

extension UseCaseError {
    /// A database's trouble as a use case's: another process holding it past the wait is a
    /// temporary failure (try again later); a corrupt, newer or unusable database is bad input,
    /// with SQLite's diagnosis as notes. Nil for an error that is not the database's.
    public init?(store error: any Error) {
        guard let error = error as? StoreError else { return nil }
        switch error {
        case .busy: self.init(.temporaryFailure, error.description)
        case .corrupt, .newerSchema, .unusableDatabase: self.init(.badInput, error.description, notes: error.notes)
        }
    }

    /// An error met while reading a trace: the database's own as above, anything else bad input
    /// after `context` (e.g. "cannot read the trace").
    static func reading(_ error: any Error, context: String) -> UseCaseError {
        if let error = error as? UseCaseError { return error }
        return UseCaseError(store: error) ?? .badInput("\(context): \(error)")
    }
}
