import Foundation
import GRDB
import Traces

/// The SQLite store of one trace (any number of files), through GRDB over the system libsqlite3.
///
/// Each file is ingested in one transaction: a killed or failed ingest leaves the database as it
/// was before that file. The rollback journal (SQLite's default) rather than WAL: a bulk load
/// appends new pages, which the rollback journal need not copy, where WAL writes every page twice.
public final class TraceStore {
    let writer: DatabaseQueue
    /// Where the database lives, or nil in memory.
    public let path: String?

    /// Opens (creating and migrating as needed) the database at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A whole file is one transaction: keep its pages in memory instead of spilling.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        do {
            writer = try DatabaseQueue(path: path, configuration: configuration)
            try Schema.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw StoreError.unusableDatabase(path: path, reason: error.message ?? "\(error)")
        }
        self.path = path
    }

    /// A database in memory, for `inspect` of plain files and for tests.
    public init() throws {
        writer = try DatabaseQueue()
        try Schema.migrator.migrate(writer)
        path = nil
    }

    /// True when the file at `path` starts with SQLite's magic header.
    public static func isDatabase(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let magic = try? handle.read(upToCount: 16) else { return false }
        return magic == Data("SQLite format 3\0".utf8)
    }
}

/// Problems with the database itself (not with a trace).
public enum StoreError: Error, CustomStringConvertible {
    case unusableDatabase(path: String, reason: String)

    public var description: String {
        switch self {
        case .unusableDatabase(let path, let reason): "\(path): cannot use this database: \(reason)"
        }
    }
}
