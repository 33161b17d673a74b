import Foundation
import Histogram

/// The per-invocation CSV of a replay and its summary figures.
///
/// Columns take the In-Vitro loader's names (vhive-serverless/loader, `pkg/metric/record.go`)
/// where they mean the same, in its unit (µs): `invocationID`, `startTime`, `requestedDuration`,
/// `responseTime`, `connectionTimeout`, `functionTimeout`; Placer's own columns are snake_case.
/// `startTime` counts from the replay's start (the loader's is wall-clock).
public enum GatewayRecord {
    public static let header = "invocationID,function,app,memory_mb,scheduled_us,startTime,lateness_us,requestedDuration,responseTime,status,outcome,connectionTimeout,functionTimeout,slot_wait,bytes,error"

    /// One line per call, in the calls' order; `outcomes` must be `GatewayReplay.run`'s for `calls`.
    public static func csv(_ calls: [GatewayCall], _ outcomes: [GatewayOutcome]) -> String {
        var out = header + "\n"
        for (call, o) in zip(calls, outcomes) {
            let sent = o.outcome != "too-many-in-flight" && o.outcome != "not-sent"
            let fields: [String] = [
                String(call.index), quoted(call.function), quoted(call.app), String(call.memoryMB),
                micro(call.scheduledSeconds * 1e6), sent ? micro(o.startedSeconds * 1e6) : "",
                sent ? micro(o.latenessMs * 1e3) : "", micro(call.durationMs * 1e3), sent ? micro(o.responseMs * 1e3) : "",
                o.status.map(String.init) ?? "", o.outcome,
                String(o.outcome == "connection-refused" || o.outcome == "connection-lost"), String(o.outcome == "timeout"),
                String(o.waitedForSlot), String(o.bytes), quoted(o.detail),
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    static func micro(_ value: Double) -> String { String(Int64(value.rounded())) }

    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// What a replay did, in figures.
///
/// Percentiles come from HdrHistograms (hdrhistogram-swift) of whole microseconds at three
/// significant digits: a percentile is the nearest-rank value rounded up to the top of its
/// bucket and never past the largest recorded, so it is exact below 2.048 ms and at most 0.1 %
/// (1/1024) above the exact value beyond; the maximum is exact. A histogram's memory depends on
/// the range of values (under 200 KB up to an hour), not on the number of calls.
public struct GatewaySummary: Sendable {
    public var calls: Int
    /// Calls per outcome name, sorted by name.
    public var outcomes: [(String, Int)]
    /// Answers per HTTP status, ascending.
    public var statuses: [(Int, Int)]
    /// Response time of the calls that got an HTTP answer, ms.
    public var responseP50, responseP95, responseP99: Double
    /// How late calls left against their schedule, ms (sent calls).
    public var latenessP50, latenessP99, latenessMax: Double
    /// Calls that waited for a free slot (the concurrency bound).
    public var waitedForSlot: Int
    /// From the first scheduled call to the last answer, seconds.
    public var elapsedSeconds: Double

    public init(_ outcomes: [GatewayOutcome]) {
        calls = outcomes.count
        var byName: [String: Int] = [:], byStatus: [Int: Int] = [:]
        var responses = MillisecondHistogram(), lateness = MillisecondHistogram()
        var end = 0.0
        for o in outcomes {
            byName[o.outcome, default: 0] += 1
            if let status = o.status { byStatus[status, default: 0] += 1; responses.record(o.responseMs) }
            if o.outcome != "too-many-in-flight" && o.outcome != "not-sent" {
                lateness.record(o.latenessMs)
                end = max(end, o.startedSeconds + o.responseMs / 1000)
            }
        }
        self.outcomes = byName.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        statuses = byStatus.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        responseP50 = responses.percentile(50)
        responseP95 = responses.percentile(95)
        responseP99 = responses.percentile(99)
        latenessP50 = lateness.percentile(50)
        latenessP99 = lateness.percentile(99)
        latenessMax = lateness.maximum
        waitedForSlot = outcomes.filter(\.waitedForSlot).count
        elapsedSeconds = end
    }
}

/// Milliseconds kept as whole microseconds in an auto-resizing HdrHistogram, three significant digits.
struct MillisecondHistogram {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)

    /// Records one value (negative ones as 0; at most about 31 years).
    mutating func record(_ ms: Double) {
        let micros = ms.isFinite ? min(max(0, (ms * 1000).rounded()), 1e15) : 1e15
        histogram.record(UInt64(micros))
    }

    /// The value at percentile `p` (0–100) in ms, 0 when nothing was recorded.
    func percentile(_ p: Double) -> Double {
        histogram.totalCount == 0 ? 0 : Double(histogram.valueAtPercentile(p)) / 1000
    }

    /// The largest value recorded, exact to the µs (0 when none).
    var maximum: Double { histogram.totalCount == 0 ? 0 : Double(histogram.maxRecorded) / 1000 }
}
