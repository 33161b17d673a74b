import Deployment
import Foundation
import InputLimits
import Pricing
import Simulation

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
    /// Where the cluster stands (a key of the defaults' `sites:` table: us, eu, de, uk): picks the
    /// electricity price, colocation rent and PUE unless the deployment sets them.
    public var site = "us"
    /// How the site was chosen (the deployment's `onprem.site`, one of its `onprem.regions`, or the default).
    public var siteBasis = ""
    /// Power usage effectiveness: facility power ÷ IT power.
    public var pue = 0.0
    public var electricityUSDPerKWh = 0.0
    /// Rack space and cooling rented per kW of IT capacity (the servers' loaded watts).
    public var colocationUSDPerKWMonth = 0.0
    /// Operations, in two parts: the people who run the FaaS platform and its cluster (a fixed
    /// `platformFTE` whatever the size), and the machines' care (`serversPerAdmin`), both at
    /// `adminUSDPerYear` a person; `usdPerServerMonth` > 0 replaces the per-server part.
    public var platformFTE = 0.0
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
    /// `owned.cost: marginal`: the owned servers are an existing cluster with spare capacity; what
    /// the placement takes of it costs `ownedCoreUSDPerMonth` a core and `ownedGBUSDPerMonth` a GB
    /// (the team's own rate), and only servers beyond it are bought and run.
    public var ownedMarginal = false
    public var ownedCoreUSDPerMonth = 0.0
    public var ownedGBUSDPerMonth = 0.0
    /// Cores one call in execution keeps busy, for every function whose trace has no `cpu_ms`
    /// (nil: each function's default, memory ÷ `cpuMBPerCore`, at most `cpuMaxCoresPerCall`).
    public var coresPerCall: Double?
    public var cpuMBPerCore = 0.0
    public var cpuMaxCoresPerCall = 0.0
    /// Each function's CPU demand (`"app/function"`), resolved from the workload by `resolvingDemand`.
    public var demand: [String: CallDemand] = [:]
    /// The site figures of the defaults, by site, then key.
    var sites: [String: [String: SiteFigure]] = [:]
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
                              "amortisationYears", "site", "pue", "electricityUSDPerKWh", "colocationUSDPerKWMonth",
                              "operations.platformFTE", "operations.serversPerAdmin", "operations.adminUSDPerYear", "operations.usdPerServerMonth",
                              "licences.usdPerMonth", "licences.usdPerServerMonth", "headroom", "redundancy",
                              "owned.servers", "owned.cost", "owned.coreUSDPerMonth", "owned.gbUSDPerMonth",
                              "coresPerCall", "cpuMBPerCore", "cpuMaxCoresPerCall", "servers", "sizing.p99Tolerance"]
    /// Keys the defaults' `figures:` need not give: the site's three come from `sites:`, a cost
    /// model and a CPU override have no default.
    static let withoutDefault: Set<String> = ["owned.cost", "coresPerCall", "servers", "pue", "electricityUSDPerKWh", "colocationUSDPerKWMonth"]
    /// The keys a site sets.
    static let siteKeys = ["electricityUSDPerKWh", "colocationUSDPerKWMonth", "pue"]

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
        "operations.platformFTE": (0...10_000, false), "owned.coreUSDPerMonth": (0...1_000_000, false),
        "owned.gbUSDPerMonth": (0...1_000_000, false), "cpuMBPerCore": (1...1_000_000, false), "cpuMaxCoresPerCall": (0.001...1_024, false),
        "servers": (1...100_000, true), "sizing.p99Tolerance": (0...10, false),
    ]

    public init() {}

    /// The assumed key paths that the cost actually uses (one of the two operations models).
    public var assumedInUse: [String] {
        assumed.filter { key in
            if key == "site" { return siteBasis.hasPrefix("Placer's default") }
            if key.hasPrefix("owned.") && key != "owned.servers" { return ownedMarginal }
            if (key == "cpuMBPerCore" || key == "cpuMaxCoresPerCall") && coresPerCall != nil { return false }
            if key == "sizing.p99Tolerance", servers != nil { return false }  // a fixed cluster is not sized
            if operationsUSDPerServerMonth > 0 { return key != "operations.serversPerAdmin" && key != "operations.adminUSDPerYear" }
            return key != "operations.usdPerServerMonth"
        }
    }

    /// The defaults overridden by `deployment`'s `onprem:` section, at the site it names (or the
    /// first of its regions that names one); errors name the file and line.
    public static func read(_ deployment: Deployment?) throws -> OnPremInputs {
        var inputs = try defaults()
        guard let deployment, let node = deployment.onprem else { return inputs }
        let given = try inputs.apply(node, file: deployment.file)
        if given["site"] == nil, let (site, region) = site(of: deployment.site.regions) {
            inputs.site = site
            inputs.siteBasis = "onprem.regions (\(region)) at \(deployment.file)"
        }
        inputs.applySite(except: Set(given.keys))
        return inputs
    }

    /// The bundled defaults alone (at the default site).
    public static func defaults() throws -> OnPremInputs {
        guard let url = Bundle.module.url(forResource: "onprem-defaults", withExtension: "yaml", subdirectory: "Data"),
              let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw OnPremInputError(file: "onprem-defaults.yaml", line: nil, message: "the bundled on-prem defaults are missing from this build")
        }
        return try parseDefaults(text, file: "onprem-defaults.yaml")
    }

    /// The site a region names: `us` (or a `us-` region), `de`, `uk`/`gb`, or `eu` (also `europe`
    /// and the other EU country codes); the first region that names one wins.
    static func site(of regions: [String]) -> (site: String, region: String)? {
        let eu: Set<String> = ["eu", "europe", "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "gr", "hu", "ie", "it",
                               "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se"]
        for region in regions {
            let r = region.lowercased()
            if r == "us" || r == "usa" || r.hasPrefix("us-") { return ("us", region) }
            if r == "de" || r == "germany" { return ("de", region) }
            if r == "uk" || r == "gb" { return ("uk", region) }
            if eu.contains(r) { return ("eu", region) }
        }
        return nil
    }

    /// One figure of a site: its value, where it comes from, whether it is assumed.
    struct SiteFigure: Sendable, Equatable {
        var value: Double
        var origin: String
        var assumed: Bool
    }

    /// Sets the site's electricity, colocation and PUE, but not the keys in `given`.
    mutating func applySite(except given: Set<String>) {
        guard let figures = sites[site] else { return }
        for key in Self.siteKeys where !given.contains(key) {
            guard let f = figures[key] else { continue }
            switch key {
            case "electricityUSDPerKWh": electricityUSDPerKWh = f.value
            case "colocationUSDPerKWMonth": colocationUSDPerKWMonth = f.value
            default: pue = f.value
            }
            origins[key] = "site \(site): " + f.origin
            assumed.removeAll { $0 == key }
            if f.assumed { assumed.append(key) }
        }
    }

    static func parseDefaults(_ text: String, file: String) throws -> OnPremInputs {
        // Sources are read and checked as a profile's are (address, dates, confidence).
        let defaults = try DefaultsFile.parse(text, file: file)
        let tree: YAMLTree
        do { tree = try YAMLTree.parse(text) } catch { throw OnPremInputError(file: file, line: nil, message: "\(error)") }
        guard case .mapping(let figures, _)? = tree["figures"], case .mapping(let siteTable, _)? = tree["sites"] else {
            throw OnPremInputError(file: file, line: tree.line, message: "expected 'sources', 'figures' and 'sites'")
        }
        var inputs = OnPremInputs()
        var seen = Set<String>()
        /// A figure's value node, its origin and whether it is assumed.
        func figure(_ key: String, _ node: YAMLTree) throws -> (YAMLTree, String, Bool) {
            guard case .scalar(let name, _)? = node["source"], let source = defaults.sources[name] else {
                throw OnPremInputError(file: file, line: node.line, message: "\(key): needs a source with url, read, checked and confidence")
            }
            guard let value = node["value"] else { throw OnPremInputError(file: file, line: node.line, message: "\(key): needs a value") }
            return (value, "\(source.url) (read \(source.read), \(source.confidence.rawValue))", source.confidence == .assumed)
        }
        for (key, node) in figures {
            guard keys.contains(key), !withoutDefault.contains(key) else {
                throw OnPremInputError(file: file, line: node.line, message: "unknown key '\(key)'")
            }
            let (value, origin, assumed) = try figure(key, node)
            try inputs.set(key, value, file: file)
            inputs.origins[key] = origin
            if assumed { inputs.assumed.append(key) }
            seen.insert(key)
        }
        for key in keys where !withoutDefault.contains(key) && !seen.contains(key) {
            throw OnPremInputError(file: file, line: nil, message: "no default for '\(key)'")
        }
        for (site, node) in siteTable {
            guard case .mapping(let pairs, _) = node else { throw OnPremInputError(file: file, line: node.line, message: "sites.\(site): expected a mapping") }
            var table: [String: SiteFigure] = [:]
            for (key, f) in pairs {
                guard siteKeys.contains(key) else { throw OnPremInputError(file: file, line: f.line, message: "sites.\(site): unknown key '\(key)'") }
                let (value, origin, assumed) = try figure("sites.\(site).\(key)", f)
                var probe = OnPremInputs()
                try probe.set(key, value, file: file)
                table[key] = SiteFigure(value: key == "pue" ? probe.pue : key == "electricityUSDPerKWh" ? probe.electricityUSDPerKWh : probe.colocationUSDPerKWMonth,
                                        origin: origin, assumed: assumed)
            }
            guard table.count == siteKeys.count else {
                throw OnPremInputError(file: file, line: node.line, message: "sites.\(site): needs \(siteKeys.joined(separator: ", "))")
            }
            inputs.sites[site] = table
        }
        guard inputs.sites[inputs.site] != nil else {
            throw OnPremInputError(file: file, line: nil, message: "the default site '\(inputs.site)' is not in 'sites'")
        }
        inputs.siteBasis = "Placer's default (no onprem.site, and no onprem.regions naming a site)"
        inputs.applySite(except: [])
        inputs.origins["owned.cost"] = "Placer's default: owned servers are sunk cost"
        inputs.origins["coresPerCall"] = "per function: the trace's cpu_ms, else memory ÷ cpuMBPerCore"
        inputs.origins["servers"] = "not set: the cluster is sized by simulation"
        return inputs
    }

    /// Applies an `onprem:` mapping (nested as in the defaults' key paths); returns the key paths
    /// it set, with their lines.
    @discardableResult
    mutating func apply(_ node: YAMLTree, file: String) throws -> [String: Int] {
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
        if ownedMarginal, let line = given["owned.cost"] {
            let missing = ["owned.coreUSDPerMonth", "owned.gbUSDPerMonth"].filter { given[$0] == nil }
            if !missing.isEmpty {
                throw OnPremInputError(file: file, line: line,
                                       message: "onprem.owned: cost marginal needs what the team pays for its spare capacity: set \(missing.map { String($0.dropFirst(6)) }.joined(separator: " and "))")
            }
            if ownedServers == 0 {
                throw OnPremInputError(file: file, line: line, message: "onprem.owned: cost marginal needs the servers of the existing cluster (owned.servers)")
            }
        }
        if given["site"] != nil { siteBasis = "onprem.site at \(file):\(given["site"]!)" }
        if serverWattsLoaded < serverWattsIdle {
            throw OnPremInputError(file: file, line: given["server.wattsLoaded"] ?? given["server.wattsIdle"],
                                   message: "onprem.server: wattsLoaded (\(serverWattsLoaded)) is below wattsIdle (\(serverWattsIdle))")
        }
        for (key, line) in given {
            assumed.removeAll { $0 == key }
            origins[key] = "\(file):\(line)"
        }
        return given
    }

    /// Sets one key path from a YAML scalar, checking its range.
    mutating func set(_ key: String, _ node: YAMLTree, file: String) throws {
        guard case .scalar(let text, _) = node, !text.isEmpty else {
            throw OnPremInputError(file: file, line: node.line, message: "onprem.\(key): expected a value")
        }
        if key == "owned.cost" {
            guard ["sunk", "priced", "marginal"].contains(text) else {
                throw OnPremInputError(file: file, line: node.line, message: "onprem.owned.cost: expected sunk, priced or marginal, found '\(text)'")
            }
            ownedSunk = text != "priced"
            ownedMarginal = text == "marginal"
            return
        }
        if key == "site" {
            guard sites.isEmpty || sites[text] != nil else {
                throw OnPremInputError(file: file, line: node.line,
                                       message: "onprem.site: expected one of \(sites.keys.sorted().joined(separator: ", ")), found '\(text)'")
            }
            site = text
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
        case "operations.platformFTE": platformFTE = value
        case "operations.serversPerAdmin": serversPerAdmin = value
        case "operations.adminUSDPerYear": adminUSDPerYear = value
        case "operations.usdPerServerMonth": operationsUSDPerServerMonth = value
        case "licences.usdPerMonth": licencesUSDPerMonth = value
        case "licences.usdPerServerMonth": licencesUSDPerServerMonth = value
        case "headroom": headroom = value
        case "redundancy": redundancy = Int(value)
        case "owned.servers": ownedServers = Int(value)
        case "coresPerCall": coresPerCall = value
        case "owned.coreUSDPerMonth": ownedCoreUSDPerMonth = value
        case "owned.gbUSDPerMonth": ownedGBUSDPerMonth = value
        case "cpuMBPerCore": cpuMBPerCore = value
        case "cpuMaxCoresPerCall": cpuMaxCoresPerCall = value
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

    /// One line, whatever the file's keys and values hold (`OneLine`).
    public var description: String { "\(OneLine.escaped(file))\(line.map { ":\($0)" } ?? ""): \(OneLine.escaped(message))" }
}
