// swift-tools-version:6.0
import PackageDescription

// Linux only: the local executor, its worker and the gateway replay call Linux APIs (pipe2, ppoll,
// prctl, prlimit, clock_nanosleep, /proc/self/exe); Sources/ProcessShim stops any other build
// with an #error.
let package = Package(
    name: "placer",
    products: [
        .executable(name: "placer", targets: ["placer"]),
        .executable(name: "placer-worker", targets: ["placer-worker"]),
        .library(name: "Traces", targets: ["Traces"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Pricing", targets: ["Pricing"]),
        .library(name: "Deployment", targets: ["Deployment"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "Advice", targets: ["Advice"]),
        .library(name: "Placement", targets: ["Placement"]),
        // The parsers a stranger's bytes reach, one entry each: the fuzz package (fuzz/) builds a
        // libFuzzer executable per entry; FuzzRegressionTests replays every input that failed.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The HTTP backend's client: a connection pool, HTTP/1.1 and HTTP/2, TLS on Linux (BoringSSL
        // through swift-nio-ssl), per-call deadlines, in one client where a hand-written socket
        // client (no TLS, paths sent decoded) and URLSession (slow on Linux) were two; measured
        // before and after in docs/gateway.md, "Measured". SwiftNIO, which it is built on, also
        // serves the gateway double (rather than Hummingbird: no further packages to build, and
        // the double's hangs and unannounced closes need the channel itself).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        // Latency percentiles in bounded memory, mergeable (HdrHistogram): the gateway replay's summary.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // SHA-256 of a sharded run's inputs (its identity, checked by `placer merge`); already built
        // for AsyncHTTPClient's TLS, so no new package.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"6.0.0"),
    ],
    targets: [
        // libcsv from Debian's libcsv-dev, behind one Swift file (Traces/CSV/CSVParser.swift).
        .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV", providers: [.apt(["libcsv-dev"])]),
        // libcsv's per-field callback, in C: it runs once per field.
        .target(name: "CSVFields", path: "Sources/CSVFields"),
        // How much a file from outside may make Placer take (rows, numbers, YAML nodes, JSON depth),
        // each limit raised by a PLACER_MAX_* environment variable.
        .target(name: "InputLimits"),
        .target(name: "Traces", dependencies: ["CLibCSV", "CSVFields", "InputLimits", .product(name: "HeapModule", package: "swift-collections")]),
        // Percentiles of latencies, durations and memory: an HDR histogram, bounded and mergeable.
        .target(name: "Percentiles", dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")]),
        // GRDBSQLite: SQLite's C API for the incremental blob writes GRDB does not wrap (Store/BlockInsert.swift alone).
        .target(name: "Store", dependencies: ["Traces", "InputLimits", "Percentiles", .product(name: "GRDB", package: "GRDB.swift"),
                                              .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")]),
        .target(name: "Pricing", dependencies: ["Yams", "InputLimits"], resources: [.copy("Profiles")]),
        // Every figure a person reads (money, counts, shares, times): one set of rules, named styles.
        .target(name: "Formatting"),
        // What the terminal shows of a result (inspect, simulate, price, catalog): text, never printed here.
        .target(name: "TerminalText", dependencies: ["Store", "Traces", "Pricing", "Simulation", "Gateway", "Formatting"]),
        .target(name: "Deployment", dependencies: ["Pricing", "InputLimits"]),
        // The replay engine: a pure function of workload, profiles and seed (no files, clock or SQLite).
        .target(name: "Simulation", dependencies: ["Traces", "Pricing", "Results", "Formatting", "Percentiles",
                                                   .product(name: "HeapModule", package: "swift-collections"),
                                                   .product(name: "DequeModule", package: "swift-collections")]),
        // Turns an ingested trace (Store) into the engine's Workload.
        .target(name: "TraceLoading", dependencies: ["Simulation", "Store", "Traces", "InputLimits"]),
        // Replays a schedule against a real FaaS gateway over HTTP(S), and a gateway double for tests.
        .target(name: "Gateway", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        // Lock-in scores, migration estimates and compliance verdicts: pure, no files.
        .target(name: "Advice", dependencies: ["Pricing", "Deployment"]),
        // The local executor's line protocol, shared by the executor and the worker (no Foundation).
        .target(name: "WorkerProtocol"),
        // A function instance of the local executor: started by `placer execute`, one process each.
        .executableTarget(name: "placer-worker", dependencies: ["WorkerProtocol", "ProcessShim"]),
        // prlimit and prctl, which Swift cannot call directly.
        .target(name: "ProcessShim", path: "Sources/ProcessShim"),
        // Runs a schedule through real processes here: instances, keep-alive, slots, measurement.
        .target(name: "Executor", dependencies: ["Simulation", "Pricing", "WorkerProtocol", "ProcessShim", "Formatting", "Percentiles", "Yams", "InputLimits",
                                                 .product(name: "DequeModule", package: "swift-collections")]),
        // A result JSON read back (report, compare) and markdown escaping for text from traces.
        .target(name: "Results", dependencies: ["InputLimits"]),
        // The markdown report and its charts (mermaid and SVG) from a result document: pure.
        .target(name: "MarkdownReport", dependencies: ["Results", "Formatting"]),
        // Two results compared (compare): the diff model, CI thresholds, markdown and JSON writers.
        .target(name: "Compare", dependencies: ["Results", "Formatting"]),
        // A result written for other tools: the Infracost usage file (export infracost-usage).
        .target(name: "Export", dependencies: ["Results"]),
        // On-prem cost of ownership, hybrid placement and break-even: pure, no files but its defaults.
        .target(name: "Placement", dependencies: ["Simulation", "Pricing", "Deployment", "Advice", "Formatting", "InputLimits"], resources: [.copy("Data")]),
        // The use cases (ingest, inspect, simulate, place, advise, compare, execute, calibrate, …):
        // requests in, results and progress events out; no terminal, no ArgumentParser. The gateway
        // replay and its bench (with the bench's bare socket client) are here too.
        .target(name: "UseCases", dependencies: [
            "Traces", "Store", "Pricing", "Deployment", "Advice", "Simulation", "TraceLoading", "Results", "Compare", "Export",
            "Placement", "Executor", "Gateway", "MarkdownReport", "Formatting", "InputLimits", .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Every parser a stranger's bytes reach, as a fuzzer drives it (docs/fuzzing.md).
        .target(name: "FuzzTargets", dependencies: [
            "Traces", "Pricing", "Deployment", "Placement", "Results", "MarkdownReport", "Compare", "Export", "WorkerProtocol",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // The command-line tool: options, terminal output and exit statuses over UseCases.
        .executableTarget(name: "placer", dependencies: [
            "UseCases", "TerminalText", "Traces", "InputLimits", "Store", "Pricing", "Simulation", "Results", "Compare", "Placement", "Executor", "Gateway",
            "Formatting", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "TracesTests", dependencies: ["Traces", "InputLimits"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PercentilesTests", dependencies: ["Percentiles"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Traces", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .testTarget(name: "PricingTests", dependencies: ["Pricing"]),
        .testTarget(name: "DeploymentTests", dependencies: ["Deployment"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "TraceLoading", "Store", "Traces", "Pricing", "Formatting", "Percentiles",
                                                         .product(name: "HeapModule", package: "swift-collections")]),
        .testTarget(name: "ResultsTests", dependencies: ["Results", "InputLimits"]),
        .testTarget(name: "FormattingTests", dependencies: ["Formatting"]),
        .testTarget(name: "MarkdownReportTests", dependencies: ["MarkdownReport", "Results"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CompareTests", dependencies: ["Compare", "Export", "Results"]),
        .testTarget(name: "AdviceTests", dependencies: ["Advice", "Deployment", "Pricing"]),
        .testTarget(name: "PlacementTests", dependencies: ["Placement", "Simulation", "Pricing", "Deployment", "Advice", "Traces"]),
        .testTarget(name: "ExecutorTests", dependencies: ["Executor", "ProcessShim", "WorkerProtocol", "Simulation", "Pricing"]),
        // Calls the use cases directly: ingest, inspect, simulate, place, advise, report, compare, errors.
        .testTarget(name: "UseCasesTests", dependencies: ["UseCases", "TerminalText", "Results", "Compare", "Placement", "Simulation", "Pricing", "Gateway", "Executor"]),
        // Runs the built `placer` executable: exit statuses, messages, a killed ingest.
        .testTarget(name: "CLITests", dependencies: ["Store", "Traces", "Gateway", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Simulation", "Traces"]),
        // Every input a fuzzer ever found failing (Tests/FuzzRegressionTests/Fixtures/<target>/), fed to its parser again.
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
