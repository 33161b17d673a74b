import Dispatch
import Foundation
import UseCases

/// Progress of a long command on standard error: a bar with a rate and an estimate, redrawn
/// every second, when standard error is a terminal; one plain line per step and item otherwise
/// (CI logs). A step that cannot be counted shows its elapsed time. A use case's notes and
/// warnings are lines of their own on standard error; an ingested file's line goes to standard output.
final class TerminalProgress: ProgressObserver, @unchecked Sendable {
    private let interactive: Bool
    /// Every mutable field below is touched only on this queue.
    private let queue = DispatchQueue(label: "placer.progress")
    private var timer: DispatchSourceTimer?
    private var stepStarted = Date()
    private var step = ""
    private var total = 0
    private var done = 0
    private var unit = ""
    private var item = ""

    init(interactive: Bool = isatty(STDERR_FILENO) == 1) { self.interactive = interactive }

    func observe(_ event: ProgressEvent) {
        switch event {
        case .began(let step, let total, let unit): begin(step, total: total, unit: unit)
        case .advanced(let item): advance(item)
        case .ended(let summary): end(summary)
        case .ingested(let file): print(file.line)
        case .note(let text): printError("note: " + text)
        case .warning(let text): printError("warning: " + text)
        case .message(let text): printError(text)
        }
    }

    /// Starts a step of `total` items (0 when it cannot be counted).
    func begin(_ step: String, total: Int = 0, unit: String = "") {
        queue.sync {
            self.step = step
            self.total = total
            self.unit = unit
            done = 0
            item = ""
            stepStarted = Date()
            guard interactive else { printError("\(step)…"); return }
            draw()
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { [weak self] in self?.draw() }
            timer.resume()
            self.timer = timer
        }
    }

    /// One more item of the current step is done.
    func advance(_ item: String = "") {
        queue.sync {
            done += 1
            self.item = item
            if interactive { draw() } else if total > 1 {
                printError("  \(done)/\(total) \(unit)\(item.isEmpty ? "" : " (\(item))"), \(rateText())")
            }
        }
    }

    /// The current step is done.
    func end(_ summary: String = "") {
        queue.sync {
            timer?.cancel()
            timer = nil
            let seconds = Date().timeIntervalSince(stepStarted)
            let line = "\(step): done in \(String(format: "%.1f", seconds)) s\(summary.isEmpty ? "" : ", \(summary)")"
            printError(line)
        }
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

    private func draw() {
        let width = 24
        var line = "\(step) "
        if total > 0 {
            let filled = min(width, done * width / max(total, 1))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(total) "
            line += rateText()
        }
        line += String(format: " %.0f s", Date().timeIntervalSince(stepStarted))
        if !item.isEmpty { line += " " + item }
        StandardError.bar(line)
    }
}
