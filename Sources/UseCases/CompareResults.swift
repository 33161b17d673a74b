import Compare
import Foundation
import Logging
import Results

/// Output formats of a comparison.
public enum CompareFormat: String, Sendable, CaseIterable {
    case markdown, json
}

/// `placer compare BASE HEAD`: what a change of deployment (or of trace) does to cost, latency,
/// placement, compliance and lock-in, judged against CI thresholds (module Compare, docs/ci.md).
public enum CompareResults {
    /// The two sides, the thresholds and how to write the comparison.
    public struct Request: Sendable {
        /// A result JSON or a deployment file, each.
        public var base: String
        /// The other side: a result JSON or a deployment file.
        public var head: String
        /// The trace deployment files are simulated over.
        public var trace: [String] = []
        /// The trace for BASE when the change is to the trace itself (empty: `trace`).
        public var baseTrace: [String] = []
        /// Seed for arrival times, durations and cold starts.
        public var seed: UInt64 = 1
        /// Compare (and simulate) only these targets (empty: every target).
        public var targets: [String] = []
        /// The CI thresholds to check.
        public var thresholds = Thresholds()
        /// What counts as a change.
        public var materiality = Materiality()
        /// Nothing at all when nothing material changed and no threshold is breached.
        public var onlyIfChanged = false
        /// The short form: thresholds, per-target cost and p99, and counts.
        public var summaryOnly = false
        /// Rows in the per-function table.
        public var top = 10
        /// Fall back to the summary when the markdown would be longer than this many bytes.
        public var maxSize: Int?
        /// Markdown or JSON.
        public var format: CompareFormat = .markdown
        /// Write the comparison here (nil: return it for the front end to show).
        public var out: String?
        /// A folder of profiles for simulating deployment files.
        public var catalog: String?
        /// Apply free grants when simulating deployment files.
        public var freeTier = true

        /// A request with what most callers set; the rest keep their defaults.
        public init(base: String, head: String, trace: [String] = []) {
            self.base = base
            self.head = head
            self.trace = trace
        }
    }

    /// The comparison's text (nil when `onlyIfChanged` found nothing to say), whether it was
    /// written to `out`, and the thresholds breached.
    public struct Outcome: Sendable {
        /// The comparison (nil: nothing to say).
        public var text: String?
        /// Whether it was written to the request's `out`.
        public var written: Bool
        /// Every threshold checked.
        public var checks: [ThresholdCheck]
        /// The thresholds breached.
        public var breached: [ThresholdCheck] { checks.filter(\.breached) }
    }

    /// Reads (or simulates) both sides, compares them and writes the comparison if asked.
    public static func run(_ request: Request, progress: some ProgressObserver = IgnoringProgress()) throws -> Outcome {
        let baseResult = try load(request.base, side: "BASE", trace: request.baseTrace.isEmpty ? request.trace : request.baseTrace,
                                  request, progress: progress)
        let headResult = try load(request.head, side: "HEAD", trace: request.trace, request, progress: progress)
        let diff = ResultDiff(base: baseResult, head: headResult, baseName: request.base, headName: request.head,
                              materiality: request.materiality, targets: request.targets)
        let checks = request.thresholds.evaluate(diff)
        if request.onlyIfChanged, !diff.isMaterial, !checks.contains(where: \.breached) {
            if let out = request.out, FileManager.default.fileExists(atPath: out) {
                // No output means no file: a stale comment from an earlier run must not be posted.
                try? FileManager.default.removeItem(atPath: out)
            }
            return Outcome(text: nil, written: false, checks: checks)
        }
        let text: String
        switch request.format {
        case .markdown:
            let full = DiffMarkdown.render(diff, checks: checks, summaryOnly: request.summaryOnly, top: request.top)
            if let maxSize = request.maxSize, !request.summaryOnly, full.utf8.count > maxSize {
                text = DiffMarkdown.render(diff, checks: checks, summaryOnly: true, top: request.top)
                    + "\n_The full comparison is longer than \(maxSize) bytes: run `placer compare` without `--max-size` to see it._\n"
            } else {
                text = full
            }
        case .json: text = DiffJSON.render(diff, checks: checks)
        }
        if let out = request.out { try Outputs.write(text, to: out, what: "the comparison") }
        return Outcome(text: text, written: request.out != nil, checks: checks)
    }

    /// A result JSON read back, or a deployment file simulated over the trace.
    static func load(_ path: String, side: String, trace: [String], _ request: Request,
                     progress: some ProgressObserver) throws -> ResultDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UseCaseError.badInput("\(path): cannot read this file")
        }
        let firstByte = data.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let ext = (path as NSString).pathExtension.lowercased()
        let isResult = firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[") || ext == "json"
        if isResult {
            logger.debug("\(side) \(path): a result file")
            do { return try ResultDocument.parse(data, file: path) } catch let error as ResultError {
                throw UseCaseError.badInput(InvisibleText.terminalLine(error.description))
            }
        }
        guard !trace.isEmpty else {
            throw UseCaseError.usage("\(side) \(path) is a deployment file: give --trace to simulate it over (or pass a result JSON)")
        }
        let run = try SimulationRun.run(SimulationRequest(paths: trace, targets: request.targets, deployment: path, seed: request.seed,
                                                          catalog: request.catalog, freeTier: request.freeTier), progress: progress)
        do { return try ResultDocument.parse(Data(run.result.json().utf8), file: path) } catch let error as ResultError {
            throw UseCaseError.failure("\(error)")
        }
    }
}
