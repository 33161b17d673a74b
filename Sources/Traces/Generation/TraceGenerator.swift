#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HeapModule

/// The trace formats `placer generate` writes, each exactly as docs/sources.md describes (with the data sets' addresses).
public enum GeneratorPreset: String, CaseIterable, Sendable {
    /// Azure Functions 2019: per-minute invocations, duration percentiles, app memory (days 1–12).
    case azure2019
    /// Placer's per-invocation CSV: `timestamp,function,duration_ms,app,memory_mb`.
    case invocations
    /// Azure Functions 2021: `app,func,end_timestamp,duration` (seconds).
    case azure2021
    /// Huawei Cloud 2023 wide files: `requests_minute/day_NNN.csv`, `function_delay_minute/day_NNN.csv`.
    case huawei
    /// AWS Lambda logs: START/END/REPORT lines as `aws logs tail` prints them, one file per function.
    case lambdaLog = "lambda-log"
    /// A CloudWatch Logs Insights CSV export of REPORT fields.
    case lambdaInsights = "lambda-insights"

    /// True for presets that write one row per invocation.
    public var isPerInvocation: Bool { self != .azure2019 && self != .huawei }
}

/// What to generate.
public struct GeneratorOptions: Sendable {
    public var preset: GeneratorPreset
    public var functions: Int
    public var days: Int
    public var seed: UInt64
    /// The first trace day written (1-based); days are numbered as in a full trace, so day K of a
    /// run starting at 1 and of a run starting at K are identical.
    public var startDay: Int
    /// Caps each function's average invocations per day (keeps per-invocation samples small).
    public var maxDailyRate: Double?
    /// Lambda presets: how long an idle instance is kept before it is removed, seconds (the
    /// catalog's Lambda keep-alive by default); calls that find none cold-start a new instance
    /// and carry `Init Duration`.
    public var idleTimeoutSeconds: Double
    /// The Lambda presets' default keep-alive: the catalog's Lambda figure (`aws-lambda-*.yaml`,
    /// `keepAlive.idle`: 10 min, measured by a third party; docs/sources.md, "Lambda keep-alive").
    public static let defaultLambdaKeepAliveSeconds = 600.0

    public init(preset: GeneratorPreset, functions: Int, days: Int, seed: UInt64, startDay: Int = 1,
                maxDailyRate: Double? = nil, idleTimeoutSeconds: Double = GeneratorOptions.defaultLambdaKeepAliveSeconds) {
        self.preset = preset
        self.functions = functions
        self.days = days
        self.seed = seed
        self.startDay = startDay
        self.maxDailyRate = maxDailyRate
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    /// The days written, 1-based.
    public var dayRange: ClosedRange<Int> { startDay...(startDay + days - 1) }

    /// Checks the options; the error is one sentence in the user's terms.
    public func validate() throws(GenerationError) {
        guard functions >= 1 else { throw GenerationError("--functions must be at least 1 (got \(functions))") }
        guard functions <= 10_000_000 else { throw GenerationError("--functions must be at most 10,000,000 (got \(functions))") }
        guard days >= 1 else { throw GenerationError("--days must be at least 1 (got \(days))") }
        guard startDay >= 1 else { throw GenerationError("--start-day must be at least 1 (got \(startDay))") }
        guard startDay + days - 1 <= 999 else { throw GenerationError("the last day (--start-day + --days − 1) must be at most 999") }
        if let cap = maxDailyRate, !(cap > 0 && cap.isFinite) {
            throw GenerationError("--max-daily-rate must be a positive number (got \(cap))")
        }
        guard idleTimeoutSeconds >= 0, idleTimeoutSeconds.isFinite else {
            throw GenerationError("--idle-timeout must be a non-negative number of seconds (got \(idleTimeoutSeconds))")
        }
    }
}

/// What a generation run wrote, for the command to print and for tests to check against readers.
public struct GenerationSummary: Sendable {
    /// Files written, relative to the output folder, in the order written.
    public var files: [String] = []
    public var bytes = 0
    public var functions = 0
    public var apps = 0
    /// Invocations written (per-minute counts summed, or per-invocation rows).
    public var invocations = 0
    /// Sum of the execution times written, in ms, as a reader will parse them (per-invocation presets).
    public var durationMs = 0.0
    /// Azure 2019: rows of the duration and memory files.
    public var durationRows = 0
    public var memoryRows = 0
    /// Lambda presets: invocations that were cold starts.
    public var coldStarts = 0
}

/// Writes synthetic traces in the real formats from a `WorkloadModel`.
public enum TraceGenerator {
    /// Generates `options` into the folder `directory` (created if missing).
    public static func generate(_ options: GeneratorOptions, into directory: String) throws(GenerationError) -> GenerationSummary {
        try options.validate()
        try makeDirectories(directory)
        let model = WorkloadModel(functions: options.functions, seed: options.seed, maxDailyRate: options.maxDailyRate)
        var writer = PresetWriter(model: model, options: options, directory: directory)
        writer.summary.functions = model.functions.count
        writer.summary.apps = model.apps.count
        switch options.preset {
        case .azure2019: try writer.azure2019()
        case .invocations: try writer.invocations()
        case .azure2021: try writer.azure2021()
        case .huawei: try writer.huawei()
        case .lambdaLog: try writer.lambdaLog()
        case .lambdaInsights: try writer.lambdaInsights()
        }
        return writer.summary
    }
}

/// Names and hash-like ids of the generated population.
struct Names {
    /// 64 lowercase hex digits, like the salted SHA-256 hashes of the Azure traces.
    static func hash(seed: UInt64, kind: UInt64, index: Int) -> String {
        var random = SeededRandom(seed: seed, stream: 0x4841_5348, kind, UInt64(index))  // "HASH"
        return hex(&random, digits: 64)
    }

