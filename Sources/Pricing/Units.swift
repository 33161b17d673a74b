import Foundation

/// What a figure measures; a field accepts figures of one or a few dimensions.
public enum Dimension: String, Sendable, CaseIterable {
    case duration, memory, count, vcpu, percent, multiplier
    case memorySeconds, vcpuSeconds, ghzSeconds, data
    case pricePerMemorySecond, pricePerVCPUSecond, pricePerGHzSecond, pricePerRequest, pricePerData
    case memoryPerVCPU, ghzPerVCPU
}

/// A unit as written in a profile (`ms`, `USD/GB-s`, `1M-requests` …) with its factor to the
/// dimension's canonical unit: ms, MB (1 GB = 1,024 MB, as every provider's GB-s arithmetic
/// uses), GB-s, vCPU-s, GHz-s, USD per GB-s, USD per vCPU-s, USD per GHz-s, USD per request.
public struct Unit: Sendable, Hashable, CustomStringConvertible {
    public let symbol: String
    public let dimension: Dimension
    /// Multiply a value in this unit by `factor` to get the canonical unit.
    public let factor: Decimal

    public var description: String { symbol }

    /// Every unit a profile may use.
    public static let all: [Unit] = [
        Unit(symbol: "ms", dimension: .duration, factor: 1),
        Unit(symbol: "s", dimension: .duration, factor: 1000),
        Unit(symbol: "min", dimension: .duration, factor: 60_000),
        Unit(symbol: "h", dimension: .duration, factor: 3_600_000),
        Unit(symbol: "d", dimension: .duration, factor: 86_400_000),
        Unit(symbol: "MB", dimension: .memory, factor: 1),
        Unit(symbol: "MiB", dimension: .memory, factor: 1),
        Unit(symbol: "GB", dimension: .memory, factor: 1024),
        Unit(symbol: "GiB", dimension: .memory, factor: 1024),
        Unit(symbol: "requests", dimension: .count, factor: 1),
        Unit(symbol: "instances", dimension: .count, factor: 1),
        Unit(symbol: "executions", dimension: .count, factor: 1),
        Unit(symbol: "environments", dimension: .count, factor: 1),
        Unit(symbol: "containers", dimension: .count, factor: 1),
        Unit(symbol: "vCPU", dimension: .vcpu, factor: 1),
        Unit(symbol: "%", dimension: .percent, factor: 1),
        Unit(symbol: "x", dimension: .multiplier, factor: 1),
        Unit(symbol: "GB-s", dimension: .memorySeconds, factor: 1),
        Unit(symbol: "GiB-s", dimension: .memorySeconds, factor: 1),
        Unit(symbol: "vCPU-s", dimension: .vcpuSeconds, factor: 1),
        Unit(symbol: "GHz-s", dimension: .ghzSeconds, factor: 1),
        Unit(symbol: "GB-out", dimension: .data, factor: 1),
        Unit(symbol: "USD/GB-s", dimension: .pricePerMemorySecond, factor: 1),
        Unit(symbol: "USD/GiB-s", dimension: .pricePerMemorySecond, factor: 1),
        Unit(symbol: "USD/vCPU-s", dimension: .pricePerVCPUSecond, factor: 1),
        Unit(symbol: "USD/GHz-s", dimension: .pricePerGHzSecond, factor: 1),
        Unit(symbol: "USD/request", dimension: .pricePerRequest, factor: 1),
        Unit(symbol: "USD/1M-requests", dimension: .pricePerRequest, factor: Decimal(string: "0.000001") ?? 0),
        Unit(symbol: "USD/GB-out", dimension: .pricePerData, factor: 1),
        Unit(symbol: "MB/vCPU", dimension: .memoryPerVCPU, factor: 1),
        Unit(symbol: "GHz/vCPU", dimension: .ghzPerVCPU, factor: 1),
    ]

    /// The unit written as `symbol`, if Placer knows it.
    public static func named(_ symbol: String) -> Unit? { all.first { $0.symbol == symbol } }

    /// Symbols of every unit of the given dimensions, for error messages.
    static func symbols(of dimensions: [Dimension]) -> [String] {
        all.filter { dimensions.contains($0.dimension) }.map(\.symbol)
    }
}

/// What kind of source a figure comes from, which is how far a user can rely on it.
public enum Confidence: String, Sendable, CaseIterable, Codable {
    /// The provider's or project's own page, docs, price list or code (or the publisher's own
    /// release for a statistic).
    case provider
    /// Someone else quoting or transcribing it (a blog, a pricing guide, a survey summary).
    case thirdParty = "third-party"
    /// A published measurement (a paper, a benchmark, Placer's executor on this machine).
    case measured
    /// Fitted to the team's own logs or runs (`placer calibrate`).
    case observed
    /// Computed from other sourced figures by a rule the source's address explains.
    case derived
    /// No source gives it; a default the user should override when they know better.
    case assumed

    /// The text a data file writes for `confidence`, or why it is not one: `published` (the old
    /// word, which did not say whose page it was) is named with what to write instead.
    public static func parse(_ text: String) -> Result<Confidence, ConfidenceError> {
        if let value = Confidence(rawValue: text) { return .success(value) }
        return .failure(ConfidenceError(found: text))
    }
}

/// A `confidence` that is not one of Placer's words.
public struct ConfidenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var found: String

    public var description: String {
        let words = Confidence.allCases.map(\.rawValue).joined(separator: ", ")
        if found == "published" {
            return "'published' is no longer a confidence: write 'provider' for the provider's or project's own page, "
                + "'third-party' for someone quoting it, 'measured' for a published measurement (or one of \(words))"
        }
        return "expected one of \(words), found '\(found)'"
    }
}

/// Whether a figure was re-checked against its address: the day it was, or never since it was
/// taken (e.g. copied from a summary without opening the address).
public enum Checked: Sendable, Equatable, Codable {
    case on(String)
    case never

    /// The day, `YYYY-MM-DD`, or nil when it was never checked.
    public var date: String? {
        if case .on(let day) = self { return day }
        return nil
    }

    /// As a data file writes it: the date, or `false`.
    public var text: String { date ?? "false" }
}

/// Where a figure comes from: an address, the date it was read, whether it was re-checked
/// since, and what kind of source it is.
public struct Source: Sendable, Equatable, Codable {
    /// `https://…`, or a path inside Placer's repository (e.g. `docs/sources.md#fission`).
    public var url: String
    /// The day the figure was taken from the address, `YYYY-MM-DD`.
    public var read: String
    /// The last day someone re-read the address and found the figure, or `.never`.
    public var checked: Checked
    public var confidence: Confidence
    public var note: String?

    public init(url: String, read: String, checked: Checked = .never, confidence: Confidence, note: String? = nil) {
        self.url = url
        self.read = read
        self.checked = checked
        self.confidence = confidence
        self.note = note
    }

    /// The day the figure was last confirmed: the check if there was one, else the reading.
    public var lastConfirmed: String { checked.date ?? read }
}

/// One number in a profile: value, unit and the name of its source in the profile's `sources`.
public struct Figure: Sendable, Equatable {
    public var value: Decimal
    public var unit: Unit
    public var source: String

    public init(value: Decimal, unit: Unit, source: String) {
        self.value = value
        self.unit = unit
        self.source = source
    }

    /// The value in the dimension's canonical unit (ms, MB, USD per request …).
    public var canonical: Decimal { value * unit.factor }
}
