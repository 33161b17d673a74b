import Logging

/// The store's diagnostics (files ingested, rows, time taken), at debug level: shown only when a
/// front end bootstraps a handler at that level (`placer --verbose`).
let logger = Logger(label: "placer.store")
