import Foundation
import InputLimits

/// One thing wrong with a profile file: where (file, line, key path) and what.
public struct ProfileIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var path: String
    public var message: String

    /// `file:line: key.path: message`, the shape compilers use, so editors can jump to it; one
    /// line, whatever the file's keys and values hold (`OneLine`).
    public var description: String {
        let file = OneLine.escaped(file), path = OneLine.escaped(path), message = OneLine.escaped(message)
        let location = line > 0 ? "\(file):\(line)" : file
        return path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
    }
}

/// The profile schema this reader accepts.
public let profileSchema = "placer.profile/v1"

/// Validates a profile document and builds a `Profile`, collecting every issue rather than
/// stopping at the first (a user fixing a file wants the whole list).
struct ProfileReader {
    let file: String
    private(set) var issues: [ProfileIssue] = []
    private var figures: [(path: String, figure: Figure)] = []
    private var sourceNames: Set<String> = []
    private var usedSources: Set<String> = []

    /// Whether a source no figure uses is an error (true for files; an override may leave
    /// one behind, e.g. by replacing the volume tiers).
    private let requireSourcesUsed: Bool

    init(file: String, requireSourcesUsed: Bool = true) {
        self.file = file
        self.requireSourcesUsed = requireSourcesUsed
    }

    static func read(_ tree: YAMLTree, file: String, requireSourcesUsed: Bool = true) -> Result<Profile, ProfileIssues> {
        var reader = ProfileReader(file: file, requireSourcesUsed: requireSourcesUsed)
        let profile = reader.profile(tree)
        if let profile, reader.issues.isEmpty { return .success(profile) }
        return .failure(ProfileIssues(issues: reader.issues))
    }

    // MARK: - Document

    private static let topKeys = [
        "schema", "id", "name", "kind", "provider", "status", "region", "pricesAsOf", "sources",
        "billing", "limits", "keepAlive", "coldStart", "controlPlane", "placement", "instance", "licence", "lockIn", "compliance",
    ]

    private mutating func profile(_ tree: YAMLTree) -> Profile? {
        guard let root = mapping(tree, at: "", allowed: Self.topKeys,
                                 required: ["schema", "id", "name", "kind", "provider", "status", "sources", "limits", "keepAlive"])
        else { return nil }
        if let schema = string(root["schema"], at: "schema"), schema != profileSchema {
            issue(root["schema"], "schema", "expected '\(profileSchema)', found '\(schema)'")
        }
        let id = string(root["id"], at: "id") ?? ""
        if !id.isEmpty, !Self.isTargetID(id) {
            issue(root["id"], "id", "an id is lower-case letters, digits and '-', found '\(id)'")
        }
        let name = string(root["name"], at: "name") ?? ""
        let kind: Profile.Kind = choice(root["kind"], at: "kind") ?? .cloud
        let provider = string(root["provider"], at: "provider") ?? ""
        readSources(root["sources"])
        let status = readStatus(root["status"])
        let region = root["region"].flatMap { string($0, at: "region") }
        let asOf = root["pricesAsOf"].flatMap { date($0, at: "pricesAsOf") }

        var billing: Billing?
        if let node = root["billing"] {
            billing = readBilling(node, at: "billing")
        } else if kind == .cloud {
            issue(tree, "billing", "a cloud target needs a billing section")
        }
        if kind == .cloud, asOf == nil, root["pricesAsOf"] == nil {
            issue(tree, "pricesAsOf", "a cloud target needs the date its prices were read")
        }
        let limits = readLimits(root["limits"], at: "limits")
        let keepAlive = readKeepAlive(root["keepAlive"], at: "keepAlive")
        let coldStart = root["coldStart"].flatMap { readColdStart($0, at: "coldStart") }
        let controlPlane = root["controlPlane"].flatMap { readControlPlane($0, at: "controlPlane") }
        let nodePlacement = root["placement"].flatMap { readPlacement($0, at: "placement") }
        let instance = root["instance"].flatMap { readInstance($0, at: "instance") }
        let licence = root["licence"].flatMap { readLicence($0, at: "licence") }
        if instance != nil, kind == .cloud { issue(root["instance"], "instance", "an instance footprint is for on-prem platforms (a cloud bills its memory sizes)") }
        let lockIn = root["lockIn"].flatMap { readLockIn($0, at: "lockIn") }
        let compliance = root["compliance"].flatMap { readCompliance($0, at: "compliance", kind: kind) }
        for name in sourceNames.subtracting(usedSources).sorted() where requireSourcesUsed {
            issue(root["sources"], "sources.\(name)", "source is defined but no figure uses it")
        }
        guard let limits, let keepAlive else { return nil }
        return Profile(
            id: id, name: name, kind: kind, provider: provider, status: status, region: region,
            pricesAsOf: asOf, sources: sources, billing: billing, limits: limits, keepAlive: keepAlive,
            coldStart: coldStart, controlPlane: controlPlane, nodePlacement: nodePlacement, instance: instance, licence: licence, lockIn: lockIn,
            compliance: compliance, document: tree, figures: figures)
    }

    private var sources: [String: Source] = [:]

