import Foundation
import Testing

/// `placer simulate --shard K/N` and `placer merge` as a user runs them: the merged JSON is the
/// unsharded run's, byte for byte; partials that do not make one run are refused in one line.
struct ShardCLITests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-shard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func shardsOfAGeneratedTraceMergeToTheUnshardedResult() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("trace").path, db = dir.appendingPathComponent("t.db").path
        #expect(try runPlacer(["generate", "--preset", "azure2019", "--functions", "30", "--days", "1", "--seed", "5", "--out", trace]).status == 0)
        #expect(try runPlacer(["ingest", trace, "--db", db]).status == 0)
        let targets = ["--target", "aws-lambda-x86", "--target", "azure-consumption", "--target", "knative", "--seed", "7"]
        let whole = dir.appendingPathComponent("whole.json").path
        let single = try runPlacer(["simulate", db, "--json", whole] + targets)
        #expect(single.status == 0, "\(single.stderr)")
        for n in [2, 3] {
            var parts: [String] = []
            for k in 1...n {
                let part = dir.appendingPathComponent("part\(k)of\(n).json").path
                let run = try runPlacer(["simulate", db, "--shard", "\(k)/\(n)", "--json", part] + targets)
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stdout.contains("shard \(k)/\(n)"))
                parts.append(part)
            }
            let merged = dir.appendingPathComponent("merged\(n).json").path
            let merge = try runPlacer(["merge"] + parts.reversed() + ["--json", merged])
            #expect(merge.status == 0, "\(merge.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: merged)) == Data(contentsOf: URL(fileURLWithPath: whole)), "n \(n)")
            #expect(merge.stdout == single.stdout, "n \(n): the merge prints what simulate printed")
        }
        // A shard missing, one given twice, one of another run (another seed): one line, 65, no output.
        let out = dir.appendingPathComponent("refused.json").path
        let p = (1...3).map { dir.appendingPathComponent("part\($0)of3.json").path }
        let other = dir.appendingPathComponent("other.json").path
        #expect(try runPlacer(["simulate", db, "--shard", "2/3", "--json", other, "--target", "aws-lambda-x86", "--target", "azure-consumption",
                               "--target", "knative", "--seed", "8"]).status == 0)
        for (given, says) in [([p[0], p[2]], "shard 2/3 missing"), ([p[0], p[1], p[1], p[2]], "shard 2/3 is given twice"),
                              ([p[0], other, p[2]], "a partial of another run")] {
            let run = try runPlacer(["merge"] + given + ["--json", out])
            #expect(run.status == 65 && run.stderr.contains(says), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        // A result is not a partial; --shard wants K/N and --json.
        let notPartial = try runPlacer(["merge", whole, "--json", out])
        #expect(notPartial.status == 65 && notPartial.stderr.contains("not a partial result"))
        #expect(try runPlacer(["simulate", db, "--shard", "0/2", "--json", out] + targets).status == 64)
        #expect(try runPlacer(["simulate", db, "--shard", "1/2"] + targets).status == 64)
    }
}
