import Foundation

/// The `placer` executable beside this test binary (swift build --build-tests builds both).
let placerExecutable: String = {
    var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("placer").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/placer").path
}()

/// What one run of `placer` did.
struct PlacerRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var killedBySignal = false
}

/// Runs `placer` with `arguments`, optionally sending SIGKILL after `killAfter` seconds, with
/// `environment` added to this process's, in `directory` (nil: this process's).
func runPlacer(_ arguments: [String], killAfter: Double? = nil, environment: [String: String] = [:],
               directory: URL? = nil) throws -> PlacerRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: placerExecutable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    if let killAfter {
        Thread.sleep(forTimeInterval: killAfter)
        kill(process.processIdentifier, SIGKILL)
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return PlacerRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
               stderr: String(decoding: stderr, as: UTF8.self), killedBySignal: process.terminationReason == .uncaughtSignal)
}
