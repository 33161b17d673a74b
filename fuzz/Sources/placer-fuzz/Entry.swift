#if canImport(Glibc)
import Glibc
#endif
import CFuzzerDriver
import FuzzTargets

/// The target this process fuzzes, named by `PLACER_FUZZ_TARGET` (scripts/fuzz.sh sets it).
nonisolated(unsafe) var chosen: FuzzTarget?

/// libFuzzer calls this once before the first input: picks the target or stops with the list.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = getenv("PLACER_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget.named(name) else {
        let known = FuzzTarget.all.map(\.name).joined(separator: ", ")
        say("placer-fuzz: set PLACER_FUZZ_TARGET to one of: \(known)")
        exit(64)
    }
    // The first call fills the Swift runtime's caches (conformances, metadata) and reads the
    // bundled catalog, seconds under AddressSanitizer: done here, before libFuzzer's per-input
    // time limit runs.
    _ = target.run(Array("a\n".utf8))
    _ = target.run(Array("a,b\n1,2\n".utf8))
    chosen = target
    return 0
}

/// libFuzzer calls this once per input. A broken promise (an unexpected error type, a message
/// over several lines) stops the run like a crash, so libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let target = chosen else { return 0 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if case .violation(let why) = target.run(bytes) {
        say("placer-fuzz: \(target.name): \(why)")
        abort()
    }
    return 0
}

/// Writes one line to standard error.
func say(_ line: String) {
    let text = Array((line + "\n").utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// The process's entry point under the name SwiftPM gives an executable's `main`: hands over to
/// libFuzzer's driver, which reads its flags and calls `testOneInput` for each input.
@_cdecl("placer_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in testOneInput(data, size) }
}
