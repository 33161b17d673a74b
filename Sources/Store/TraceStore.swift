import Foundation
import GRDB
import Traces

/// The SQLite store of one trace (any number of files), through GRDB over the system libsqlite3.
///
/// Each file is ingested in one transaction: a killed or failed ingest leaves the database as it
/// was before that file. Several processes may share one database (`docs/schema.md`, "Several
/// processes"): in WAL mode a reader sees the files committed when its read began, whole, while
/// one writer adds more; a second writer waits up to `wait` seconds for the first, then gives
/// up with `StoreError.busy`.
public final class TraceStore {
    let writer: DatabaseQueue
    /// True while this store uses the database in SQLite's rollback-journal mode: while the
    /// first file of a database it created is ingested (`ingest(path:)`), or when another process
    /// was writing one that way as this store opened it (docs/schema.md).
    var rollbackMode: Bool
    /// True from the creation of a new database until this store ingests its first file.
    var firstFileOfNewDatabase: Bool
    /// Where the database lives, or nil in memory.
    public let path: String?
    /// How long a write (or the rare read that needs a lock) waits for another process, seconds.
    public let wait: Double

    /// How long another process's write is waited for when the caller does not say, seconds:
    /// long enough for a large file's ingest to commit, short enough that a stuck one is reported.
    public static let defaultWait: Double = 60

    /// The page size of a database Placer creates, bytes. Not larger: SQLite keeps a statement
    /// journal in memory up to 64 KiB and writes the rest to a temporary file, and with 32 or
    /// 64 KiB pages one or two pages of an `UPDATE` or a migration already spill (docs/schema.md).
    static let newPageSize = 16_384
    /// The WAL size past which a commit checkpoints it: SQLite's default, 1,000 pages of 4 KiB.
    static let checkpointBytes = 4_096_000

