import GRDB

/// The SQLite schema, as named migrations. A migration is frozen once released: change the
/// schema by adding a new one. `docs/schema.md` documents every table for `sqlite3` users.
enum Schema {
    /// The schema version this Placer writes and reads: the number of its newest migration
    /// (identifiers start `vN:`). A database with a higher one came from a newer Placer.
    static var version: Int { version(of: Set(migrator.migrations)) }

    /// The highest `vN:` among migration identifiers; 0 when none says.
    static func version(of identifiers: Set<String>) -> Int {
        let numbers = identifiers.compactMap { identifier -> Int? in
            guard identifier.first == "v", let colon = identifier.firstIndex(of: ":") else { return nil }
            return Int(identifier[identifier.index(after: identifier.startIndex)..<colon])
        }
        return numbers.max() ?? 0
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: traces") { db in
            try db.execute(sql: """
                CREATE TABLE trace_file (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,            -- file name as given
                    path TEXT NOT NULL,            -- path as given on the command line
                    format TEXT NOT NULL,          -- azure2019, azure2021, huawei, lambda-log, lambda-insights, invocations
                    kind TEXT NOT NULL,            -- e.g. invocations, durations, memory, function_delay
                    day INTEGER,                   -- trace day the file covers, where known (1-based)
                    clock TEXT NOT NULL,           -- relative | epoch | none
                    bytes INTEGER NOT NULL,
                    fingerprint TEXT NOT NULL UNIQUE,
                    rows INTEGER NOT NULL,
                    skipped_rows INTEGER NOT NULL,
                    ingested_at TEXT NOT NULL
                );
                CREATE TABLE app (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,      -- HashApp, or the function name where a format has no apps
                    owner TEXT                     -- HashOwner (Azure 2019)
                );
                CREATE TABLE function (
                    id INTEGER PRIMARY KEY,
                    app_id INTEGER NOT NULL REFERENCES app(id),
                    key TEXT NOT NULL,             -- HashFunction, func, or function name
                    trigger TEXT,                  -- http, timer, event, queue, storage, orchestration, others
                    UNIQUE (app_id, key)
                );
                -- Per-minute series, sparse: one row per function, metric and file span, holding only
                -- the non-empty minutes as a JSON array of [minute, value] pairs. The view
                -- minute_value expands them to one row per minute.
                CREATE TABLE minute_series (
                    function_id INTEGER NOT NULL REFERENCES function(id),
                    metric TEXT NOT NULL,          -- invocations (counts) | function_delay (ms) | ...
                    first_minute INTEGER NOT NULL, -- minutes since the trace start (day 1, 00:00 = 0)
                    last_minute INTEGER NOT NULL,
                    total REAL NOT NULL,           -- sum of the values
                    points TEXT NOT NULL,          -- JSON [[minute, value], ...], minutes ascending
                    file_id INTEGER NOT NULL REFERENCES trace_file(id)
                );
                CREATE INDEX minute_series_by_function ON minute_series(function_id, metric, first_minute);
                CREATE VIEW minute_value AS
                    SELECT s.function_id, s.metric,
                           json_extract(p.value, '$[0]') AS minute,
                           json_extract(p.value, '$[1]') AS value
                    FROM minute_series s, json_each(s.points) p;
                CREATE TABLE duration_percentiles (
                    function_id INTEGER NOT NULL REFERENCES function(id),
                    day INTEGER NOT NULL,
                    average_ms REAL NOT NULL,
                    count INTEGER NOT NULL,        -- executions covered; need not equal the per-minute sum
                    minimum_ms REAL,               -- NULL where the trace left it empty
                    maximum_ms REAL,
                    p0_ms REAL NOT NULL, p1_ms REAL NOT NULL, p25_ms REAL NOT NULL, p50_ms REAL NOT NULL,
                    p75_ms REAL NOT NULL, p99_ms REAL NOT NULL, p100_ms REAL NOT NULL,
                    file_id INTEGER NOT NULL REFERENCES trace_file(id)
                );
                CREATE INDEX duration_percentiles_by_function ON duration_percentiles(function_id, day);
                CREATE TABLE memory_percentiles (
                    app_id INTEGER NOT NULL REFERENCES app(id),
                    day INTEGER NOT NULL,
                    sample_count INTEGER NOT NULL,
                    average_mb REAL NOT NULL,
                    p1_mb REAL NOT NULL, p5_mb REAL NOT NULL, p25_mb REAL NOT NULL, p50_mb REAL NOT NULL,
                    p75_mb REAL NOT NULL, p95_mb REAL NOT NULL, p99_mb REAL NOT NULL, p100_mb REAL NOT NULL,
                    file_id INTEGER NOT NULL REFERENCES trace_file(id)
                );
                CREATE INDEX memory_percentiles_by_app ON memory_percentiles(app_id, day);
                CREATE TABLE invocation (
                    function_id INTEGER NOT NULL REFERENCES function(id),
                    start_s REAL,                  -- seconds: since the trace start, or the Unix epoch (trace_file.clock)
                    duration_ms REAL NOT NULL,
                    memory_mb REAL,                -- configured memory
                    max_memory_mb REAL,            -- peak used, where reported
                    init_ms REAL,                  -- init (cold start) time, where reported
                    cpu_ms REAL,
                    billed_ms REAL,
                    file_id INTEGER NOT NULL REFERENCES trace_file(id)
                );
                CREATE INDEX invocation_by_function ON invocation(function_id, start_s);
                """)
        }
        migrator.registerMigration("v2: invocation.cold") { db in
            // Whether a call was a cold start, where the trace says: 1 cold, 0 warm, NULL unknown.
            // Rows ingested before it: an init time marks a cold start; a Lambda REPORT line without
            // one was warm; anything else stays unknown.
            try db.execute(sql: """
                ALTER TABLE invocation ADD COLUMN cold INTEGER;
                UPDATE invocation SET cold = 1 WHERE init_ms IS NOT NULL;
                UPDATE invocation SET cold = 0 WHERE init_ms IS NULL
                    AND file_id IN (SELECT id FROM trace_file WHERE format = 'lambda-log');
                """)
        }
        migrator.registerMigration("v3: invocation blocks") { db in
            // Per-invocation rows packed per function and file, in replay order (InvocationBlocks):
            // a replay reads them as blobs instead of sorting the rows. The rows stay for sqlite3
            // users and the other queries; their index on (function_id, start_s) served only the
            // replay's sort and slowed every ingest.
            try db.execute(sql: """
                CREATE TABLE invocation_block (
                    function_id INTEGER NOT NULL REFERENCES function(id),
                    file_id INTEGER NOT NULL REFERENCES trace_file(id),
                    seq INTEGER NOT NULL,          -- 0, 1, ...: a function's blocks of one file, in order
                    timed INTEGER NOT NULL,        -- 1: calls with a start time; 0: calls without one
                    calls INTEGER NOT NULL,
                    starts BLOB,                   -- calls x float64 little-endian, seconds, ascending (NULL when untimed)
                    durations BLOB NOT NULL,       -- calls x float64 little-endian, ms (ties in start ascending)
                    cpu_ms BLOB,                   -- calls x float64 little-endian, NaN where unknown; NULL when none known
                    memory_mb REAL,                -- largest configured memory among the calls
                    max_memory_peak_mb REAL,       -- largest peak memory used (Lambda's Max Memory Used)
                    max_memory_sum_mb REAL NOT NULL,
                    max_memory_calls INTEGER NOT NULL,
                    UNIQUE (function_id, timed, file_id, seq)
                );
                DROP INDEX IF EXISTS invocation_by_function;
                """)
            // Its blocks were packed here from the rows; v4 now packs every column, so it does.
        }
        migrator.registerMigration("v4: invocations in blocks only") { db in
            // Every per-call column moves into the blocks (NULL where no call of the block has it),
            // and the row table goes: one SQLite row per call cost ingest ~2 µs a call, 60 % of it
            // (docs/performance.md). The rows of an older database are packed first.
            try db.execute(sql: """
                ALTER TABLE invocation_block ADD COLUMN call_memory_mb BLOB;     -- configured memory per call, NaN where unknown
                ALTER TABLE invocation_block ADD COLUMN call_max_memory_mb BLOB; -- peak memory used per call, NaN where unknown
                ALTER TABLE invocation_block ADD COLUMN init_ms BLOB;            -- init time per call, NaN where none
                ALTER TABLE invocation_block ADD COLUMN billed_ms BLOB;          -- billed duration per call, NaN where unknown
                ALTER TABLE invocation_block ADD COLUMN cold BLOB;               -- 1 cold, 0 warm, NaN where the trace does not say
                DELETE FROM invocation_block;
                """)
            try InvocationBlocks.build(from: db)
            try db.execute(sql: "DROP TABLE invocation")
        }
        return migrator
    }
}
