// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "placer",
    platforms: [.macOS(.v14)],
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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // libcsv from Debian's libcsv-dev, behind one Swift file (Traces/CSV/CSVParser.swift).
        .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV", providers: [.apt(["libcsv-dev"])]),
        // libcsv's per-field callback, in C: it runs once per field.
        .target(name: "CSVFields", path: "Sources/CSVFields"),
        .target(name: "Traces", dependencies: ["CLibCSV", "CSVFields", .product(name: "HeapModule", package: "swift-collections")]),
        // Percentiles of latencies, durations and memory: an HDR histogram, bounded and mergeable.
        .target(name: "Percentiles", dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")]),
        .target(name: "Store", dependencies: ["Traces", "Percentiles", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Pricing", dependencies: ["Yams"], resources: [.copy("Profiles")]),
        .target(name: "Reporting", dependencies: ["Store", "Traces"]),
        .target(name: "Deployment", dependencies: ["Pricing"]),
        // The replay engine: a pure function of workload, profiles and seed (no files, clock or SQLite).
        .target(name: "Simulation", dependencies: ["Traces", "Pricing", "Results", "Percentiles",
                                                   .product(name: "HeapModule", package: "swift-collections"),
                                                   .product(name: "DequeModule", package: "swift-collections")]),
        // Turns an ingested trace (Store) into the engine's Workload.
        .target(name: "TraceLoading", dependencies: ["Simulation", "Store", "Traces"]),
        // Replays a schedule against a real FaaS gateway over HTTP(S), and a gateway double for tests.
        .target(name: "Gateway"),
        // Lock-in scores, migration estimates and compliance verdicts: pure, no files.
        .target(name: "Advice", dependencies: ["Pricing", "Deployment"]),
        // The local executor's line protocol, shared by the executor and the worker (no Foundation).
        .target(name: "WorkerProtocol"),
        // A function instance of the local executor: started by `placer execute`, one process each.
        .executableTarget(name: "placer-worker", dependencies: ["WorkerProtocol", "ProcessShim"]),
        // prlimit and prctl, which Swift cannot call directly.
        .target(name: "ProcessShim", path: "Sources/ProcessShim"),
        // Runs a schedule through real processes here: instances, keep-alive, slots, measurement.
        .target(name: "Executor", dependencies: ["Simulation", "Pricing", "WorkerProtocol", "ProcessShim", "Percentiles", "Yams",
                                                 .product(name: "DequeModule", package: "swift-collections")]),
        // A result JSON read back (report, compare) and markdown escaping for text from traces.
        .target(name: "Results"),
        // The markdown report and its charts (mermaid and SVG) from a result document: pure.
        .target(name: "Report", dependencies: ["Results"]),
        // Two results compared (compare): the diff model, CI thresholds, markdown and JSON writers.
        .target(name: "Compare", dependencies: ["Results"]),
        // A result written for other tools: the Infracost usage file (export infracost-usage).
        .target(name: "Export", dependencies: ["Results"]),
        // On-prem cost of ownership, hybrid placement and break-even: pure, no files but its defaults.
        .target(name: "Placement", dependencies: ["Simulation", "Pricing", "Deployment", "Advice"], resources: [.copy("Data")]),
        .executableTarget(name: "placer", dependencies: [
            "Traces", "Store", "Pricing", "Reporting", "Deployment", "Advice", "Simulation", "TraceLoading", "Results", "Compare", "Export",
            "Placement", "Executor", "Gateway", "Report",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "TracesTests", dependencies: ["Traces"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PercentilesTests", dependencies: ["Percentiles"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Traces"]),
        .testTarget(name: "PricingTests", dependencies: ["Pricing"]),
        .testTarget(name: "DeploymentTests", dependencies: ["Deployment"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "TraceLoading", "Store", "Traces", "Pricing", "Percentiles"]),
        .testTarget(name: "ResultsTests", dependencies: ["Results"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Results"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CompareTests", dependencies: ["Compare", "Export", "Results"]),
        .testTarget(name: "AdviceTests", dependencies: ["Advice", "Deployment", "Pricing"]),
        .testTarget(name: "PlacementTests", dependencies: ["Placement", "Simulation", "Pricing", "Deployment", "Advice", "Traces"]),
        .testTarget(name: "ExecutorTests", dependencies: ["Executor", "WorkerProtocol", "Simulation", "Pricing"]),
        // Runs the built `placer` executable: exit statuses, messages, a killed ingest.
        .testTarget(name: "CLITests", dependencies: ["Store", "Traces", "Gateway"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Simulation", "Traces"]),
    ],
    swiftLanguageModes: [.v6]
)
