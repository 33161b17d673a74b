import Foundation
import Testing
@testable import Traces

/// Collects what readers deliver, for round-trip checks.
final class CountingSink: TraceSink {
    var functions = Set<FunctionKey>()
    var triggers: [FunctionKey: Trigger] = [:]
    var seriesTotal: [String: Double] = [:]
    var perFunctionTotal: [FunctionKey: Double] = [:]
    var durationRows = 0
    var memoryRows = 0
    var invocations = 0
    var durationMs = 0.0
    var coldStarts = 0
    var untimed = 0

    func function(_ key: FunctionKey, owner: String?, trigger: Trigger?) throws {
        functions.insert(key)
        if let trigger { triggers[key] = trigger }
    }
    func minuteSeries(_ key: FunctionKey, _ series: MinuteSeries) throws {
        let sum = series.values.reduce(0, +)
        seriesTotal[series.metric, default: 0] += sum
        if series.metric == "invocations" { perFunctionTotal[key, default: 0] += sum }
    }
    func durations(_ key: FunctionKey, _ record: DurationPercentiles) throws { durationRows += 1 }
    func memory(app: String, owner: String?, _ record: MemoryPercentiles) throws { memoryRows += 1 }
    func invocation(_ key: FunctionKey, _ record: Invocation) throws {
        functions.insert(key)
        invocations += 1
        durationMs += record.durationMs
        if record.initMs != nil { coldStarts += 1 }
        if record.startSeconds == nil { untimed += 1 }
    }
}

/// A fresh temporary folder.
func temporaryFolder(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "placer-generation-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.removeItem(atPath: path)
    return path
}

/// Every regular file under `folder`, relative path → bytes.
func contents(of folder: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let path = folder + "/" + relative
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            result[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
    }
    return result
}

/// Everything about `placer generate`, under one name so that `swift test --filter GenerationTests` runs it all.
@Suite struct GenerationTests {
    @Suite struct SeededRandomTests {
        @Test func splitMix64MatchesTheReferenceStream() {
            // First outputs of SplitMix64 from state 0 (Vigna's splitmix64.c).
            var state: UInt64 = 0
            #expect(SeededRandom.splitMix64(&state) == 0xE220_A839_7B1D_CDAF)
            #expect(SeededRandom.splitMix64(&state) == 0x6E78_9E6A_A1B9_65F4)
        }

        @Test func sameSeedSameStreamDifferentSeedDifferentStream() {
            var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
            let xs = (0..<100).map { _ in a.next() }
            #expect(xs == (0..<100).map { _ in b.next() })
            #expect(xs != (0..<100).map { _ in c.next() })
            var s1 = SeededRandom(seed: 42, stream: 1, 2), s2 = SeededRandom(seed: 42, stream: 2, 1)
            #expect(s1.next() != s2.next())
        }

        @Test func uniformUsesTheTop53Bits() {
            var r = SeededRandom(seed: 9), copy = r
            let u = r.uniform()
            #expect(u == Double(copy.next() >> 11) * 0x1.0p-53)
            for _ in 0..<10_000 {
                let x = r.uniform()
                #expect(x >= 0 && x < 1)
            }
        }

        @Test func samplerMomentsAreRight() {
            var r = SeededRandom(seed: 2024)
            let n = 200_000
            func meanVar(_ draw: () -> Double) -> (Double, Double) {
                var s = 0.0, s2 = 0.0
                for _ in 0..<n { let x = draw(); s += x; s2 += x * x }
                let m = s / Double(n)
                return (m, s2 / Double(n) - m * m)
            }
            let (em, _) = meanVar { r.exponential(rate: 4) }
            #expect(abs(em - 0.25) < 0.005)
            let (nm, nv) = meanVar { r.normal() }
            #expect(abs(nm) < 0.01 && abs(nv - 1) < 0.01)
            for mean in [0.3, 4.0, 29.0, 30.0, 500.0] {
                let (pm, pv) = meanVar { Double(r.poisson(mean: mean)) }
                #expect(abs(pm - mean) < 0.02 * mean + 0.01, "Poisson(\(mean)) mean \(pm)")
                #expect(abs(pv - mean) < 0.05 * mean + 0.01, "Poisson(\(mean)) variance \(pv)")
            }
            var burr = (0..<n).map { _ in r.burrXII(c: 11.652, k: 0.221, lambda: 107.083) }
            burr.sort()
            #expect(abs(burr[n / 2] - 139.6) < 2)
            var lognormal = (0..<n).map { _ in r.logNormal(mu: -0.38, sigma: 2.36) }
            lognormal.sort()
            #expect(abs(log(lognormal[n / 2]) + 0.38) < 0.03)
            let ints = (0..<n).map { _ in r.int(below: 7) }
            #expect(Set(ints) == Set(0..<7))
        }
    }

