import Crypto
import Foundation
import Pricing
import Results
import Simulation
import Store
import Traces

/// `placer simulate --shard K/N` and `placer merge`: a run split by app among N processes or
/// machines, and put together again into the result one run would write (docs/scale.md).
public enum ShardedRun {
    /// Replays the apps of `shard` and returns the partial result's JSON text
    /// (`placer.partial/v2`): the replay's totals, the run's identity (a SHA-256 of the trace's
    /// bytes, the deployment, catalog and calibration files and every option that changes the
    /// result) and the sections every shard computes alike (lock-in, memory).
    public static func partial(_ request: SimulationRequest, shard: Shard,
                               progress: some ProgressObserver = IgnoringProgress()) throws -> (json: String, apps: Int, of: Int) {
        guard !request.placementFollows else { throw UseCaseError.usage("--shard: only `placer simulate` runs in shards") }
        let identity = try RunIdentity(request)
        let setup = try TargetSetup(request)
        let cluster = try FixedClusterChoice(servers: request.servers, deployment: setup.plan)
        let store = try Inputs.trace(request.paths, format: request.format, skipInvalidRows: request.skipInvalidRows, progress: progress)
        var workload = try SimulationRun.workload(store, deployment: setup.plan, inferredFloorMB: setup.catalog.smallestCloudMemoryMB,
                                                  periodSeconds: request.periodSeconds)
        if let accounts = request.accounts { workload.accounts = accounts }
        var targets = setup.targets
        for i in targets.indices where targets[i].profile.kind == .onprem {
            targets[i].model.cluster = try cluster.model(for: targets[i].profile, workload: workload)
        }
        let part: PartialRun
        do { part = try Simulator.runShard(workload, targets: targets, options: request.options, shard: shard) } catch let error as ShardError {
            throw UseCaseError.usage("--shard \(shard): \(error)")
        } catch let error as PricingError {
            throw UseCaseError.usage("\(error)")
        }
        // The sections need a result's targets only for the calibration fit, which a shard
        // cannot give (it saw some functions): refused in `RunIdentity`.
        let sections = try SimulationRun.sections(request: request, store: store, workload: workload, setup: setup,
                                                  outcomes: [], progress: progress).sections
        var extra = identity.jsonFields()
        extra["sections"] = .object(sections.mapValues { value in
            var text = ""
            value.write(into: &text)
            return .array(chunks(text).map { .string($0) })
        })
        var out = ""
        part.jsonValue(extra: extra).write(into: &out)
        return (out + "\n", part.appsReplayed, part.appCount)
    }

    /// Writes a partial (`partial`'s JSON) all or nothing.
    public static func write(_ json: String, to path: String) throws {
        try Outputs.write(json, to: path, what: "the partial result")
    }

