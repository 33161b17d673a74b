import Foundation
import Testing

// Same inputs and seed, same bytes: checked across processes (a fresh process, another time
// zone and locale, another thread count), not only twice inside one.

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func scratch(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("placer-determinism-\(UUID().uuidString)/\(name)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every file under `folder`, by relative path, with its bytes.
private func contents(_ folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? [] {
        var isDirectory: ObjCBool = false
        let path = folder.appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
    }
    return files
}

/// A second run's surroundings that must not change a byte.
private let elsewhere = ["TZ": "Pacific/Chatham", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8"]

@Suite(.serialized) struct DeterminismCLITests {
    @Test func simulateGivesTheSameBytesInSeparateProcesses() throws {
        let trace = repository.appendingPathComponent("datasets/azure2019").path
        var outputs: [(stdout: String, json: Data)] = []
        for environment in [[:], elsewhere] {
            let json = try scratch("s").appendingPathComponent("r.json").path
            let run = try runPlacer(["simulate", trace, "--target", "aws-lambda-x86", "--target", "azure-consumption", "--target", "openfaas",
                                     "--seed", "7", "--json", json], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            outputs.append((run.stdout, try Data(contentsOf: URL(fileURLWithPath: json))))
        }
        #expect(outputs[0].json.count > 1000)
        #expect(outputs[0].json == outputs[1].json, "simulate's JSON differs between two processes")
        #expect(outputs[0].stdout == outputs[1].stdout)
    }

    @Test func adviseGivesTheSameReportChartsAndJSONInSeparateProcesses() throws {
        let trace = repository.appendingPathComponent("datasets/lambda-log").path
        var folders: [[String: Data]] = []
        for (environment, workers) in [([String: String](), "1"), (elsewhere, "4")] {
            let dir = try scratch("a")
            let run = try runPlacer(["advise", trace, "--targets", "aws-lambda-x86,aws-lambda-arm64,openfaas", "--seed", "3",
                                     "--workers", workers, "--out", dir.appendingPathComponent("r.md").path], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            folders.append(try contents(dir))
        }
        #expect(folders[0].keys.contains("r.md") && folders[0].keys.contains("r.json"))
        #expect(folders[0].keys.sorted() == folders[1].keys.sorted())
        for (name, bytes) in folders[0] { #expect(folders[1][name] == bytes, "\(name) differs between two processes") }
    }

    @Test func generateGivesTheSameFilesInSeparateProcesses() throws {
        var folders: [[String: Data]] = []
        for environment in [[:], elsewhere] {
            let dir = try scratch("g")
            let run = try runPlacer(["generate", "--preset", "azure2019", "--functions", "40", "--days", "2", "--seed", "11", "--out", dir.path],
                                    environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            folders.append(try contents(dir))
        }
        #expect(folders[0].count >= 3)
        #expect(folders[0] == folders[1])
    }
}
