import Dispatch
import Logging

/// The use cases' diagnostics (what was loaded, chosen, replayed and written, and how long each
/// step took), at debug level: shown only when a front end bootstraps a handler at that level
/// (`placer --verbose`, `--log-level`). What the user must read goes through `ProgressObserver`.
let logger = Logger(label: "placer.usecases")

/// Runs `body` and logs how long it took as `what: 1.234 s`.
func timed<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    logger.debug("\(what): \((seconds * 1000).rounded() / 1000) s")
    return value
}
