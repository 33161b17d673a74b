import Deployment
import Foundation
import Pricing

/// The on-prem environment's cost inputs: the bundled defaults (`Data/onprem-defaults.yaml`,
/// each with its source) overridden by the deployment's `onprem:` section.
public struct OnPremInputs: Sendable, Equatable {
    /// One server model.
    public var serverCores = 0.0
    public var serverMemoryGB = 0.0
    public var serverPriceUSD = 0.0
    public var serverWattsIdle = 0.0
    public var serverWattsLoaded = 0.0
    /// Years the purchase price is spread over.
    public var amortisationYears = 0.0
    /// Power usage effectiveness: facility power ÷ IT power.
    public var pue = 0.0
    public var electricityUSDPerKWh = 0.0
    /// Rack space and cooling rented per kW of IT capacity (the servers' loaded watts).
    public var colocationUSDPerKWMonth = 0.0
    /// Operations: servers one administrator runs and what one costs a year, unless
    /// `usdPerServerMonth` > 0, which replaces both.
    public var serversPerAdmin = 0.0
    public var adminUSDPerYear = 0.0
    public var operationsUSDPerServerMonth = 0.0
    /// Platform licences: a flat monthly fee plus a fee per server.
    public var licencesUSDPerMonth = 0.0
    public var licencesUSDPerServerMonth = 0.0
    /// Capacity kept free over the simulated peak, as a fraction (0.25: servers for 125 % of the peak).
    public var headroom = 0.0
    /// Spare servers beyond what the peak needs (1: N+1).
    public var redundancy = 0
    /// Servers already owned; `ownedSunk`: their purchase is spent and not counted again.
    public var ownedServers = 0
    public var ownedSunk = true
    /// Cores one call in execution keeps busy.
    public var coresPerCall = 0.0
    /// A fixed cluster of this many servers (`onprem.servers`, or `--servers`): on-prem targets are
    /// replayed on it (`ClusterReplay`) and it is what is costed; nil: the cluster is sized.
    public var servers: Int?
    /// Sizing by simulation (`ClusterSearch`): the simulated smallest cluster of all the functions
    /// over its peak-based size (before spares). Every peak-based size (a subset of the functions,
    /// another volume) is scaled by it, so all the functions get exactly the simulated size; nil:
    /// peak-based sizes as they are.
    public var sizingScale: Double?
    /// Sizing by simulation: the p99 a cluster must keep, as a share above the unlimited replay's
    /// p99, when the deployment sets no p99 objective.
    public var p99Tolerance = 0.0
    /// Key paths whose value is a default of confidence `assumed` (not set by the deployment).
    public var assumed: [String] = []
    /// Where each key path's value comes from: a source address and date, or the deployment file and line.
    public var origins: [String: String] = [:]

    /// Every key `onprem:` accepts, besides the site's `certifications` and `regions`.
    public static let keys = ["server.cores", "server.memoryGB", "server.priceUSD", "server.wattsIdle", "server.wattsLoaded",
                              "amortisationYears", "pue", "electricityUSDPerKWh", "colocationUSDPerKWMonth",
                              "operations.serversPerAdmin", "operations.adminUSDPerYear", "operations.usdPerServerMonth",
                              "licences.usdPerMonth", "licences.usdPerServerMonth", "headroom", "redundancy",
                              "owned.servers", "owned.cost", "coresPerCall", "servers", "sizing.p99Tolerance"]

    /// Valid range of each numeric key, and whether it must be a whole number.
    static let ranges: [String: (ClosedRange<Double>, whole: Bool)] = [
        "server.cores": (1...100_000, false), "server.memoryGB": (1...1_000_000, false),
        "server.priceUSD": (0...100_000_000, false), "server.wattsIdle": (0...100_000, false),
        "server.wattsLoaded": (0...100_000, false), "amortisationYears": (0.1...50, false), "pue": (1...5, false),
        "electricityUSDPerKWh": (0...100, false), "colocationUSDPerKWMonth": (0...100_000, false),
        "operations.serversPerAdmin": (0.01...1_000_000, false), "operations.adminUSDPerYear": (0...100_000_000, false),
        "operations.usdPerServerMonth": (0...1_000_000, false), "licences.usdPerMonth": (0...100_000_000, false),
        "licences.usdPerServerMonth": (0...1_000_000, false), "headroom": (0...10, false),
        "redundancy": (0...10_000, true), "owned.servers": (0...1_000_000, true), "coresPerCall": (0.001...1_024, false),
        "servers": (1...100_000, true), "sizing.p99Tolerance": (0...10, false),
    ]

