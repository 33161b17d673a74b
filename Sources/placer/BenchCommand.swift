import ArgumentParser
import Foundation
import Store
import Traces

/// `placer bench`: measured figures, each beside a baseline measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run benchmarks; every figure is printed beside a baseline measured in the same run.",
        subcommands: [BenchIngestCommand.self])
}

struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest throughput of an Azure 2019 invocations day against a bare libcsv parse of the same file.")

    @Option(help: "Benchmark this file instead of a generated one.")
    var file: String

    @Option(help: "Repetitions; medians are reported.")
    var repetitions: Int = 3

    func run() throws {
        var bare: [Double] = []
        var ingest: [Double] = []
        var parseOnly: [Double] = []
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = 0
        for i in 0..<repetitions {
            let t0 = DispatchTime.now().uptimeNanoseconds
            bytes = try BareCSVParse.run(path: file).bytes
            let t1 = DispatchTime.now().uptimeNanoseconds
            let tp0 = DispatchTime.now().uptimeNanoseconds
            let parser = CSVParser { _ in }
            let reader = try FileChunkReader(path: file)
            while let chunk = try reader.next() { try parser.feed(chunk) }
            try parser.finish()
            let tp1 = DispatchTime.now().uptimeNanoseconds
            parseOnly.append(Double(tp1 - tp0) / 1e9)
            let store = try TraceStore(path: folder.appendingPathComponent("bench-\(i).db").path)
            let t2 = DispatchTime.now().uptimeNanoseconds
            _ = try store.ingest(path: file)
            let t3 = DispatchTime.now().uptimeNanoseconds
            bare.append(Double(t1 - t0) / 1e9)
            ingest.append(Double(t3 - t2) / 1e9)
        }
        let mb = Double(bytes) / 1e6
        let bareMBs = mb / median(bare), ingestMBs = mb / median(ingest)
        print(String(format: "bare libcsv parse  %8.1f MB/s  (median of %d, %.1f MB)", bareMBs, repetitions, mb))
        print(String(format: "CSVParser only     %8.1f MB/s", mb / median(parseOnly)))
        print(String(format: "ingest into SQLite %8.1f MB/s  = %.2f x bare", ingestMBs, ingestMBs / bareMBs))
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : (sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2)
}