    @Suite struct WorkloadShapeTests {
        let model = WorkloadModel(functions: 6000, seed: 11)

        @Test func appSizesFollowThePaper() {
            let sizes = model.apps.map(\.functions.count)
            let single = Double(sizes.filter { $0 == 1 }.count) / Double(sizes.count)
            let atMostTen = Double(sizes.filter { $0 <= 10 }.count) / Double(sizes.count)
            #expect(abs(single - 0.54) < 0.03, "single-function apps \(single)")
            #expect(abs(atMostTen - 0.95) < 0.02, "apps ≤ 10 functions \(atMostTen)")
            #expect(model.functions.count == 6000)
            #expect(model.apps.last?.functions.upperBound == 6000)
        }

        @Test func triggerMixByFunctionsFollowsThePaper() {
            // Published shares (storage and others split "others 5 %" evenly).
            let published: [Trigger: Double] = [.http: 0.55, .queue: 0.15, .event: 0.02, .timer: 0.16,
                                                 .orchestration: 0.07, .storage: 0.025, .others: 0.025]
            for trigger in Trigger.allCases {
                let share = Double(model.functions.filter { $0.trigger == trigger }.count) / Double(model.functions.count)
                let expected = published[trigger] ?? 0
                #expect(abs(share - expected) < 0.03, "\(trigger): \(share) of functions, expected \(expected)")
            }
        }

        @Test func ratesFollowThePaper() {
            let rates = model.apps.map(\.dailyRate)
            let hourly = Double(rates.filter { $0 <= 24 }.count) / Double(rates.count)
            let minutely = Double(rates.filter { $0 <= 1440 }.count) / Double(rates.count)
            #expect(abs(hourly - 0.45) < 0.04, "apps ≤ once an hour \(hourly)")
            #expect(abs(minutely - 0.81) < 0.03, "apps ≤ once a minute \(minutely)")
            let total = rates.reduce(0, +)
            let busy = rates.filter { $0 > 1440 }.reduce(0, +)
            #expect(busy / total > 0.98, "busy apps make \(busy / total) of invocations")
            let spread = log10(rates.max() ?? 1) - log10(rates.min() ?? 1)
            #expect(spread > 7.5, "rates span \(spread) orders of magnitude")
        }

        @Test func invocationShareLeansTowardQueueAndEventTriggers() {
            var byTrigger: [Trigger: Double] = [:]
            for f in model.functions { byTrigger[f.trigger, default: 0] += f.dailyRate }
            let total = byTrigger.values.reduce(0, +)
            let event = (byTrigger[.event] ?? 0) / total, timer = (byTrigger[.timer] ?? 0) / total
            // Heavy-tailed: only the direction is stable at a few thousand functions.
            #expect(event > 0.05, "event triggers make \(event) of invocations, 2 % of functions")
            #expect(timer < 0.08, "timer triggers make \(timer) of invocations, 16 % of functions")
        }

