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

/// How sure Placer is of a figure.
public enum Confidence: String, Sendable, CaseIterable, Codable {
    /// The provider or project states it (price page, docs, default in code).
    case published
    /// Measured by someone (Placer's executor, a study, a third-party benchmark).
    case observed
    /// No source gives it; a default the user should override when they know better.
    case assumed
}

/// Where a figure comes from: an address, the date it was read, and how sure we are.
public struct Source: Sendable, Equatable, Codable {
    public var url: String
    /// The day the address was read, `YYYY-MM-DD`.
    public var read: String
    public var confidence: Confidence
    public var note: String?

    public init(url: String, read: String, confidence: Confidence, note: String? = nil) {
        self.url = url
        self.read = read
        self.confidence = confidence
        self.note = note
    }
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