    public init() {}

    /// The assumed key paths that the cost actually uses (one of the two operations models).
    public var assumedInUse: [String] {
        assumed.filter { key in
            if key == "sizing.p99Tolerance", servers != nil { return false }  // a fixed cluster is not sized
            if operationsUSDPerServerMonth > 0 { return key != "operations.serversPerAdmin" && key != "operations.adminUSDPerYear" }
            return key != "operations.usdPerServerMonth"
        }
    }

    /// The defaults overridden by `deployment`'s `onprem:` section; errors name the file and line.
    public static func read(_ deployment: Deployment?) throws -> OnPremInputs {
        var inputs = try defaults()
        guard let deployment, let node = deployment.onprem else { return inputs }
        try inputs.apply(node, file: deployment.file)
        return inputs
    }

    /// The bundled defaults alone.
    public static func defaults() throws -> OnPremInputs {
        guard let url = Bundle.module.url(forResource: "onprem-defaults", withExtension: "yaml", subdirectory: "Data"),
              let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw OnPremInputError(file: "onprem-defaults.yaml", line: nil, message: "the bundled on-prem defaults are missing from this build")
        }
        return try parseDefaults(text, file: "onprem-defaults.yaml")
    }

    static func parseDefaults(_ text: String, file: String) throws -> OnPremInputs {
        let tree: YAMLTree
        do { tree = try YAMLTree.parse(text) } catch { throw OnPremInputError(file: file, line: nil, message: "\(error)") }
        guard case .mapping(let sources, _)? = tree["sources"], case .mapping(let figures, _)? = tree["figures"] else {
            throw OnPremInputError(file: file, line: tree.line, message: "expected 'sources' and 'figures'")
        }
        var inputs = OnPremInputs()
        var seen = Set<String>()
        for (key, figure) in figures {
            guard keys.contains(key) else { throw OnPremInputError(file: file, line: figure.line, message: "unknown key '\(key)'") }
            guard case .scalar(let name, _)? = figure["source"], let source = sources.first(where: { $0.key == name })?.value,
                  case .scalar(let url, _)? = source["url"], case .scalar(let read, _)? = source["read"],
                  case .scalar(let confidence, _)? = source["confidence"] else {
                throw OnPremInputError(file: file, line: figure.line, message: "\(key): needs a source with url, read and confidence")
            }
            guard let value = figure["value"] else { throw OnPremInputError(file: file, line: figure.line, message: "\(key): needs a value") }
            try inputs.set(key, value, file: file)
            inputs.origins[key] = "\(url) (read \(read), \(confidence))"
            if confidence == "assumed" { inputs.assumed.append(key) }
            seen.insert(key)
        }
        // `servers` has no default: without it the cluster is sized.
        for key in keys where key != "owned.cost" && key != "servers" && !seen.contains(key) {
            throw OnPremInputError(file: file, line: nil, message: "no default for '\(key)'")
        }
        inputs.origins["owned.cost"] = "Placer's default: owned servers are sunk cost"
        inputs.origins["servers"] = "not set: the cluster is sized by simulation"
        return inputs
    }

    /// Applies an `onprem:` mapping (nested as in the defaults' key paths).
    mutating func apply(_ node: YAMLTree, file: String) throws {
        guard case .mapping(let pairs, _) = node else {
            throw OnPremInputError(file: file, line: node.line, message: "onprem: expected a mapping")
        }
        let groups = Set(Self.keys.compactMap { $0.split(separator: ".").count == 2 ? String($0.split(separator: ".")[0]) : nil })
        var given: [String: Int] = [:]
        for (key, value) in pairs {
            if key == "certifications" || key == "regions" { continue }  // the site: read by Deployment
            if groups.contains(key) {
                guard case .mapping(let inner, _) = value else {
                    throw OnPremInputError(file: file, line: value.line, message: "onprem.\(key): expected a mapping")
                }
                for (sub, subValue) in inner {
                    let path = key + "." + sub
                    guard Self.keys.contains(path) else {
                        let known = Self.keys.filter { $0.hasPrefix(key + ".") }.map { String($0.dropFirst(key.count + 1)) }
                        throw OnPremInputError(file: file, line: subValue.line, message: "onprem.\(key): unknown key '\(sub)'; expected \(known.joined(separator: ", "))")
                    }
                    try set(path, subValue, file: file)
                    given[path] = subValue.line
                }
            } else if Self.keys.contains(key) {
                try set(key, value, file: file)
                given[key] = value.line
            } else {
                let top = Array(Set(Self.keys.map { String($0.split(separator: ".")[0]) })).sorted()
                throw OnPremInputError(file: file, line: value.line, message: "onprem: unknown key '\(key)'; expected \((top + ["certifications", "regions"]).joined(separator: ", "))")
            }
        }
        if let line = given["operations.usdPerServerMonth"], given["operations.serversPerAdmin"] != nil || given["operations.adminUSDPerYear"] != nil {
            throw OnPremInputError(file: file, line: line, message: "onprem.operations: give either usdPerServerMonth or serversPerAdmin and adminUSDPerYear, not both")
        }
        if given["operations.serversPerAdmin"] != nil || given["operations.adminUSDPerYear"] != nil { operationsUSDPerServerMonth = 0 }
        if serverWattsLoaded < serverWattsIdle {
            throw OnPremInputError(file: file, line: given["server.wattsLoaded"] ?? given["server.wattsIdle"],
                                   message: "onprem.server: wattsLoaded (\(serverWattsLoaded)) is below wattsIdle (\(serverWattsIdle))")
        }
        for (key, line) in given {
            assumed.removeAll { $0 == key }
            origins[key] = "\(file):\(line)"
        }
    }

    /// Sets one key path from a YAML scalar, checking its range.
    mutating func set(_ key: String, _ node: YAMLTree, file: String) throws {
        guard case .scalar(let text, _) = node, !text.isEmpty else {
            throw OnPremInputError(file: file, line: node.line, message: "onprem.\(key): expected a value")
        }
        if key == "owned.cost" {
            guard text == "sunk" || text == "priced" else {
                throw OnPremInputError(file: file, line: node.line, message: "onprem.owned.cost: expected sunk or priced, found '\(text)'")
            }
            ownedSunk = text == "sunk"
            return
        }
        guard let (range, whole) = Self.ranges[key] else { return }
        var number: Double?
        if text.hasSuffix("%"), key == "headroom" { number = Double(text.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 } }
        else { number = Double(text) }
        guard let value = number, value.isFinite, range.contains(value), !whole || value == value.rounded() else {
            let kind = whole ? "a whole number" : "a number"
            throw OnPremInputError(file: file, line: node.line,
                                   message: "onprem.\(key): expected \(kind) from \(Self.show(range.lowerBound)) to \(Self.show(range.upperBound)), found '\(text)'")
        }
        switch key {
        case "server.cores": serverCores = value
        case "server.memoryGB": serverMemoryGB = value
        case "server.priceUSD": serverPriceUSD = value
        case "server.wattsIdle": serverWattsIdle = value
        case "server.wattsLoaded": serverWattsLoaded = value
        case "amortisationYears": amortisationYears = value
        case "pue": pue = value
        case "electricityUSDPerKWh": electricityUSDPerKWh = value
        case "colocationUSDPerKWMonth": colocationUSDPerKWMonth = value
        case "operations.serversPerAdmin": serversPerAdmin = value
        case "operations.adminUSDPerYear": adminUSDPerYear = value
        case "operations.usdPerServerMonth": operationsUSDPerServerMonth = value
        case "licences.usdPerMonth": licencesUSDPerMonth = value
        case "licences.usdPerServerMonth": licencesUSDPerServerMonth = value
        case "headroom": headroom = value
        case "redundancy": redundancy = Int(value)
        case "owned.servers": ownedServers = Int(value)
        case "coresPerCall": coresPerCall = value
        case "servers": servers = Int(value)
        case "sizing.p99Tolerance": p99Tolerance = value
        default: break
        }
    }

    static func show(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}

/// A problem in the on-prem inputs, located by file and line where known.
public struct OnPremInputError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}
