import Foundation

/// Progress of a long command on standard error: a redrawn bar with a rate and an estimate
/// when standard error is a terminal, one plain line per step otherwise (CI logs).
final class Progress {
    private let interactive: Bool
    private let started = Date()
    private var stepStarted = Date()
    private var step = ""
    private var total = 0
    private var done = 0
    private var unit = ""

    init(interactive: Bool = isatty(STDERR_FILENO) == 1) { self.interactive = interactive }

    /// Starts a step of `total` items (0 when it cannot be counted).
    func begin(_ step: String, total: Int = 0, unit: String = "") {
        self.step = step
        self.total = total
        self.unit = unit
        done = 0
        stepStarted = Date()
        if interactive { draw() } else { printError("\(step)…") }
    }

    /// One more item of the current step is done.
    func advance(_ item: String = "") {
        done += 1
        if interactive { draw(item) } else if total > 1 {
            printError("  \(done)/\(total) \(unit)\(item.isEmpty ? "" : " (\(item))") \(rateText())")
        }
    }

    /// The current step is done.
    func end(_ summary: String = "") {
        let seconds = Date().timeIntervalSince(stepStarted)
        let line = "\(step): done in \(String(format: "%.1f", seconds)) s\(summary.isEmpty ? "" : ", \(summary)")"
        if interactive { FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + "\n").utf8)) } else { printError(line) }
    }

    private func rateText() -> String {
        let seconds = max(Date().timeIntervalSince(stepStarted), 1e-3)
        guard done > 0 else { return "" }
        let rate = Double(done) / seconds
        let name = unit.isEmpty ? "items" : unit
        var text = rate >= 1 ? String(format: "%.1f \(name)/s", rate) : String(format: "%.1f \(name)/min", rate * 60)
        if total > done { text += String(format: ", about %.0f s left", Double(total - done) / rate) }
        return text
    }

    private func draw(_ item: String = "") {
        let width = 24
        var line = "\r\u{1B}[2K\(step) "
        if total > 0 {
            let filled = min(width, done * width / max(total, 1))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(total) "
            line += rateText()
        } else {
            line += String(format: "%.0f s", Date().timeIntervalSince(stepStarted))
        }
        if !item.isEmpty { line += " " + item }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