    private mutating func readSources(_ node: YAMLTree?) {
        guard let node, case .mapping(let pairs, _) = node else {
            issue(node, "sources", "expected a mapping of source names to {url, read, confidence}")
            return
        }
        for (key, value) in pairs {
            let path = "sources.\(key)"
            guard let m = mapping(value, at: path, allowed: ["url", "read", "checked", "confidence", "note"],
                                  required: ["url", "read", "checked", "confidence"]) else { continue }
            sourceNames.insert(key)
            // Each field read on its own, so one file lists every problem (an old-style source
            // lacks `checked` and says `published`: both are named).
            let url = string(m["url"], at: path + ".url")
            let read = date(m["read"], at: path + ".read")
            let checked = readChecked(m["checked"], at: path + ".checked")
            let confidence = readConfidence(m["confidence"], at: path + ".confidence")
            guard let url, let read, let checked, let confidence else { continue }
            let note = m["note"].flatMap { string($0, at: path + ".note") }
            sources[key] = Source(url: url, read: read, checked: checked, confidence: confidence, note: note)
        }
    }

    private mutating func readStatus(_ node: YAMLTree?) -> Profile.Status {
        guard let m = mapping(node, at: "status", allowed: ["state", "since", "retires", "retiresOnly", "successor", "note", "source"], required: ["state"]) else {
            return Profile.Status(state: .active)
        }
        let state: Profile.State = choice(m["state"], at: "status.state") ?? .active
        let since = m["since"].flatMap { date($0, at: "status.since") }
        let retires = m["retires"].flatMap { date($0, at: "status.retires") }
        let retiresOnly = m["retiresOnly"].flatMap { string($0, at: "status.retiresOnly") }
        if retiresOnly != nil, retires == nil { issue(node, "status.retiresOnly", "names what retires, so it needs status.retires") }
        let successor = m["successor"].flatMap { string($0, at: "status.successor") }
        let note = m["note"].flatMap { string($0, at: "status.note") }
        var source: String?
        if let ref = m["source"] { source = sourceRef(ref, at: "status.source") }
        if state != .active, m["since"] == nil {
            issue(node, "status.since", "a \(state.rawValue) target needs the date it became \(state.rawValue)")
        }
        if state != .active || retires != nil, m["source"] == nil {
            issue(node, "status.source", "a \(state.rawValue) target's status needs the source that says so")
        }
        return Profile.Status(state: state, since: since, retires: retires, retiresOnly: retiresOnly, successor: successor, note: note, source: source)
    }

    // MARK: - Billing

    private static let billingKeys = [
        "mode", "durationRounding", "minimumBilledDuration", "requestPrice", "memoryPrice", "memoryTiers",
        "cpuPrice", "memory", "cpu", "freeGrant", "init", "provisioned", "instanceBased", "egressPrice", "regions",
        "durationBasis", "regionPrices", "ephemeralStorage",
    ]

    private mutating func readBilling(_ node: YAMLTree, at path: String) -> Billing? {
        guard let m = mapping(node, at: path, allowed: Self.billingKeys,
                              required: ["durationRounding", "minimumBilledDuration", "requestPrice", "memoryPrice", "memory", "cpu", "init"])
        else { return nil }
        let mode: Billing.Mode = m["mode"].flatMap { choice($0, at: path + ".mode") } ?? .request
        let basis: Billing.DurationBasis = m["durationBasis"].flatMap { choice($0, at: path + ".durationBasis") } ?? .activeInstance
        let rounding = figure(m["durationRounding"], at: path + ".durationRounding", [.duration])
        if let rounding, rounding.value == 0 {
            issue(m["durationRounding"], path + ".durationRounding", "rounding unit must be positive")
        }
        let minimum = figure(m["minimumBilledDuration"], at: path + ".minimumBilledDuration", [.duration])
        let requestPrice = figure(m["requestPrice"], at: path + ".requestPrice", [.pricePerRequest])
        let memoryPrice = figure(m["memoryPrice"], at: path + ".memoryPrice", [.pricePerMemorySecond])
        var tiers: [Billing.Tier] = []
        if let node = m["memoryTiers"] {
            tiers = readTiers(node, at: path + ".memoryTiers")
            if let first = tiers.first, let memoryPrice, first.price.canonical != memoryPrice.canonical {
                issue(node, path + ".memoryTiers[0].price", "the first tier's price must equal memoryPrice (\(memoryPrice.value))")
            }
        }
        let cpuPrice = m["cpuPrice"].flatMap { figure($0, at: path + ".cpuPrice", [.pricePerVCPUSecond, .pricePerGHzSecond]) }
        let memory = readMemoryRule(m["memory"], at: path + ".memory")
        let cpu = readCPURule(m["cpu"], at: path + ".cpu")
        let free = m["freeGrant"].map { readFreeGrant($0, at: path + ".freeGrant") } ?? Billing.FreeGrant()
        let initRule = readInit(m["init"], at: path + ".init")
        let provisioned = m["provisioned"].flatMap { readProvisioned($0, at: path + ".provisioned") }
        let instance = m["instanceBased"].flatMap { readInstanceBased($0, at: path + ".instanceBased") }
        if mode == .instance, m["instanceBased"] == nil {
            issue(node, path + ".instanceBased", "mode 'instance' needs instanceBased prices")
        }
        let egress = m["egressPrice"].flatMap { figure($0, at: path + ".egressPrice", [.pricePerData]) }
        var regions: [String: Figure] = [:]
        if let node = m["regions"] {
            if case .mapping(let pairs, _) = node {
                for (key, value) in pairs {
                    if let f = figure(value, at: "\(path).regions.\(key)", [.multiplier]) { regions[key] = f }
                }
            } else {
                issue(node, path + ".regions", "expected a mapping of region names to multipliers")
            }
        }
        let regionPrices = m["regionPrices"].map { readRegionPrices($0, at: path + ".regionPrices") } ?? []
        var storage: Billing.EphemeralStorage?
        if let node = m["ephemeralStorage"],
           let e = mapping(node, at: path + ".ephemeralStorage", allowed: ["included", "price"], required: ["included", "price"]),
           let included = figure(e["included"], at: path + ".ephemeralStorage.included", [.memory]),
           let price = figure(e["price"], at: path + ".ephemeralStorage.price", [.pricePerMemorySecond]) {
            storage = Billing.EphemeralStorage(included: included, price: price)
        }
        for group in regionPrices {
            if group.cpuPrice != nil, cpuPrice == nil {
                issue(m["regionPrices"], path + ".regionPrices", "\(group.label) prices CPU, which the profile's own region does not")
            }
            if group.provisionedMemoryPrice != nil || group.provisionedExecutionMemoryPrice != nil, provisioned == nil {
                issue(m["regionPrices"], path + ".regionPrices", "\(group.label) prices provisioned capacity, which the profile does not")
            }
            if group.instanceMemoryPrice != nil || group.instanceCPUPrice != nil, instance == nil {
                issue(m["regionPrices"], path + ".regionPrices", "\(group.label) prices instance-based billing, which the profile does not")
            }
        }
        guard let rounding, let minimum, let requestPrice, let memoryPrice, let memory, let cpu, let initRule else { return nil }
        return Billing(mode: mode, durationBasis: basis, durationRounding: rounding, minimumBilledDuration: minimum, requestPrice: requestPrice,
                       memoryPrice: memoryPrice, memoryTiers: tiers, cpuPrice: cpuPrice, memory: memory, cpu: cpu,
                       freeGrant: free, initBilled: initRule, provisioned: provisioned, instanceBased: instance,
                       egressPrice: egress, ephemeralStorage: storage, regions: regions, regionPrices: regionPrices)
    }