    /// Opens (creating and migrating as needed) the database at `path`, waiting up to `wait`
    /// seconds for another process that holds it.
    public init(path: String, wait: Double = TraceStore.defaultWait) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(wait)
        let creating = !FileManager.default.fileExists(atPath: path)
        configuration.prepareDatabase { db in
            // A new database gets 16 KiB pages: its bulk is invocation blocks of up to 8 MB a
            // column, which 4 KiB pages cut into 2,000 pages each, every one a write into the WAL
            // and another out of it (docs/performance.md, "Third pass"). No effect on an existing
            // database, whose page size is fixed once it is in WAL mode.
            try db.execute(sql: "PRAGMA page_size = \(Self.newPageSize)")
            // A whole file is one transaction: keep its pages in memory instead of spilling.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // WAL, set only where it is not yet: setting it takes a lock a running ingest holds.
            // It fails at once while another process writes a new database's first file in
            // rollback mode (`ingest(path:)`: SQLite sees two locks that would wait for each
            // other); this store then reads and writes in rollback mode too, and a write waits
            // for that file as it would in WAL mode.
            var wal = try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal"
            if !wal { wal = (try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")) == "wal" }
            // Rollback mode needs full syncs for the safety normal syncs give in WAL mode against
            // a crash or power loss (a file is there whole or not at all).
            try db.execute(sql: "PRAGMA synchronous = \(wal ? "NORMAL" : "FULL")")
            // The WAL is copied into the database (checkpointed) by the commit that takes it past
            // SQLite's default of 1,000 pages of 4 KiB, whatever this database's page size.
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(1, Self.checkpointBytes / max(pageSize, 512)))")
        }
        self.path = path
        self.wait = wait
        firstFileOfNewDatabase = creating
        do {
            writer = try DatabaseQueue(path: path, configuration: configuration)
            rollbackMode = try writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } != "wal"
            try Self.migrateIfNeeded(writer, path: path)
        } catch let error as DatabaseError {
            throw Self.storeError(error, path: path, wait: wait, database: nil)
        }
    }

    /// A database in memory, for `inspect` of plain files and for tests.
    public init() throws {
        writer = try DatabaseQueue()
        rollbackMode = false
        firstFileOfNewDatabase = false
        try Schema.migrator.migrate(writer)
        path = nil
        wait = 0
    }

    /// True when the file at `path` starts with SQLite's magic header.
    public static func isDatabase(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let magic = try? handle.read(upToCount: 16) else { return false }
        return magic == Data("SQLite format 3\0".utf8)
    }

    /// Migrates only when a migration is missing, so that a reader never needs the write lock a
    /// running ingest holds; refuses a database whose schema is newer than this Placer's.
    private static func migrateIfNeeded(_ writer: DatabaseQueue, path: String) throws {
        let migrator = Schema.migrator
        let (applied, complete) = try writer.read { db in
            (try migrator.appliedIdentifiers(db), try migrator.hasCompletedMigrations(db))
        }
        let unknown = applied.subtracting(migrator.migrations)
        if !unknown.isEmpty {
            throw StoreError.newerSchema(path: path, version: max(Schema.version(of: unknown), Schema.version + 1), supported: Schema.version)
        }
        if !complete { try migrator.migrate(writer) }
    }

    /// Puts a database no other connection has open into rollback-journal mode, with full syncs
    /// (for the first file of a new database: `ingest(path:)`); stays in WAL mode otherwise.
    func switchToRollback() {
        guard !rollbackMode else { return }
        try? writer.writeWithoutTransaction { db in
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete" else { return }
            rollbackMode = true
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
    }

    /// Puts the database into WAL mode (with normal syncs) after an ingest in rollback mode. Should
    /// it fail (another process holds a lock past the wait), or the process die before it, the
    /// next store to open the database does it.
    func switchToWAL() {
        guard rollbackMode else { return }
        try? writer.writeWithoutTransaction { db in
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else { return }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            rollbackMode = false
        }
    }

    /// A read transaction, with SQLite's errors turned into `StoreError`s.
    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as DatabaseError {
            throw Self.storeError(error, path: path ?? ":memory:", wait: wait, database: writer)
        }
    }

    /// A write transaction (immediate: it waits for another writer up front, never half-way),
    /// with SQLite's errors turned into `StoreError`s.
    func writing<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.write(body) } catch let error as DatabaseError {
            throw Self.storeError(error, path: path ?? ":memory:", wait: wait, database: writer)
        }
    }

    /// SQLite's error in the user's terms: busy (another process holds the lock past the wait),
    /// corrupt (with SQLite's own diagnosis), or unusable (with SQLite's message).
    static func storeError(_ error: DatabaseError, path: String, wait: Double, database: DatabaseQueue?) -> StoreError {
        switch error.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy(path: path, waited: wait)
        case .SQLITE_NOTADB where !isDatabase(path: path):
            return .unusableDatabase(path: path, reason: error.message ?? "\(error)")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .corrupt(path: path, diagnosis: IntegrityCheck.run(path: path, database: database, fallback: error.message ?? "\(error)"))
        default:
            return .unusableDatabase(path: path, reason: error.message ?? "\(error)")
        }
    }
}

/// Problems with the database itself (not with a trace).
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// SQLite could not use the file (its message).
    case unusableDatabase(path: String, reason: String)
    /// Another process held the database for longer than `waited` seconds.
    case busy(path: String, waited: Double)
    /// The file is damaged; SQLite's `PRAGMA integrity_check` lines (or its error where the check
    /// cannot run at all).
    case corrupt(path: String, diagnosis: [String])
    /// The database was written by a newer Placer, whose schema this one does not know.
    case newerSchema(path: String, version: Int, supported: Int)

    public var description: String {
        switch self {
        case .unusableDatabase(let path, let reason):
            return "\(path): cannot use this database: \(reason)"
        case .busy(let path, let waited):
            return "another placer is writing \(path) (waited \(Self.seconds(waited)) s; "
                + "--wait SECONDS or PLACER_DB_WAIT=SECONDS waits longer)"
        case .corrupt(let path, let diagnosis):
            return "\(path): the database is corrupt: \(diagnosis.first ?? "unknown damage") "
                + "(sqlite integrity_check); restore it or ingest the trace into a new --db"
        case .newerSchema(let path, let version, let supported):
            return "\(path): written by a newer Placer (database schema v\(version)); this Placer reads up to "
                + "schema v\(supported): use a newer Placer, or ingest the trace into another --db"
        }
    }

    /// The lines after the message: the rest of SQLite's diagnosis of a corrupt database.
    public var notes: [String] {
        guard case .corrupt(_, let diagnosis) = self, diagnosis.count > 1 else { return [] }
        return diagnosis.dropFirst().map { "sqlite: \($0)" }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
