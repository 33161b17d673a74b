import Deployment
import Executor
import Foundation
import Logging
import Pricing
import Store
import Traces

/// The files a use case reads, loaded the one way every use case loads them: a broken or
/// missing one is a `UseCaseError` with the file in its message.
public enum Inputs {
    /// The bundled catalog with the user's folder of profiles added (`--catalog`).
    public static func catalog(_ directory: String?) throws -> Catalog {
        do {
            var catalog = try Catalog.bundled()
            if let directory { catalog = try catalog.adding(directory: URL(fileURLWithPath: directory)) }
            logger.debug("catalog: \(catalog.ids.count) targets\(directory.map { ", bundled and \($0)" } ?? ", bundled")")
            return catalog
        } catch let error as CatalogError {
            throw UseCaseError.badInput("\(error)")
        }
    }

    /// The deployment file, if one was named; a broken one is bad input with its file and line.
    public static func deployment(_ path: String?) throws -> Deployment? {
        guard let path else { return nil }
        do {
            let deployment = try Deployment.load(path: path)
            logger.debug("deployment \(path): \(deployment.targets.count) targets")
            return deployment
        } catch {
            throw UseCaseError.badInput("\(error)")
        }
    }

    /// A machine profile written by `placer calibrate`, if one was named.
    public static func calibration(_ path: String?) throws -> Calibration? {
        do { return try path.map { try Calibration.read(path: $0) } } catch { throw UseCaseError.badInput("\(error)") }
    }

    /// What `--calibration FILE` names: this machine measured (`placer calibrate`), or a target's
    /// keep-alive and cold start fitted to a trace (`placer calibrate --from`).
    public enum CalibrationFile: Sendable {
        case machine(Calibration)
        case observed(ObservedCalibration)
    }

    /// The calibration file named, of either kind (told apart by its `schema`).
    public static func calibrationFile(_ path: String?) throws -> CalibrationFile? {
        guard let path else { return nil }
        do {
            if ObservedCalibration.declares(path: path) { return .observed(try ObservedCalibration.read(path: path)) }
            return .machine(try Calibration.read(path: path))
        } catch { throw UseCaseError.badInput("\(error)") }
    }

    /// Folders expanded into the trace files beneath them (sorted, so runs are reproducible).
    public static func traceFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw UseCaseError.badInput("\(path): no such file or folder")
            }
            guard isDirectory.boolValue else { files.append(path); continue }
            let found = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { name in
                    let base = (name as NSString).lastPathComponent
                    return !base.hasPrefix(".") && [".csv", ".log", ".tsv", ".txt"].contains { base.hasSuffix($0) }
                }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            if found.isEmpty { throw UseCaseError.badInput("\(path): no trace files (.csv, .log, .tsv, .txt) in this folder") }
            files += found
        }
        return files
    }

    /// The environment variable that sets how long a database held by another placer is waited
    /// for, seconds, in every command (`ingest --wait` overrides it).
    public static let databaseWaitVariable = "PLACER_DB_WAIT"

    /// How long to wait for a database another process holds: `override`, else
    /// `PLACER_DB_WAIT`, else `TraceStore.defaultWait` seconds.
    static func databaseWait(_ override: Double?) throws -> Double {
        if let override {
            guard override.isFinite, override >= 0, override <= 86_400 else {
                throw UseCaseError.usage("--wait must be between 0 and 86400 seconds, not \(override)")
            }
            return override
        }
        guard let text = ProcessInfo.processInfo.environment[databaseWaitVariable] else { return TraceStore.defaultWait }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= 86_400 else {
            throw UseCaseError.usage("\(databaseWaitVariable) must be a number of seconds between 0 and 86400, not \"\(text)\"")
        }
        return seconds
    }

    /// The SQLite store at `path`, made if it is not there, waiting up to `wait` seconds (nil:
    /// `databaseWait`'s default) for another placer that holds it.
    public static func store(_ path: String, wait override: Double? = nil) throws -> TraceStore {
        let wait = try databaseWait(override)
        do { return try TraceStore(path: path, wait: wait) } catch {
            throw UseCaseError(store: error) ?? .badInput("\(error)")
        }
    }

    /// The trace the user named: a database written by `placer ingest`, or trace files and
    /// folders read into an in-memory store (warnings about skipped rows go to `progress`).
    public static func trace(_ paths: [String], format: TraceFormat? = nil, skipInvalidRows: Bool = false,
                             progress: some ProgressObserver = IgnoringProgress()) throws -> TraceStore {
        if paths.count == 1, TraceStore.isDatabase(path: paths[0]) {
            logger.debug("trace: the database \(paths[0])")
            return try store(paths[0])
        }
        let store: TraceStore
        do { store = try TraceStore() } catch { throw UseCaseError.failure("\(error)") }
        let options = ReadOptions(format: format, skipInvalidRows: skipInvalidRows)
        for file in try traceFiles(paths) {
            logger.debug("trace: reading \(file) into memory")
            do {
                if case .ingested(let summary) = try store.ingest(path: file, options: options) {
                    for warning in summary.warnings { progress.warning("\(file): \(warning)") }
                    if summary.skippedCount > 0 { progress.warning(IngestedFile.line(file: file, summary)) }
                }
            } catch let error as TraceError {
                throw UseCaseError.badInput("\(error)")
            } catch {
                throw UseCaseError.badInput("\(file): \(error)")
            }
        }
        return store
    }

    /// A period written `7d`, `12h`, `90m` or `3600s`, in seconds; anything else is a usage error.
    public static func period(_ text: String) throws -> Double {
        let units: [(String, Double)] = [("d", 86_400), ("h", 3_600), ("min", 60), ("m", 60), ("s", 1)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value.isFinite, value > 0 { return value * seconds }
        }
        throw UseCaseError.usage("--period \(text): expected a positive number with d, h, m or s, e.g. 7d")
    }

    /// Today's date, `2026-12-04` (UTC): when a deployment's overrides of a profile were read.
    static func today() -> String {
        ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
    }
}