    /// `regionPrices: [{label, regions: [...], requestPrice, memoryPrice, memoryTiers, cpuPrice, …}]`.
    private mutating func readRegionPrices(_ node: YAMLTree, at path: String) -> [Billing.RegionPrice] {
        guard case .sequence(let items, _) = node else {
            issue(node, path, "expected a list of {label, regions, and the prices that differ}")
            return []
        }
        var groups: [Billing.RegionPrice] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let p = "\(path)[\(index)]"
            guard let m = mapping(item, at: p, allowed: ["label", "regions", "source", "requestPrice", "memoryPrice", "memoryTiers", "cpuPrice",
                                                          "provisionedMemoryPrice", "provisionedExecutionMemoryPrice",
                                                          "instanceMemoryPrice", "instanceCPUPrice"],
                                  required: ["label", "regions", "source"]),
                  let label = string(m["label"], at: p + ".label"),
                  let source = sourceRef(m["source"], at: p + ".source") else { continue }
            var regions: [String] = []
            if case .sequence(let names, _)? = m["regions"], !names.isEmpty {
                for (k, name) in names.enumerated() {
                    guard let region = string(name, at: "\(p).regions[\(k)]") else { continue }
                    if !seen.insert(region).inserted { issue(name, "\(p).regions[\(k)]", "region '\(region)' is priced twice") }
                    regions.append(region)
                }
            } else {
                issue(m["regions"], p + ".regions", "expected a non-empty list of region names")
            }
            let memoryPrice = m["memoryPrice"].flatMap { figure($0, at: p + ".memoryPrice", [.pricePerMemorySecond]) }
            var tiers: [Billing.Tier]?
            if let node = m["memoryTiers"] {
                let read = readTiers(node, at: p + ".memoryTiers")
                tiers = read
                if let first = read.first, let memoryPrice, first.price.canonical != memoryPrice.canonical {
                    issue(node, p + ".memoryTiers[0].price", "the first tier's price must equal memoryPrice (\(memoryPrice.value))")
                }
            }
            let group = Billing.RegionPrice(
                label: label, regions: regions, source: source,
                requestPrice: m["requestPrice"].flatMap { figure($0, at: p + ".requestPrice", [.pricePerRequest]) },
                memoryPrice: memoryPrice, memoryTiers: tiers,
                cpuPrice: m["cpuPrice"].flatMap { figure($0, at: p + ".cpuPrice", [.pricePerVCPUSecond, .pricePerGHzSecond]) },
                provisionedMemoryPrice: m["provisionedMemoryPrice"].flatMap { figure($0, at: p + ".provisionedMemoryPrice", [.pricePerMemorySecond]) },
                provisionedExecutionMemoryPrice: m["provisionedExecutionMemoryPrice"].flatMap {
                    figure($0, at: p + ".provisionedExecutionMemoryPrice", [.pricePerMemorySecond])
                },
                instanceMemoryPrice: m["instanceMemoryPrice"].flatMap { figure($0, at: p + ".instanceMemoryPrice", [.pricePerMemorySecond]) },
                instanceCPUPrice: m["instanceCPUPrice"].flatMap { figure($0, at: p + ".instanceCPUPrice", [.pricePerVCPUSecond, .pricePerGHzSecond]) })
            groups.append(group)
        }
        return groups
    }

    private mutating func readTiers(_ node: YAMLTree, at path: String) -> [Billing.Tier] {
        guard case .sequence(let items, _) = node else {
            issue(node, path, "expected a list of {from, price}")
            return []
        }
        var tiers: [Billing.Tier] = []
        for (index, item) in items.enumerated() {
            let p = "\(path)[\(index)]"
            guard let m = mapping(item, at: p, allowed: ["from", "price"], required: ["from", "price"]),
                  let from = figure(m["from"], at: p + ".from", [.memorySeconds]),
                  let price = figure(m["price"], at: p + ".price", [.pricePerMemorySecond]) else { continue }
            if index == 0, from.value != 0 { issue(m["from"], p + ".from", "the first tier must start at 0") }
            if let last = tiers.last, from.canonical <= last.from.canonical {
                issue(m["from"], p + ".from", "tiers must start at ascending thresholds")
            }
            tiers.append(Billing.Tier(from: from, price: price))
        }
        return tiers
    }

    private mutating func readMemoryRule(_ node: YAMLTree?, at path: String) -> Billing.MemoryRule? {
        guard let m = mapping(node, at: path, allowed: ["min", "max", "step", "basis", "sizesMB"], required: ["min", "max", "step"]) else { return nil }
        let min = figure(m["min"], at: path + ".min", [.memory])
        let max = figure(m["max"], at: path + ".max", [.memory])
        let step = figure(m["step"], at: path + ".step", [.memory])
        let basis: Billing.MemoryBasis = m["basis"].flatMap { choice($0, at: path + ".basis") } ?? .configured
        var sizes: [Int] = []
        var sizesSource: String?
        if let node = m["sizesMB"], let s = mapping(node, at: path + ".sizesMB", allowed: ["values", "source"], required: ["values", "source"]) {
            sizesSource = sourceRef(s["source"], at: path + ".sizesMB.source")
            if case .sequence(let items, _)? = s["values"], !items.isEmpty {
                for (k, item) in items.enumerated() {
                    guard let mb = number(item, at: "\(path).sizesMB.values[\(k)]") else { continue }
                    let size = NSDecimalNumber(decimal: mb).intValue
                    if size <= (sizes.last ?? 0) { issue(item, "\(path).sizesMB.values[\(k)]", "sizes must be positive and ascending") }
                    sizes.append(size)
                }
            } else {
                issue(s["values"], path + ".sizesMB.values", "expected a non-empty list of sizes in MB")
            }
        }
        guard let min, let max, let step else { return nil }
        if min.canonical > max.canonical { issue(m["min"], path + ".min", "min is larger than max") }
        if step.canonical <= 0 { issue(m["step"], path + ".step", "step must be positive") }
        if let first = sizes.first, let last = sizes.last,
           Decimal(first) != min.canonical || Decimal(last) != max.canonical {
            issue(m["sizesMB"], path + ".sizesMB", "the smallest and largest sizes must be min and max")
        }
        return Billing.MemoryRule(min: min, max: max, step: step, basis: basis, sizesMB: sizes, sizesSource: sizesSource)
    }

    private mutating func readCPURule(_ node: YAMLTree?, at path: String) -> Billing.CPURule? {
        guard let m = mapping(node, at: path, allowed: ["coupling", "memoryPerVCPU", "table", "ghzPerVCPU", "defaultVCPU"],
                              required: ["coupling"]) else { return nil }
        let coupling: String? = string(m["coupling"], at: path + ".coupling")
        switch coupling {
        case "proportional":
            guard let f = figure(m["memoryPerVCPU"], at: path + ".memoryPerVCPU", [.memoryPerVCPU]) else { return nil }
            if f.value == 0 { issue(m["memoryPerVCPU"], path + ".memoryPerVCPU", "must be positive") }
            return .proportional(memoryPerVCPU: f)
        case "table":
            let ghz = m["ghzPerVCPU"].flatMap { figure($0, at: path + ".ghzPerVCPU", [.ghzPerVCPU]) }
            guard let t = mapping(m["table"], at: path + ".table", allowed: ["source", "rows"], required: ["source", "rows"]),
                  let source = sourceRef(t["source"], at: path + ".table.source") else { return nil }
            guard case .sequence(let items, _)? = t["rows"], !items.isEmpty else {
                issue(t["rows"], path + ".table.rows", "expected a non-empty list of {memoryMB, vcpu, ghz}")
                return nil
            }
            var rows: [Billing.CPURow] = []
            for (index, item) in items.enumerated() {
                let p = "\(path).table.rows[\(index)]"
                guard let r = mapping(item, at: p, allowed: ["memoryMB", "vcpu", "ghz"], required: ["memoryMB", "vcpu"]),
                      let mb = number(r["memoryMB"], at: p + ".memoryMB"),
                      let vcpu = number(r["vcpu"], at: p + ".vcpu") else { continue }
                let ghz = r["ghz"].flatMap { number($0, at: p + ".ghz") }
                if let last = rows.last, Decimal(last.memoryMB) >= mb {
                    issue(r["memoryMB"], p + ".memoryMB", "rows must be in ascending memory order")
                }
                rows.append(Billing.CPURow(memoryMB: NSDecimalNumber(decimal: mb).intValue, vcpu: vcpu, ghz: ghz, source: source))
            }
            return .table(rows: rows, ghzPerVCPU: ghz)
        case "configured":
            guard let f = figure(m["defaultVCPU"], at: path + ".defaultVCPU", [.vcpu]) else { return nil }
            return .configured(defaultVCPU: f)
        case "none":
            return Billing.CPURule.none
        case let other?:
            issue(m["coupling"], path + ".coupling", "expected one of proportional, table, configured, none; found '\(other)'")
            return nil
        case nil:
            return nil
        }
    }

    private mutating func readFreeGrant(_ node: YAMLTree, at path: String) -> Billing.FreeGrant {
        guard let m = mapping(node, at: path, allowed: ["requests", "memory", "cpu", "egress"], required: []) else {
            return Billing.FreeGrant()
        }
        return Billing.FreeGrant(
            requests: m["requests"].flatMap { figure($0, at: path + ".requests", [.count]) },
            memory: m["memory"].flatMap { figure($0, at: path + ".memory", [.memorySeconds]) },
            cpu: m["cpu"].flatMap { figure($0, at: path + ".cpu", [.vcpuSeconds, .ghzSeconds]) },
            egress: m["egress"].flatMap { figure($0, at: path + ".egress", [.data]) })
    }

    private mutating func readInit(_ node: YAMLTree?, at path: String) -> Billing.InitRule? {
        guard let m = mapping(node, at: path, allowed: ["billed", "since", "source"], required: ["billed", "source"]) else { return nil }
        let billed = bool(m["billed"], at: path + ".billed")
        let since = m["since"].flatMap { date($0, at: path + ".since") }
        let source = sourceRef(m["source"], at: path + ".source")
        guard let billed, let source else { return nil }
        return Billing.InitRule(billed: billed, since: since, source: source)
    }

    private mutating func readProvisioned(_ node: YAMLTree, at path: String) -> Billing.Provisioned? {
        guard let m = mapping(node, at: path, allowed: ["label", "memoryPrice", "cpuPrice", "executionMemoryPrice", "rounding", "freeGrantApplies", "source"],
                              required: ["label", "memoryPrice", "freeGrantApplies"]) else { return nil }
        let label = string(m["label"], at: path + ".label")
        let memoryPrice = figure(m["memoryPrice"], at: path + ".memoryPrice", [.pricePerMemorySecond])
        let cpuPrice = m["cpuPrice"].flatMap { figure($0, at: path + ".cpuPrice", [.pricePerVCPUSecond, .pricePerGHzSecond]) }
        let exec = m["executionMemoryPrice"].flatMap { figure($0, at: path + ".executionMemoryPrice", [.pricePerMemorySecond]) }
        let rounding = m["rounding"].flatMap { figure($0, at: path + ".rounding", [.duration]) }
        let free = bool(m["freeGrantApplies"], at: path + ".freeGrantApplies")
        if let ref = m["source"] { _ = sourceRef(ref, at: path + ".source") }
        guard let label, let memoryPrice, let free else { return nil }
        return Billing.Provisioned(label: label, memoryPrice: memoryPrice, cpuPrice: cpuPrice, executionMemoryPrice: exec,
                                   rounding: rounding, freeGrantApplies: free)
    }

    private mutating func readInstanceBased(_ node: YAMLTree, at path: String) -> Billing.InstanceBased? {
        guard let m = mapping(node, at: path, allowed: ["memoryPrice", "cpuPrice", "freeGrant"], required: ["memoryPrice", "cpuPrice"]) else { return nil }
        let memoryPrice = figure(m["memoryPrice"], at: path + ".memoryPrice", [.pricePerMemorySecond])
        let cpuPrice = figure(m["cpuPrice"], at: path + ".cpuPrice", [.pricePerVCPUSecond, .pricePerGHzSecond])
        let free = m["freeGrant"].map { readFreeGrant($0, at: path + ".freeGrant") } ?? Billing.FreeGrant()
        guard let memoryPrice, let cpuPrice else { return nil }
        return Billing.InstanceBased(memoryPrice: memoryPrice, cpuPrice: cpuPrice, freeGrant: free)
    }

    // MARK: - Limits, keep-alive, cold start, control plane

    private mutating func readLimits(_ node: YAMLTree?, at path: String) -> Limits? {
        guard let m = mapping(node, at: path, allowed: ["timeout", "concurrency", "scaleOut", "maxInstances", "perInstanceConcurrency", "scalingUnit",
                                                          "heldMaxAge", "concurrencyByMemory", "queueConcurrency", "newAccountConcurrency"],
                              required: ["scalingUnit"]) else { return nil }
        var envs: Figure?
        var period: Figure?
        if let node = m["scaleOut"], let s = mapping(node, at: path + ".scaleOut", allowed: ["environments", "per"], required: ["environments", "per"]) {
            envs = figure(s["environments"], at: path + ".scaleOut.environments", [.count])
            period = figure(s["per"], at: path + ".scaleOut.per", [.duration])
        }
        let unit: Limits.ScalingUnit = choice(m["scalingUnit"], at: path + ".scalingUnit") ?? .function
        var rows: [Limits.ConcurrencyRow] = []
        if let node = m["concurrencyByMemory"],
           let t = mapping(node, at: path + ".concurrencyByMemory", allowed: ["source", "rows"], required: ["source", "rows"]),
           let source = sourceRef(t["source"], at: path + ".concurrencyByMemory.source") {
            if case .sequence(let items, _)? = t["rows"], !items.isEmpty {
                for (index, item) in items.enumerated() {
                    let p = "\(path).concurrencyByMemory.rows[\(index)]"
                    guard let r = mapping(item, at: p, allowed: ["memoryMB", "requests"], required: ["memoryMB", "requests"]),
                          let mb = number(r["memoryMB"], at: p + ".memoryMB"),
                          let requests = number(r["requests"], at: p + ".requests") else { continue }
                    let row = Limits.ConcurrencyRow(memoryMB: NSDecimalNumber(decimal: mb).intValue,
                                                    requests: NSDecimalNumber(decimal: requests).intValue, source: source)
                    if row.requests < 1 { issue(r["requests"], p + ".requests", "an instance serves at least 1 request") }
                    if let last = rows.last, last.memoryMB >= row.memoryMB {
                        issue(r["memoryMB"], p + ".memoryMB", "rows must be in ascending memory order")
                    }
                    rows.append(row)
                }
            } else {
                issue(t["rows"], path + ".concurrencyByMemory.rows", "expected a non-empty list of {memoryMB, requests}")
            }
        }
        return Limits(
            timeout: m["timeout"].flatMap { figure($0, at: path + ".timeout", [.duration]) },
            concurrency: m["concurrency"].flatMap { figure($0, at: path + ".concurrency", [.count]) },
            newAccountConcurrency: m["newAccountConcurrency"].flatMap { figure($0, at: path + ".newAccountConcurrency", [.count]) },
            scaleOutEnvironments: envs, scaleOutPeriod: period,
            maxInstances: m["maxInstances"].flatMap { figure($0, at: path + ".maxInstances", [.count]) },
            perInstanceConcurrency: m["perInstanceConcurrency"].flatMap { figure($0, at: path + ".perInstanceConcurrency", [.count]) },
            concurrencyByMemory: rows,
            queueConcurrency: m["queueConcurrency"].flatMap { figure($0, at: path + ".queueConcurrency", [.count]) },
            scalingUnit: unit,
            heldMaxAge: m["heldMaxAge"].flatMap { figure($0, at: path + ".heldMaxAge", [.duration]) })
    }

    private mutating func readKeepAlive(_ node: YAMLTree?, at path: String) -> KeepAlive? {
        guard let m = mapping(node, at: path, allowed: ["policy", "idle", "grace", "poolMemory", "prewarmed", "prewarmedMemory",
                                                                 "prewarmedRefill", "poolMissColdStart", "pause", "provisioned"], required: ["policy"]) else { return nil }
        guard let policy: KeepAlive.Policy = choice(m["policy"], at: path + ".policy") else { return nil }
        let k = KeepAlive(
            policy: policy,
            idle: m["idle"].flatMap { figure($0, at: path + ".idle", [.duration]) },
            grace: m["grace"].flatMap { figure($0, at: path + ".grace", [.duration]) },
            poolMemory: m["poolMemory"].flatMap { figure($0, at: path + ".poolMemory", [.memory]) },
            prewarmed: m["prewarmed"].flatMap { figure($0, at: path + ".prewarmed", [.count]) },
            prewarmedMemory: m["prewarmedMemory"].flatMap { figure($0, at: path + ".prewarmedMemory", [.memory]) },
            prewarmedRefill: m["prewarmedRefill"].flatMap { figure($0, at: path + ".prewarmedRefill", [.duration]) },
            poolMissColdStart: m["poolMissColdStart"].flatMap { figure($0, at: path + ".poolMissColdStart", [.duration]) },
            pause: m["pause"].flatMap { figure($0, at: path + ".pause", [.duration]) },
            provisioned: m["provisioned"].flatMap { figure($0, at: path + ".provisioned", [.count]) })
        if [.fixedIdle, .scaleToZero].contains(policy), m["idle"] == nil {
            issue(node, path + ".idle", "policy '\(policy.rawValue)' needs an idle time")
        }
        if policy == .memoryPool, m["poolMemory"] == nil {
            issue(node, path + ".poolMemory", "policy 'memory-pool' needs the pool's memory")
        }
        if policy == .prewarmedPool, m["prewarmed"] == nil {
            issue(node, path + ".prewarmed", "policy 'prewarmed-pool' needs the number of pre-warmed instances")
        }
        if m["prewarmed"] != nil {
            for key in ["prewarmedMemory", "prewarmedRefill", "poolMissColdStart"] where m[key] == nil {
                issue(node, path + "." + key, "a pre-warmed pool ('prewarmed') needs \(key): the generic instance's memory, the time an emptied slot takes to refill, and the cold start of a call that finds the pool empty")
            }
        }
        return k
    }

    /// Whether `text` is spelled as a target id is: lower-case letters, digits and '-'.
    private static func isTargetID(_ text: String) -> Bool {
        text.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }
    }

    private mutating func readColdStart(_ node: YAMLTree, at path: String) -> ColdStart? {
        guard let m = mapping(node, at: path, allowed: ["model", "median", "p99", "drawsAs"], required: ["model"]),
              let model: ColdStart.Model = choice(m["model"], at: path + ".model") else { return nil }
        let drawsAs = m["drawsAs"].flatMap { string($0, at: path + ".drawsAs") }
        if let drawsAs, !Self.isTargetID(drawsAs) {
            issue(m["drawsAs"], path + ".drawsAs", "a target id is lower-case letters, digits and '-', found '\(drawsAs)'")
        }
        return ColdStart(model: model,
                         median: m["median"].flatMap { figure($0, at: path + ".median", [.duration]) },
                         p99: m["p99"].flatMap { figure($0, at: path + ".p99", [.duration]) },
                         drawsAs: drawsAs)
    }

    private mutating func readControlPlane(_ node: YAMLTree, at path: String) -> ControlPlane? {
        guard let m = mapping(node, at: path, allowed: ["memory", "cpu", "components"], required: []) else { return nil }
        var components: [String] = []
        if let node = m["components"] {
            if case .sequence(let items, _) = node {
                components = items.enumerated().compactMap { string($1, at: "\(path).components[\($0)]") }
            } else {
                issue(node, path + ".components", "expected a list of names")
            }
        }
        return ControlPlane(memory: m["memory"].flatMap { figure($0, at: path + ".memory", [.memory]) },
                            cpu: m["cpu"].flatMap { figure($0, at: path + ".cpu", [.vcpu]) },
                            components: components)
    }

    private mutating func readLicence(_ node: YAMLTree, at path: String) -> Licence? {
        guard let m = mapping(node, at: path, allowed: ["name", "terms", "commercialEdition", "commercialPrice", "source"],
                              required: ["name", "source"]) else { return nil }
        let edition = m["commercialEdition"].flatMap { string($0, at: path + ".commercialEdition") }
        let price = m["commercialPrice"].flatMap { string($0, at: path + ".commercialPrice") }
        if edition != nil, price == nil {
            issue(node, path + ".commercialPrice", "a commercial edition needs its published price, or on-request where the vendor publishes none")
        }
        guard let name = string(m["name"], at: path + ".name"), let source = sourceRef(m["source"], at: path + ".source") else { return nil }
        return Licence(name: name, terms: m["terms"].flatMap { string($0, at: path + ".terms") }, commercialEdition: edition,
                       commercialPrice: price, source: source)
    }

    private mutating func readInstance(_ node: YAMLTree, at path: String) -> InstanceFootprint? {
        guard let m = mapping(node, at: path, allowed: ["overhead", "defaultMemory", "minMemory"], required: []) else { return nil }
        return InstanceFootprint(overhead: m["overhead"].flatMap { figure($0, at: path + ".overhead", [.memory]) },
                                 defaultMemory: m["defaultMemory"].flatMap { figure($0, at: path + ".defaultMemory", [.memory]) },
                                 minMemory: m["minMemory"].flatMap { figure($0, at: path + ".minMemory", [.memory]) })
    }

    private mutating func readPlacement(_ node: YAMLTree, at path: String) -> NodePlacement? {
        guard let m = mapping(node, at: path, allowed: ["rule", "nodeChoice", "whenFull", "evictIdle", "source"],
                              required: ["rule", "nodeChoice", "whenFull", "evictIdle", "source"]) else { return nil }
        let rule: NodePlacement.Rule? = choice(m["rule"], at: path + ".rule")
        let nodeChoice: NodePlacement.NodeChoice? = choice(m["nodeChoice"], at: path + ".nodeChoice")
        let whenFull: NodePlacement.WhenFull? = choice(m["whenFull"], at: path + ".whenFull")
        let evict = bool(m["evictIdle"], at: path + ".evictIdle")
        let source = sourceRef(m["source"], at: path + ".source")
        guard let rule, let nodeChoice, let whenFull, let evict, let source else { return nil }
        return NodePlacement(rule: rule, nodeChoice: nodeChoice, whenFull: whenFull, evictIdle: evict, source: source)
    }

    // MARK: - Primitives

    mutating func issue(_ node: YAMLTree?, _ path: String, _ message: String) {
        // A missing node is reported once, by its parent's `required` check.
        if node == nil, issues.contains(where: { $0.path == path }) { return }
        issues.append(ProfileIssue(file: file, line: node?.line ?? 0, path: path, message: message))
    }

    mutating func mapping(_ node: YAMLTree?, at path: String, allowed: [String], required: [String]) -> YAMLTree? {
        guard let node else {
            issue(nil, path, "missing")
            return nil
        }
        guard case .mapping(let pairs, _) = node else {
            issue(node, path, "expected a mapping")
            return nil
        }
        for (key, value) in pairs where !allowed.contains(key) {
            let full = path.isEmpty ? key : "\(path).\(key)"
            issue(value, full, "unknown field (allowed here: \(allowed.joined(separator: ", ")))")
        }
        for key in required where node[key] == nil {
            issue(node, path.isEmpty ? key : "\(path).\(key)", "missing")
        }
        return node
    }

    mutating func string(_ node: YAMLTree?, at path: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let text, _) = node, !text.isEmpty else {
            issue(node, path, "expected a text value")
            return nil
        }
        return text
    }

    mutating func date(_ node: YAMLTree?, at path: String) -> String? {
        guard let text = string(node, at: path) else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let ok = parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2
            && parts.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
            && (1...12).contains(Int(parts[1]) ?? 0) && (1...31).contains(Int(parts[2]) ?? 0)
        if !ok { issue(node, path, "expected a date YYYY-MM-DD, found '\(text)'") }
        return ok ? text : nil
    }

    /// `checked`: the date the address was last re-read for the figure, or `false`.
    mutating func readChecked(_ node: YAMLTree?, at path: String) -> Checked? {
        guard let text = string(node, at: path) else { return nil }
        if text == "false" { return .never }
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else {
            issue(node, path, "expected the date the figure was last re-checked (YYYY-MM-DD) or false, found '\(text)'")
            return nil
        }
        return date(node, at: path).map { .on($0) }
    }

    mutating func readConfidence(_ node: YAMLTree?, at path: String) -> Confidence? {
        guard let text = string(node, at: path) else { return nil }
        switch Confidence.parse(text) {
        case .success(let value): return value
        case .failure(let error):
            issue(node, path, error.description)
            return nil
        }
    }

    mutating func bool(_ node: YAMLTree?, at path: String) -> Bool? {
        guard let text = string(node, at: path) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            issue(node, path, "expected true or false, found '\(text)'")
            return nil
        }
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ node: YAMLTree?, at path: String) -> E? where E.RawValue == String {
        guard let text = string(node, at: path) else { return nil }
        if let value = E(rawValue: text) { return value }
        issue(node, path, "expected one of \(E.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'")
        return nil
    }

    /// A plain non-negative decimal number, read from its text (never through `Double`).
    private mutating func number(_ node: YAMLTree?, at path: String) -> Decimal? {
        guard let text = string(node, at: path) else { return nil }
        guard let value = Self.decimal(text) else {
            issue(node, path, "expected a number, found '\(text)'")
            return nil
        }
        if value < 0 {
            issue(node, path, "must not be negative, found \(text)")
            return nil
        }
        return value
    }

    /// The whole of `text` as a decimal: an optional sign, digits with at most one point, an
    /// optional exponent of up to two digits (`_` separates digit groups). `Decimal(string:)`
    /// alone reads a prefix (`0.2.0.5` would be 0.2), so the shape is checked first.
    static func decimal(_ text: String) -> Decimal? {
        let cleaned = Array(text.replacingOccurrences(of: "_", with: "").utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < cleaned.count, cleaned[i] >= 48, cleaned[i] <= 57 { i += 1 }
            return i - start
        }
        if i < cleaned.count, cleaned[i] == 43 || cleaned[i] == 45 { i += 1 }
        var mantissa = digits()
        if i < cleaned.count, cleaned[i] == 46 { i += 1; mantissa += digits() }
        guard mantissa > 0 else { return nil }
        if i < cleaned.count, cleaned[i] == 101 || cleaned[i] == 69 {
            i += 1
            if i < cleaned.count, cleaned[i] == 43 || cleaned[i] == 45 { i += 1 }
            let exponent = digits()
            guard exponent > 0, exponent <= 2 else { return nil }
        }
        guard i == cleaned.count else { return nil }
        return Decimal(string: String(decoding: cleaned, as: UTF8.self), locale: Locale(identifier: "en_US_POSIX"))
    }

    /// The largest canonical value of a dimension a profile may give: counts are held in 32 bits
    /// by the engine, durations (ms) and memory (MB) up to about 31 years and an exabyte, and
    /// prices and rates far above any list price.
    static func ceiling(_ dimension: Dimension) -> Decimal {
        switch dimension {
        case .count: return Decimal(Int(Int32.max))
        case .duration, .memory: return Decimal(sign: .plus, exponent: 12, significand: 1)
        default: return Decimal(sign: .plus, exponent: 15, significand: 1)
        }
    }

    mutating func sourceRef(_ node: YAMLTree?, at path: String) -> String? {
        guard let name = string(node, at: path) else {
            if node == nil { issue(nil, path, "missing") }
            return nil
        }
        usedSources.insert(name)
        if !sourceNames.contains(name) {
            issue(node, path, "source '\(name)' is not defined under sources")
            return nil
        }
        return name
    }

    /// A figure: `{value: 0.20, unit: USD/1M-requests, source: aws-pricing}`.
    private mutating func figure(_ node: YAMLTree?, at path: String, _ dimensions: [Dimension]) -> Figure? {
        guard let m = mapping(node, at: path, allowed: ["value", "unit", "source"], required: ["value", "unit", "source"]) else { return nil }
        let value = number(m["value"], at: path + ".value")
        var unit: Unit?
        if let symbol = string(m["unit"], at: path + ".unit") {
            let expected = Unit.symbols(of: dimensions)
            if let u = Unit.named(symbol), dimensions.contains(u.dimension) {
                unit = u
            } else {
                issue(m["unit"], path + ".unit", "expected one of \(expected.joined(separator: ", ")), found '\(symbol)'")
            }
        }
        let source = sourceRef(m["source"], at: path + ".source")
        guard let value, let unit, let source else { return nil }
        let f = Figure(value: value, unit: unit, source: source)
        let ceiling = Self.ceiling(unit.dimension)
        if f.canonical > ceiling {
            issue(m["value"], path + ".value", "\(value) \(unit.symbol) is out of range for a \(unit.dimension.rawValue) (at most \(ceiling) in its base unit)")
            return nil
        }
        var exact = f.canonical, whole = Decimal()
        NSDecimalRound(&whole, &exact, 0, .plain)
        if unit.dimension == .count, whole != f.canonical {
            issue(m["value"], path + ".value", "expected a whole number, found \(value)")
            return nil
        }
        figures.append((path, f))
        return f
    }
}

/// Every issue found in one file.
public struct ProfileIssues: Error, Sendable, CustomStringConvertible {
    public var issues: [ProfileIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
