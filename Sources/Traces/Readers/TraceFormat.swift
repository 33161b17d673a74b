import Foundation

/// The trace formats Placer reads. Each names a family; a reader tells the kinds within it apart
/// by the header (Azure 2019's three file kinds) or the folder (Huawei's metrics).
public enum TraceFormat: String, CaseIterable, Sendable, Codable {
    /// Azure Functions 2019: per-minute invocations, duration percentiles, app memory percentiles.
    case azure2019
    /// Azure Functions 2021: one row per invocation (`app,func,end_timestamp,duration`).
    case azure2021
    /// Huawei Cloud 2023: wide per-minute (or per-second) files, one column per function.
    case huawei
    /// AWS Lambda `REPORT RequestId: …` log lines.
    case lambdaLog = "lambda-log"
    /// CloudWatch Logs Insights CSV export of Lambda REPORT fields.
    case lambdaInsights = "lambda-insights"
    /// Placer's own per-invocation CSV (`timestamp,function,duration_ms[,app,memory_mb,init_ms,cpu_ms]`).
    case invocations

    /// Recognises a format from a file's first line (BOM removed) and its name.
    public static func detect(header: String, fileName: String) -> TraceFormat? {
        let fields = header.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingQuotesAndSpaces() }
        if fields.count >= 3, fields[0] == "HashOwner", fields[1] == "HashApp" { return .azure2019 }
        if fields.count >= 4, Set(fields.prefix(4)) == ["app", "func", "end_timestamp", "duration"] { return .azure2021 }
        if fields.count >= 3, fields[0] == "day", fields[1] == "time" { return .huawei }
        if header.contains("RequestId:") || header.hasPrefix("EVENTS\t") || header.contains("\"platform.") { return .lambdaLog }
        if let first = header.trimmingCharacters(in: .whitespaces).first, first == "{" || first == "[",
           fileName.hasSuffix(".json") || header.contains("\"events\"") { return .lambdaLog }
        if fields.contains("@timestamp") && fields.contains("@duration") { return .lambdaInsights }
        if fields.contains("timestamp") && fields.contains("function") && fields.contains("duration_ms") { return .invocations }
        if fileName.hasSuffix(".log") { return .lambdaLog }
        return nil
    }
}

extension Substring {
    func trimmingQuotesAndSpaces() -> String {
        var s = self
        while let c = s.first, c == " " || c == "\"" || c == "\r" || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\"" || c == "\r" || c == "\t" { s.removeLast() }
        return String(s)
    }
}