        @Test func durationsAndMemoryFollowThePaper() {
            let averages = model.functions.map(\.averageMs).sorted()
            let median = averages[averages.count / 2]
            #expect(abs(log(median / 1000) - (-0.38)) < 0.15, "median average \(median) ms")
            let underOneSecond = Double(averages.filter { $0 < 1000 }.count) / Double(averages.count)
            #expect(abs(underOneSecond - 0.56) < 0.04, "share under 1 s \(underOneSecond)")
            let memory = model.apps.map(\.memoryMB).sorted()
            let memoryMedian = memory[memory.count / 2]
            #expect(abs(memoryMedian - 139.6) < 10, "median app memory \(memoryMedian) MB")
        }

        @Test func generatedDayShowsTheShapeInTheFile() throws {
            let folder = temporaryFolder("shape")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let summary = try TraceGenerator.generate(GeneratorOptions(preset: .azure2019, functions: 3000, days: 1, seed: 5), into: folder)
            let sink = CountingSink()
            _ = try TraceFileReader.read(path: folder + "/invocations_per_function_md.anon.d01.csv", into: sink)
            var perApp: [String: Double] = [:]
            for key in sink.functions { perApp[key.app, default: 0] += sink.perFunctionTotal[key] ?? 0 }
            let quiet = Double(perApp.values.filter { $0 <= 24 }.count) / Double(perApp.count)
            #expect(abs(quiet - 0.45) < 0.06, "apps with ≤ 24 invocations in the day: \(quiet)")
            #expect(perApp.count == summary.apps)
        }
    }

    @Suite struct GenerationDeterminismTests {
        @Test(arguments: GeneratorPreset.allCases)
        func sameSeedSameBytesDifferentSeedDifferentBytes(preset: GeneratorPreset) throws {
            let a = temporaryFolder("a"), b = temporaryFolder("b"), c = temporaryFolder("c")
            defer { for f in [a, b, c] { try? FileManager.default.removeItem(atPath: f) } }
            let options = GeneratorOptions(preset: preset, functions: 40, days: 1, seed: 77, maxDailyRate: 400)
            _ = try TraceGenerator.generate(options, into: a)
            _ = try TraceGenerator.generate(options, into: b)
            var other = options
            other.seed = 78
            _ = try TraceGenerator.generate(other, into: c)
            let first = try contents(of: a)
            #expect(!first.isEmpty)
            #expect(first == (try contents(of: b)))
            #expect(first != (try contents(of: c)))
        }

        @Test func aLaterStartDayWritesTheSameDay() throws {
            let full = temporaryFolder("full"), late = temporaryFolder("late")
            defer { for f in [full, late] { try? FileManager.default.removeItem(atPath: f) } }
            _ = try TraceGenerator.generate(GeneratorOptions(preset: .azure2019, functions: 50, days: 2, seed: 3), into: full)
            _ = try TraceGenerator.generate(GeneratorOptions(preset: .azure2019, functions: 50, days: 1, seed: 3, startDay: 2), into: late)
            let a = try contents(of: full), b = try contents(of: late)
            #expect(b.count == 3)
            for (name, bytes) in b { #expect(a[name] == bytes, "\(name) differs") }
        }

        @Test func badOptionsAreRefusedWithASentence() {
            for options in [
                GeneratorOptions(preset: .azure2019, functions: 0, days: 1, seed: 1),
                GeneratorOptions(preset: .azure2019, functions: 5, days: 0, seed: 1),
                GeneratorOptions(preset: .azure2019, functions: 5, days: 1, seed: 1, startDay: 0),
                GeneratorOptions(preset: .invocations, functions: 5, days: 1, seed: 1, maxDailyRate: -1),
            ] {
                #expect(throws: GenerationError.self) { try options.validate() }
            }
        }
    }

    @Suite struct GenerationRoundTripTests {
        /// Reads every file the generator wrote back through the readers.
        func readBack(_ folder: String, _ summary: GenerationSummary) throws -> CountingSink {
            let sink = CountingSink()
            for file in summary.files {
                let read = try TraceFileReader.read(path: folder + "/" + file, into: sink)
                #expect(read.skippedCount == 0)
                #expect(read.rows > 0, "\(file) has no rows")
            }
            return sink
        }

