import GRDB

/// SQLite's own diagnosis of a damaged database (`PRAGMA integrity_check`), for the error a
/// user sees instead of a crash or a bare "malformed".
enum IntegrityCheck {
    /// At most this many problem lines are kept: the first few say what is wrong.
    static let maximumLines = 6

    /// The check's lines on `database` (or a fresh read-only connection to `path`); `fallback`
    /// (SQLite's error) when the check cannot run at all, as for a file that is not a database.
    static func run(path: String, database: DatabaseQueue?, fallback: String) -> [String] {
        let check = { (db: Database) throws -> [String] in
            try String.fetchAll(db, sql: "PRAGMA integrity_check(\(maximumLines))")
        }
        var lines: [String]? = nil
        if let database { lines = try? database.read(check) }
        if lines == nil, path != ":memory:" {
            var configuration = Configuration()
            configuration.readonly = true
            lines = try? DatabaseQueue(path: path, configuration: configuration).read(check)
        }
        let found = problems(lines ?? [])
        return found.isEmpty ? [fallback] : found
    }

    /// The check's rows as problem lines: split at line ends, without its "ok" and its
    /// "*** in database main ***" heading, at most `maximumLines`.
    static func problems(_ rows: [String]) -> [String] {
        rows.flatMap { $0.split(separator: "\n").map(String.init) }
            .filter { $0 != "ok" && !$0.hasPrefix("*** in database") }
            .prefix(maximumLines).map { $0 }
    }
}