    /// Reads the partials at `paths` (all N shards of one run, any order) and gives the whole
    /// run's result: the same bytes `placer simulate` without `--shard` writes.
    public static func merge(_ paths: [String]) throws -> SimulationResult {
        guard !paths.isEmpty else { throw UseCaseError.usage("give the partial results to merge (placer simulate --shard K/N --json FILE)") }
        var parts: [PartialRun] = []
        var identities: [RunIdentity] = []
        var sections: [String] = []
        var sectionValues: [String: JSONValue] = [:]
        for path in paths {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw UseCaseError.badInput("\(path): cannot read (\((error as NSError).localizedDescription))")
            }
            do {
                let root = try JSONNode.parse(data, file: path)
                parts.append(try PartialRun(json: root, file: path))
                identities.append(try RunIdentity(json: root, file: path))
                // Compared as text below; written into the result as they are.
                let value = try rawSections(root, file: path)
                sections.append(value.text)
                if sectionValues.isEmpty { sectionValues = value.fields }
            } catch let error as ResultError {
                throw UseCaseError.badInput(error.description)
            }
        }
        for (i, identity) in identities.enumerated() where identity.digest != identities[0].digest {
            throw UseCaseError.badInput("\(paths[i]): a partial of another run (input \(identity.digest.prefix(12))…, not \(identities[0].digest.prefix(12))… as \(paths[0])): shards must replay the same trace, files and options")
        }
        for (i, text) in sections.enumerated() where text != sections[0] {
            throw UseCaseError.badInput("\(paths[i]): its lock-in or memory section differs from \(paths[0])'s")
        }
        let request = identities[0].request
        try identities[0].checkFilesUnchanged()
        let setup = try TargetSetup(request)
        var result: SimulationResult
        do { result = try Simulator.merge(parts, targets: setup.targets) } catch let error as ShardError {
            if case .quotaMayBind = error { throw UseCaseError.usage("\(error)") }
            throw UseCaseError.badInput("\(error)")
        } catch let error as PricingError {
            throw UseCaseError.usage("\(error)")
        }
        for (key, value) in sectionValues { result.sections[key] = value }
        return result
    }

    /// The partial's `sections` as raw JSON per key (written back byte for byte) and as one text.
    /// Each is JSON text in pieces of at most 256 KB (a string in a JSON file is bounded,
    /// `PLACER_MAX_JSON_STRING_BYTES`).
    static func rawSections(_ root: JSONNode, file: String) throws -> (fields: [String: JSONValue], text: String) {
        guard let node = root["sections"], let fields = node.object else { throw ResultError(file: file, message: "sections: missing") }
        var out: [String: JSONValue] = [:]
        var text = ""
        for key in fields.keys.sorted() {
            guard let pieces = fields[key]!.array?.compactMap(\.string), pieces.count == fields[key]!.array?.count else {
                throw ResultError(file: file, message: "sections.\(key): expected a list of text")
            }
            let raw = pieces.joined()
            out[key] = .raw(raw)
            text += key + "=" + raw + "\n"
        }
        return (out, text)
    }

    /// `text` in pieces of at most 256 KB, split between characters.
    static func chunks(_ text: String) -> [String] {
        var out: [String] = []
        var piece = ""
        var bytes = 0
        for c in text {
            let n = c.utf8.count
            if bytes + n > 262_144 { out.append(piece); piece = ""; bytes = 0 }
            piece.append(c); bytes += n
        }
        if !piece.isEmpty || out.isEmpty { out.append(piece) }
        return out
    }
}

/// What makes two shards parts of one run: the request's options that change the result, the
/// paths of the files the merge reads again, and a SHA-256 of every input's bytes.
struct RunIdentity {
    var request: SimulationRequest
    /// SHA-256 (hex) of the options and every input's bytes.
    var digest: String
    /// Per file the merge reads again (deployment, catalog, calibration): its SHA-256.
    var files: [String: String]