        @Test func azure2019() throws {
            let folder = temporaryFolder("rt-azure2019")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let summary = try TraceGenerator.generate(
                GeneratorOptions(preset: .azure2019, functions: 200, days: 2, seed: 4, startDay: 12), into: folder)
            // Day 12 has a memory file, day 13 has none, like the real trace.
            #expect(summary.files.sorted() == [
                "app_memory_percentiles.anon.d12.csv",
                "function_durations_percentiles.anon.d12.csv", "function_durations_percentiles.anon.d13.csv",
                "invocations_per_function_md.anon.d12.csv", "invocations_per_function_md.anon.d13.csv",
            ])
            let sink = try readBack(folder, summary)
            #expect(sink.functions.count == 200)
            #expect(sink.seriesTotal["invocations"] == Double(summary.invocations))
            #expect(sink.durationRows == summary.durationRows)
            #expect(sink.memoryRows == summary.memoryRows)
            #expect(summary.invocations > 0 && summary.durationRows > 0 && summary.memoryRows > 0)
        }

        @Test(arguments: [GeneratorPreset.invocations, .azure2021, .lambdaLog, .lambdaInsights])
        func perInvocation(preset: GeneratorPreset) throws {
            let folder = temporaryFolder("rt-\(preset.rawValue)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let summary = try TraceGenerator.generate(
                GeneratorOptions(preset: preset, functions: 60, days: 2, seed: 8, maxDailyRate: 600), into: folder)
            let sink = try readBack(folder, summary)
            #expect(summary.invocations > 100)
            #expect(sink.invocations == summary.invocations)
            #expect(abs(sink.durationMs - summary.durationMs) <= 1e-9 * summary.durationMs)
            #expect(sink.untimed == 0)
            if preset == .lambdaLog || preset == .lambdaInsights {
                #expect(sink.coldStarts == summary.coldStarts)
                #expect(summary.coldStarts > 0 && summary.coldStarts < summary.invocations)
            }
        }

        @Test func huawei() throws {
            let folder = temporaryFolder("rt-huawei")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let summary = try TraceGenerator.generate(GeneratorOptions(preset: .huawei, functions: 50, days: 2, seed: 6), into: folder)
            #expect(summary.files.count == 4)
            let sink = try readBack(folder, summary)
            #expect(sink.functions.count == 50)
            #expect(sink.seriesTotal["invocations"] == Double(summary.invocations))
            #expect((sink.seriesTotal["function_delay"] ?? 0) > 0)
        }

        @Test func startTimesAreSortedInPlacersFormat() throws {
            let folder = temporaryFolder("sorted")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            _ = try TraceGenerator.generate(GeneratorOptions(preset: .invocations, functions: 80, days: 1, seed: 2, maxDailyRate: 2000), into: folder)
            let text = try String(contentsOfFile: folder + "/invocations.csv", encoding: .utf8)
            let times = text.split(separator: "\n").dropFirst().compactMap { Double($0.prefix { $0 != "," }) }
            #expect(times.count > 100)
            #expect(times == times.sorted())
        }
    }

    @Suite struct DatasetTests {
        /// The repository's `datasets/` folder, found from this file's path.
        static let datasets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("datasets").path

        /// Regenerating a committed sample with its recorded command gives the committed bytes.
        /// (The command is the one in `scripts/make-datasets.sh` and `datasets/README.md`.)
        @Test(arguments: [
            ("azure2021", GeneratorOptions(preset: .azure2021, functions: 60, days: 1, seed: 4, maxDailyRate: 150)),
            ("huawei", GeneratorOptions(preset: .huawei, functions: 60, days: 1, seed: 2023)),
        ])
        func regeneratingASampleGivesTheSameBytes(name: String, options: GeneratorOptions) throws {
            let committed = Self.datasets + "/" + name
            let folder = temporaryFolder("dataset-\(name)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            _ = try TraceGenerator.generate(options, into: folder)
            let expected = try contents(of: committed)
            #expect(!expected.isEmpty, "no committed sample at \(committed)")
            #expect(try contents(of: folder) == expected)
        }
    }
}
