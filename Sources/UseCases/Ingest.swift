import Formatting
import Store
import Traces

/// One file of an ingest: read into the store, or skipped because the store holds it already.
public struct IngestedFile: Sendable {
    /// How the file went.
    public enum Outcome: Sendable {
        case ingested(ReadSummary)
        case alreadyIngested(previous: String)
    }

    /// The file as named.
    public var path: String
    /// What happened to it.
    public var outcome: Outcome

    /// What `placer ingest` prints for it: `FILE: azure2019 invocations, day 1, 1,234 rows`.
    public var line: String {
        switch outcome {
        case .ingested(let summary): return Self.line(file: path, summary)
        case .alreadyIngested(let previous): return "\(path): already ingested (as \(previous)), skipped"
        }
    }

    /// A read's one-line summary: format, kind, day, rows, and any rows skipped with why.
    public static func line(file: String, _ s: ReadSummary) -> String {
        var text = "\(file): \(s.format.rawValue) \(s.kind)"
        if let day = s.day { text += ", day \(day)" }
        text += ", " + Numbers.counted(s.rows, "row")
        if s.skippedCount > 0 {
            let reasons = s.skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            text += "; skipped \(s.skippedCount) invalid rows (\(reasons))"
            if let first = s.skippedExamples.first { text += "; first: \(first)" }
        }
        return text
    }
}

/// `placer ingest`: trace files (or folders of them) read into the SQLite store, one
/// transaction per file; a file read before is skipped; a bad file stops the run and leaves the
/// store as it was before that file.
public enum Ingest {
    /// What to read, and into which database.
    public struct Request: Sendable {
        /// The file as named.
        public var paths: [String]
        /// The database file (made if missing).
        public var database: String
        /// A format forced on trace files (nil: detected from each file).
        public var format: TraceFormat?
        /// Skip rows with bad values (reported by reason) instead of stopping.
        public var skipInvalidRows: Bool
        /// How long to wait for another placer writing the database, seconds (nil: `PLACER_DB_WAIT`,
        /// else 60); past it the ingest stops with a temporary failure.
        public var wait: Double?

        /// A request with what most callers set; the rest keep their defaults.
        public init(paths: [String], database: String = "placer.db", format: TraceFormat? = nil, skipInvalidRows: Bool = false, wait: Double? = nil) {
            self.wait = wait
            self.paths = paths
            self.database = database
            self.format = format
            self.skipInvalidRows = skipInvalidRows
        }
    }

    /// Reads every file in order; each one done is an `.ingested` event, then its warnings.
    public static func run(_ request: Request, progress: some ProgressObserver = IgnoringProgress()) throws -> [IngestedFile] {
        let files = try Inputs.traceFiles(request.paths)
        let store = try Inputs.store(request.database, wait: request.wait)
        let options = ReadOptions(format: request.format, skipInvalidRows: request.skipInvalidRows)
        var done: [IngestedFile] = []
        for (index, file) in files.enumerated() {
            let outcome: IngestedFile.Outcome
            do {
                switch try store.ingest(path: file, options: options) {
                case .alreadyIngested(let previous): outcome = .alreadyIngested(previous: previous)
                case .ingested(let summary): outcome = .ingested(summary)
                }
            } catch let error as TraceError {
                let notes = index > 0 ? ["the \(index) files before it are in \(request.database); fix this one and run again (ingested files are skipped)"] : []
                throw UseCaseError(.badInput, "\(error)", notes: notes)
            } catch let error as StoreWriteError {
                let notes = index > 0 ? ["the \(index) files before it are in \(request.database); free space and run again (ingested files are skipped)"] : []
                throw UseCaseError(.cannotCreate, "\(error)", notes: notes)
            } catch let error as StoreError {
                var failure = UseCaseError(store: error) ?? .failure("\(error)")
                if index > 0 { failure.notes.append("the \(index) files before it are in \(request.database); run again to add the rest (ingested files are skipped)") }
                throw failure
            }
            let ingested = IngestedFile(path: file, outcome: outcome)
            progress.observe(.ingested(ingested))
            if case .ingested(let summary) = outcome {
                for warning in summary.warnings { progress.warning("\(file): \(warning)") }
            }
            done.append(ingested)
        }
        return done
    }
}