    static func hex(_ random: inout SeededRandom, digits: Int) -> String {
        let alphabet = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits)
        var word = 0 as UInt64, left = 0
        for _ in 0..<digits {
            if left == 0 { word = random.next(); left = 16 }
            bytes.append(alphabet[Int(word & 15)])
            word >>= 4
            left -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `fn-000042`: readable function names for formats that do not hash them.
    static func function(_ f: Int) -> String { "fn-" + padded(f, 6) }
    static func app(_ a: Int) -> String { "app-" + padded(a, 6) }

    static func padded(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// Calendar arithmetic for the Lambda presets' wall-clock times.
enum WallClock {
    /// 2024-07-15T00:00:00Z, a Monday like the Azure 2019 trace's first day.
    static let traceStartEpoch = 1_721_001_600.0

    /// (year, month, day) of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(daysSinceEpoch z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Writes `YYYY-MM-DD?HH:MM:SS.fff…` for trace seconds `t`, with `places` fraction digits.
    static func write(_ t: Double, places: Int, separator: UInt8, to out: OutputFile) {
        let scale = OutputFile.powersOfTen[places]
        let units = Int((t + traceStartEpoch) * scale + 0.5)  // times are positive
        let perSecond = Int(scale)
        let seconds = units / perSecond
        let fraction = units % perSecond
        let (y, mo, d) = civil(daysSinceEpoch: seconds / 86_400)
        let s = seconds % 86_400
        func two(_ v: Int) { out.byte(UInt8(48 + v / 10)); out.byte(UInt8(48 + v % 10)) }
        out.int(y); out.byte(0x2D); two(mo); out.byte(0x2D); two(d)
        out.byte(separator)
        two(s / 3600); out.byte(0x3A); two(s / 60 % 60); out.byte(0x3A); two(s % 60)
        if places > 0 {
            out.byte(0x2E)
            var div = perSecond / 10
            var rest = fraction
            while div > 0 { out.byte(UInt8(48 + rest / div)); rest %= div; div /= 10 }
        }
    }
}

/// Writes one preset's files.
struct PresetWriter {
    let model: WorkloadModel
    let options: GeneratorOptions
    let directory: String
    let arrivals: ArrivalModel
    var summary = GenerationSummary()

    init(model: WorkloadModel, options: GeneratorOptions, directory: String) {
        self.model = model
        self.options = options
        self.directory = directory
        arrivals = ArrivalModel(model: model)
    }

    private mutating func create(_ name: String) throws(GenerationError) -> OutputFile {
        summary.files.append(name)
        return try OutputFile(path: directory + "/" + name)
    }

    private mutating func finish(_ file: OutputFile) throws(GenerationError) {
        summary.bytes += try file.close()
    }

    // MARK: Azure 2019

    mutating func azure2019() throws(GenerationError) {
        let owners = (0..<model.owners).map { Names.hash(seed: model.seed, kind: 1, index: $0) }
        let apps = model.apps.indices.map { Names.hash(seed: model.seed, kind: 2, index: $0) }
        let prefixes: [[UInt8]] = model.functions.indices.map { f in
            let spec = model.functions[f]
            let app = model.apps[spec.app]
            return Array("\(owners[app.owner]),\(apps[spec.app]),\(Names.hash(seed: model.seed, kind: 3, index: f)),".utf8)
        }
        let triggers: [[UInt8]] = model.functions.map { Array($0.trigger.rawValue.utf8) }
        var counts = [Int32](repeating: 0, count: 1440)
        var totals = [Int](repeating: 0, count: model.functions.count)
        var activeMinutes = [Int](repeating: 0, count: model.functions.count)
        for day in options.dayRange {
            let dd = Names.padded(day, 2)
            let file = try create("invocations_per_function_md.anon.d\(dd).csv")
            try file.text("HashOwner,HashApp,HashFunction,Trigger," + (1...1440).map(String.init).joined(separator: ",") + "\n")
            for f in model.functions.indices {
                totals[f] = arrivals.minuteCounts(function: f, day: day, into: &counts)
                try file.reserve(prefixes[f].count + triggers[f].count + 1440 * 11 + 1)
                prefixes[f].withUnsafeBufferPointer { file.bytes($0) }
                triggers[f].withUnsafeBufferPointer { file.bytes($0) }
                var active = 0
                for m in 0..<1440 {
                    file.byte(0x2C)
                    let n = Int(counts[m])
                    file.int(n)
                    if n > 0 { active += 1 }
                }
                file.byte(0x0A)
                activeMinutes[f] = active
                summary.invocations += totals[f]
            }
            try finish(file)
            try durations(day: day, prefixes: prefixes, totals: totals)
            // [SitW] The real trace has memory files for days 1–12 only.
            if day <= 12 { try memory(day: day, owners: owners, apps: apps, totals: totals, activeMinutes: activeMinutes) }
        }
    }

    /// Duration percentiles of each function invoked that day. Percentiles are of 30-second
    /// averages, so their spread narrows as more executions share a window. As in real files, a
    /// few rows lack Minimum/Maximum and a few have a Count that differs from the summed minutes.
    private mutating func durations(day: Int, prefixes: [[UInt8]], totals: [Int]) throws(GenerationError) {
        let file = try create("function_durations_percentiles.anon.d\(Names.padded(day, 2)).csv")
        try file.text("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n")
        let z: [Double] = [0, -2.326_347_874, -0.674_489_750, 0, 0.674_489_750, 2.326_347_874, 0]
        for f in model.functions.indices where totals[f] > 0 {
            let spec = model.functions[f]
            var random = SeededRandom(seed: model.seed, stream: Stream.durationsRow.rawValue, UInt64(f), UInt64(day))
            let average = min(max(spec.averageMs * exp(0.1 * random.normal()), AzureShape.durationClampMs.lowerBound),
                              AzureShape.durationClampMs.upperBound)
            let windows = Double(totals[f])
            let perWindow = windows / 2880
            let sigma = spec.spread * max(0.35, 1 / (1 + perWindow).squareRoot())
            // The extremes sit beyond the 1st/99th percentiles, farther out the more windows there are.
            let extreme = min(3.5, max(2.5, (2 * log(max(2, min(windows, 2880)))).squareRoot()))
            let mu = log(average) - sigma * sigma / 2
            var p = z.enumerated().map { i, zi -> Double in
                let zz = i == 0 ? -extreme : (i == 6 ? extreme : zi)
                return totals[f] == 1 ? average : exp(mu + sigma * zz)
            }
            for i in p.indices { p[i] = p[i].rounded() }
            var count = totals[f]
            if random.bernoulli(0.03) { count = max(1, Int((Double(count) * random.uniform(0.85, 1.15)).rounded())) }
            let missingExtremes = random.bernoulli(0.02)
            let minimum = (p[0] * random.uniform(0.5, 1)).rounded(.down)
            let maximum = (p[6] * random.uniform(1, 2)).rounded(.up)
            try file.reserve(prefixes[f].count + 16 * 12)
            prefixes[f].withUnsafeBufferPointer { file.bytes($0) }
            file.decimal(average, places: 3); file.byte(0x2C)
            file.int(count); file.byte(0x2C)
            if !missingExtremes { file.int(Int(minimum)) }
            file.byte(0x2C)
            if !missingExtremes { file.int(Int(maximum)) }
            for v in p { file.byte(0x2C); file.int(Int(v)) }
            file.byte(0x0A)
            summary.durationRows += 1
        }
        try finish(file)
    }

    /// App memory percentiles of each app invoked that day: committed MB around the app's Burr
    /// draw; SampleCount is 12 samples (every 5 s) per active minute, capped at a day.
    private mutating func memory(day: Int, owners: [String], apps: [String], totals: [Int],
                                 activeMinutes: [Int]) throws(GenerationError) {
        let file = try create("app_memory_percentiles.anon.d\(Names.padded(day, 2)).csv")
        try file.text("HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n")
        let z: [Double] = [-2.326_347_874, -1.644_853_627, -0.674_489_750, 0, 0.674_489_750, 1.644_853_627, 2.326_347_874, 3.0]
        for (a, app) in model.apps.enumerated() {
            let invoked = app.functions.reduce(0) { $0 + totals[$1] }
            guard invoked > 0 else { continue }
            let active = min(1440, app.functions.reduce(0) { $0 + activeMinutes[$1] })
            var random = SeededRandom(seed: model.seed, stream: Stream.memoryRow.rawValue, UInt64(a), UInt64(day))
            let average = app.memoryMB * exp(0.05 * random.normal())
            let spread = random.uniform(0.02, 0.25)
            let mu = log(average) - spread * spread / 2
            try file.text("\(owners[app.owner]),\(apps[a]),")
            try file.reserve(16 * 10)
            file.int(12 * active); file.byte(0x2C)
            file.int(Int(average.rounded()))
            for zi in z { file.byte(0x2C); file.int(Int(exp(mu + spread * zi).rounded())) }
            file.byte(0x0A)
            summary.memoryRows += 1
        }
        try finish(file)
    }

    // MARK: Per-invocation presets

    private var walker: InvocationWalker {
        InvocationWalker(arrivals: arrivals, functions: Array(model.functions.indices), days: options.dayRange)
    }

    mutating func invocations() throws(GenerationError) {
        let file = try create("invocations.csv")
        try file.text("timestamp,function,duration_ms,app,memory_mb\n")
        let names = model.functions.indices.map { Array((Names.function($0) + ",").utf8) }
        let apps = model.apps.indices.map { Array(("," + Names.app($0) + ",").utf8) }
        var count = 0, total = 0.0
        try walker.walk { (i: GeneratedInvocation) throws(GenerationError) in
            let spec = model.functions[i.function]
            try file.reserve(160)
            file.decimal(i.start, places: 6); file.byte(0x2C)
            names[i.function].withUnsafeBufferPointer { file.bytes($0) }
            total += file.decimal(i.durationMs, places: 3)
            apps[spec.app].withUnsafeBufferPointer { file.bytes($0) }
            file.int(Int(model.apps[spec.app].memoryMB.rounded()))
            file.byte(0x0A)
            count += 1
        }
        summary.invocations = count
        summary.durationMs = total
        try finish(file)
    }

    mutating func azure2021() throws(GenerationError) {
        let file = try create("AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt")
        try file.text("app,func,end_timestamp,duration\n")
        let apps = model.apps.indices.map { Array((Names.hash(seed: model.seed, kind: 2, index: $0) + ",").utf8) }
        let funcs = model.functions.indices.map { Array((Names.hash(seed: model.seed, kind: 3, index: $0) + ",").utf8) }
        var pending = Heap<EndingCall>()
        var count = 0, total = 0.0
        func emit(_ r: EndingCall) throws(GenerationError) {
            try file.reserve(200)
            apps[model.functions[r.function].app].withUnsafeBufferPointer { file.bytes($0) }
            funcs[r.function].withUnsafeBufferPointer { file.bytes($0) }
            file.decimal(r.end, places: 6); file.byte(0x2C)
            total += file.decimal(r.seconds, places: 6) * 1000
            file.byte(0x0A)
            count += 1
        }
        try walker.walk { (i: GeneratedInvocation) throws(GenerationError) in
            while let first = pending.min, first.end <= i.start { _ = pending.popMin(); try emit(first) }
            let seconds = i.durationMs / 1000
            pending.insert(EndingCall(end: i.start + seconds, start: i.start, function: i.function, seconds: seconds))
        }
        while let r = pending.popMin() { try emit(r) }
        summary.invocations = count
        summary.durationMs = total
        try finish(file)
    }

    // MARK: Huawei

    /// Wide per-minute files. One function in ten is deployed during the trace: `NaN` before.
    mutating func huawei() throws(GenerationError) {
        try makeDirectories(directory + "/requests_minute")
        try makeDirectories(directory + "/function_delay_minute")
        let n = model.functions.count
        let totalMinutes = (options.startDay + options.days - 1) * 1440
        let deployed: [Int] = (0..<n).map { f in
            var random = SeededRandom(seed: model.seed, stream: Stream.huawei.rawValue, UInt64(f))
            return random.bernoulli(0.1) ? random.int(below: totalMinutes) : 0
        }
        let header = "day,time," + (0..<n).map(String.init).joined(separator: ",") + "\n"
        var counts = [Int32](repeating: 0, count: 1440 * n)
        var delays = [Float](repeating: 0, count: 1440 * n)
        var column = [Int32](repeating: 0, count: 1440)
        for day in options.dayRange {
            for f in 0..<n {
                _ = arrivals.minuteCounts(function: f, day: day, into: &column)
                var sampler = ExecutionSampler(model: model, function: f, day: day)
                for m in 0..<1440 {
                    let c = (day - 1) * 1440 + m >= deployed[f] ? column[m] : -1
                    counts[m * n + f] = c
                    if c > 0 {
                        let draws = min(Int(c), 8)
                        var sum = 0.0
                        for _ in 0..<draws { sum += sampler.executionMs() }
                        delays[m * n + f] = Float(sum / Double(draws))
                    }
                }
            }
            let name = "day_" + Names.padded(day - 1, 3) + ".csv"
            let requests = try create("requests_minute/" + name)
            let delay = try create("function_delay_minute/" + name)
            try requests.text(header)
            try delay.text(header)
            for m in 0..<1440 {
                let time = ((day - 1) * 1440 + m) * 60
                try requests.reserve(32 + n * 12)
                try delay.reserve(32 + n * 16)
                for out in [requests, delay] { out.int(day - 1); out.byte(0x2C); out.int(time) }
                for f in 0..<n {
                    let c = counts[m * n + f]
                    requests.byte(0x2C)
                    delay.byte(0x2C)
                    if c < 0 {
                        Self.nan(requests)
                        Self.nan(delay)
                        continue
                    }
                    requests.int(Int(c))
                    summary.invocations += Int(c)
                    if c > 0 { delay.decimal(Double(delays[m * n + f]), places: 3) } else { Self.nan(delay) }
                }
                requests.byte(0x0A)
                delay.byte(0x0A)
            }
            try finish(requests)
            try finish(delay)
        }
    }

    private static func nan(_ out: OutputFile) { out.byte(0x4E); out.byte(0x61); out.byte(0x4E) }

    // MARK: AWS Lambda

    mutating func lambdaLog() throws(GenerationError) {
        for f in model.functions.indices {
            // A function never invoked gets no file: a log without REPORT lines is no log.
            let name = Names.function(f) + ".log"
            var opened: OutputFile?
            var lines = Heap<LogLine>()
            var lambda = LambdaFunction(model: model, function: f, keepAliveSeconds: options.idleTimeoutSeconds)
            var sequence = 0
            var count = 0, total = 0.0, cold = 0
            let one = InvocationWalker(arrivals: arrivals, functions: [f], days: options.dayRange)
            func flush(until t: Double) throws(GenerationError) {
                while let first = lines.min, first.time <= t {
                    _ = lines.popMin()
                    let file: OutputFile
                    if let o = opened { file = o } else { file = try OutputFile(path: directory + "/" + name); opened = file }
                    try file.reserve(first.text.utf8.count + 64)
                    WallClock.write(first.time, places: 6, separator: 0x54, to: file)
                    try file.text("+00:00 " + first.text + "\n")
                }
            }
            try one.walk { (i: GeneratedInvocation) throws(GenerationError) in
                try flush(until: i.start)
                let r = lambda.invoke(i)
                let duration = (r.durationMs * 100).rounded() / 100
                total += duration
                count += 1
                if r.initMs != nil { cold += 1 }
                let id = r.requestId
                let stream = r.stream
                var report = "\(stream) REPORT RequestId: \(id)\tDuration: \(Self.fixed(duration, 2)) ms\tBilled Duration: \(Int(duration.rounded(.up))) ms\tMemory Size: \(lambda.memorySize) MB\tMax Memory Used: \(r.maxMemoryUsed) MB\t"
                if let initMs = r.initMs { report += "Init Duration: \(Self.fixed(initMs, 2)) ms\t" }
                lines.insert(LogLine(time: r.handlerStart, sequence: sequence, text: "\(stream) START RequestId: \(id) Version: $LATEST"))
                lines.insert(LogLine(time: r.end, sequence: sequence + 1, text: "\(stream) END RequestId: \(id)"))
                lines.insert(LogLine(time: r.end, sequence: sequence + 2, text: report))
                sequence += 3
            }
            try flush(until: .infinity)
            summary.invocations += count
            summary.durationMs += total
            summary.coldStarts += cold
            if let file = opened {
                summary.files.append(name)
                try finish(file)
            }
        }
    }

    mutating func lambdaInsights() throws(GenerationError) {
        let file = try create("lambda-insights.csv")
        try file.text("@timestamp,@log,@duration,@billedDuration,@memorySize,@maxMemoryUsed,@initDuration\n")
        var functions: [Int: LambdaFunction] = [:]
        var pending = Heap<InsightsRow>()
        var sequence = 0, count = 0, total = 0.0, cold = 0
        func emit(_ r: InsightsRow) throws(GenerationError) {
            try file.reserve(200)
            WallClock.write(r.end, places: 3, separator: 0x20, to: file)
            try file.text(",123456789012:/aws/lambda/\(Names.function(r.function)),")
            total += file.decimal(r.durationMs, places: 2)
            file.byte(0x2C)
            file.int(Int(((r.durationMs * 100).rounded() / 100).rounded(.up))); file.byte(0x2C)
            file.int(r.memorySize * 1_000_000); file.byte(0x2C)
            file.int(r.maxMemoryUsed * 1_000_000); file.byte(0x2C)
            if let initMs = r.initMs { file.decimal(initMs, places: 2); cold += 1 }
            file.byte(0x0A)
            count += 1
        }
        try walker.walk { (i: GeneratedInvocation) throws(GenerationError) in
            while let first = pending.min, first.end <= i.start { _ = pending.popMin(); try emit(first) }
            var lambda = functions[i.function] ?? LambdaFunction(model: model, function: i.function, keepAliveSeconds: options.idleTimeoutSeconds)
            let r = lambda.invoke(i)
            functions[i.function] = lambda
            pending.insert(InsightsRow(end: r.end, sequence: sequence, function: i.function, durationMs: r.durationMs,
                                     memorySize: lambda.memorySize, maxMemoryUsed: r.maxMemoryUsed, initMs: r.initMs))
            sequence += 1
        }
        while let r = pending.popMin() { try emit(r) }
        summary.invocations = count
        summary.durationMs = total
        summary.coldStarts = cold
        try finish(file)
    }

    static func fixed(_ v: Double, _ places: Int) -> String {
        let scale = OutputFile.powersOfTen[places]
        let n = Int((v * scale).rounded())
        let frac = String(n % Int(scale))
        return "\(n / Int(scale))." + String(repeating: "0", count: places - frac.count) + frac
    }
}

/// A call of the Azure 2021 file waiting for its end (records are written in end order); ties
/// broken by start and function, so the order is total (equal keys are equal records).
struct EndingCall: Comparable {
    var end: Double
    var start: Double
    var function: Int
    var seconds: Double

    static func < (a: EndingCall, b: EndingCall) -> Bool {
        a.end != b.end ? a.end < b.end : (a.start != b.start ? a.start < b.start : a.function < b.function)
    }
    static func == (a: EndingCall, b: EndingCall) -> Bool { !(a < b) && !(b < a) }
}

/// A log line waiting for its time; `sequence` breaks ties, so the order is total.
struct LogLine: Comparable {
    var time: Double
    var sequence: Int
    var text: String

    static func < (a: LogLine, b: LogLine) -> Bool { a.time != b.time ? a.time < b.time : a.sequence < b.sequence }
    static func == (a: LogLine, b: LogLine) -> Bool { a.time == b.time && a.sequence == b.sequence }
}

/// A Logs Insights row waiting for its end; `sequence` breaks ties, so the order is total.
struct InsightsRow: Comparable {
    static func < (a: InsightsRow, b: InsightsRow) -> Bool { a.end != b.end ? a.end < b.end : a.sequence < b.sequence }
    static func == (a: InsightsRow, b: InsightsRow) -> Bool { a.end == b.end && a.sequence == b.sequence }

    var end: Double
    var sequence: Int
    var function: Int
    var durationMs: Double
    var memorySize: Int
    var maxMemoryUsed: Int
    var initMs: Double?
}

/// One Lambda function's instances: an invocation reuses the most recently freed idle instance
/// if it has been idle no longer than the keep-alive (as the engine's `InstancePool` does), or
/// cold-starts a new one.
struct LambdaFunction {
    let keepAliveSeconds: Double
    let memorySize: Int
    let appMemory: Double
    private var random: SeededRandom
    private var instances: [(busyUntil: Double, stream: String)] = []

    init(model: WorkloadModel, function f: Int, keepAliveSeconds: Double) {
        self.keepAliveSeconds = keepAliveSeconds
        random = SeededRandom(seed: model.seed, stream: Stream.lambda.rawValue, UInt64(f))
        appMemory = model.apps[model.functions[f].app].memoryMB
        // Lambda sizes go from 128 MB to 10,240 MB; round the app's memory up to a 64 MB step.
        memorySize = min(10_240, max(128, Int((appMemory / 64).rounded(.up)) * 64))
    }

    struct Result {
        var handlerStart: Double
        var end: Double
        var durationMs: Double
        var initMs: Double?
        var maxMemoryUsed: Int
        var requestId: String
        var stream: String
    }

    mutating func invoke(_ i: GeneratedInvocation) -> Result {
        instances.removeAll { $0.busyUntil + keepAliveSeconds < i.start }
        var chosen: Int?
        var latest = -Double.infinity
        for (k, instance) in instances.enumerated() where instance.busyUntil <= i.start && instance.busyUntil > latest {
            chosen = k
            latest = instance.busyUntil
        }
        var initMs: Double?
        let k: Int
        if let reused = chosen {
            k = reused
        } else {
            // [Placer, assumed] Init durations: log-normal, median 250 ms.
            initMs = (random.logNormal(mu: log(250), sigma: 0.5) * 100).rounded() / 100
            let day = Int((i.start + WallClock.traceStartEpoch) / 86_400)
            let (y, m, d) = WallClock.civil(daysSinceEpoch: day)
            let stream = "\(y)/\(Names.padded(m, 2))/\(Names.padded(d, 2))/[$LATEST]" + Names.hex(&random, digits: 32)
            instances.append((0, stream))
            k = instances.count - 1
        }
        let durationMs = (i.durationMs * 100).rounded() / 100
        let handlerStart = i.start + (initMs ?? 0) / 1000
        let end = handlerStart + durationMs / 1000
        instances[k].busyUntil = end
        let used = min(memorySize, max(30, Int((appMemory * random.uniform(0.55, 0.95)).rounded())))
        let h = Names.hex(&random, digits: 32)
        let u = Array(h.utf8)
        let id = String(decoding: u[0..<8], as: UTF8.self) + "-" + String(decoding: u[8..<12], as: UTF8.self) + "-"
            + String(decoding: u[12..<16], as: UTF8.self) + "-" + String(decoding: u[16..<20], as: UTF8.self) + "-"
            + String(decoding: u[20..<32], as: UTF8.self)
        return Result(handlerStart: handlerStart, end: end, durationMs: durationMs, initMs: initMs,
                      maxMemoryUsed: used, requestId: id, stream: instances[k].stream)
    }
}