    init(_ request: SimulationRequest) throws {
        guard request.calibration == nil || (try? Inputs.calibrationFile(request.calibration)).map({ if case .observed = $0 { return false }; return true }) ?? true else {
            throw UseCaseError.usage("--shard: a fit from `placer calibrate --from` checks its error on the whole trace's calls; simulate without --shard")
        }
        self.request = request
        var files: [String: String] = [:]
        for path in [request.deployment, request.calibration].compactMap({ $0 }) { files[path] = try Self.digest(of: [path]) }
        if let catalog = request.catalog { files[catalog] = try Self.digest(of: [catalog]) }
        self.files = files
        var hasher = SHA256()
        hasher.update(data: Data(Self.options(request).utf8))
        for key in files.keys.sorted() { hasher.update(data: Data("\(key)=\(files[key]!)\n".utf8)) }
        hasher.update(data: Data("trace=\(try Self.digest(of: request.paths))\n".utf8))
        digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The options that change a result, one line each (not the threads, which never do).
    static func options(_ r: SimulationRequest) -> String {
        [
            "targets=\(r.targets.joined(separator: ","))", "deployment=\(r.deployment ?? "")", "seed=\(r.seed)", "arrivals=\(r.arrivals.rawValue)",
            "catalog=\(r.catalog ?? "")", "region=\(r.region ?? "")", "keepAlive=\(r.keepAlive?.rawValue ?? "")",
            "format=\(r.format?.rawValue ?? "")", "current=\(r.current ?? "")", "freeTier=\(r.freeTier)", "skipInvalidRows=\(r.skipInvalidRows)",
            "exact=\(r.exact)", "calibration=\(r.calibration ?? "")", "period=\(r.periodSeconds.map { "\($0)" } ?? "")",
            "servers=\(r.servers.map(String.init) ?? "")", "accounts=\(r.accounts?.rawValue ?? "")",
        ].joined(separator: "\n") + "\n"
    }

    /// SHA-256 (hex) of the files at `paths` in order, a folder's files by relative path.
    static func digest(of paths: [String]) throws -> String {
        var hasher = SHA256()
        let manager = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { throw UseCaseError.usage("\(path): no such file or folder") }
            var files: [(name: String, path: String)] = [("", path)]
            if isFolder.boolValue {
                let names = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
                files = names.compactMap { name in
                    let full = (path as NSString).appendingPathComponent(name)
                    var dir: ObjCBool = false
                    return manager.fileExists(atPath: full, isDirectory: &dir) && !dir.boolValue ? (name, full) : nil
                }
            }
            for file in files {
                guard let handle = FileHandle(forReadingAtPath: file.path) else { throw UseCaseError.badInput("\(file.path): cannot read") }
                defer { try? handle.close() }
                hasher.update(data: Data("file \(file.name)\n".utf8))
                while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func jsonFields() -> [String: JSONValue] {
        let r = request
        return [
            "input": .object([
                "digest": .string(digest),
                "files": .object(files.mapValues { .string($0) }),
                "request": .object([
                    "targets": .array(r.targets.map { .string($0) }), "deployment": r.deployment.map { .string($0) } ?? .null,
                    "seed": .string(String(r.seed)), "arrivals": .string(r.arrivals.rawValue), "catalog": r.catalog.map { .string($0) } ?? .null,
                    "region": r.region.map { .string($0) } ?? .null, "keepAlive": r.keepAlive.map { .string($0.rawValue) } ?? .null,
                    "freeTier": .bool(r.freeTier), "calibration": r.calibration.map { .string($0) } ?? .null,
                ]),
            ]),
        ]
    }

    /// Reads the identity of a partial (what `jsonFields` wrote).
    init(json root: JSONNode, file: String) throws {
        func fail(_ what: String) -> ResultError { ResultError(file: file, message: "input.\(what): missing or not as `placer simulate --shard` writes it") }
        guard let input = root["input"], let digest = input["digest"]?.string, let q = input["request"],
              let files = input["files"]?.object else { throw fail("digest") }
        self.digest = digest
        var fileDigests: [String: String] = [:]
        for (path, node) in files {
            guard let d = node.string else { throw fail("files") }
            fileDigests[path] = d
        }
        self.files = fileDigests
        func optional(_ key: String) throws -> String? {
            guard let node = q[key] else { throw fail("request.\(key)") }
            if node.isNull { return nil }
            guard let s = node.string else { throw fail("request.\(key)") }
            return s
        }
        guard let targets = q["targets"]?.array?.compactMap(\.string), let seed = q["seed"]?.string.flatMap({ UInt64($0) }),
              let arrivals = q["arrivals"]?.string.flatMap({ ArrivalMode(rawValue: $0) }),
              case .bool(let freeTier)? = q["freeTier"]?.value else { throw fail("request") }
        var request = SimulationRequest(paths: [], targets: targets, deployment: try optional("deployment"), seed: seed, arrivals: arrivals,
                                        catalog: try optional("catalog"), region: try optional("region"), freeTier: freeTier,
                                        calibration: try optional("calibration"))
        if let keepAlive = try optional("keepAlive") {
            guard let choice = KeepAliveChoice(rawValue: keepAlive) else { throw fail("request.keepAlive") }
            request.keepAlive = choice
        }
        self.request = request
    }

    /// Fails when a file the shards read (deployment, catalog, calibration) is missing here or
    /// changed since: the merge prices with them.
    func checkFilesUnchanged() throws {
        for (path, recorded) in files.sorted(by: { $0.key < $1.key }) {
            let now: String
            do { now = try Self.digest(of: [path]) } catch {
                throw UseCaseError.usage("\(path): the shards read it, the merge needs it too (run the merge where it is, same path)")
            }
            guard now == recorded else {
                throw UseCaseError.badInput("\(path) changed since the shards ran (SHA-256 \(now.prefix(12))…, they read \(recorded.prefix(12))…): run the shards again")
            }
        }
    }
}
