import Foundation

/// Standard error, where every message is a line of its own: a progress bar drawn on the
/// current line (without a newline, on a terminal) is cleared before a message is written, a
/// message's own line breaks each end a line, and once the command has failed no bar is drawn
/// again. Every write to standard error goes through here, under one lock, so messages from the
/// progress timer's queue and the main thread cannot run together.
enum StandardError {
    private static let lock = NSLock()
    /// A progress bar occupies the current line (no newline after it yet).
    nonisolated(unsafe) private static var barShown = false
    /// The command has ended: bars are no longer drawn.
    nonisolated(unsafe) private static var closed = false

    /// Writes `text` as whole lines: each of its lines ends with a newline, none is empty-glued
    /// to what was on the line before.
    static func line(_ text: String) {
        lock.withLock {
            var out = barShown ? "\r\u{1B}[2K" : ""
            barShown = false
            for part in text.split(separator: "\n", omittingEmptySubsequences: false) {
                out += part.replacingOccurrences(of: "\r", with: "") + "\n"
            }
            FileHandle.standardError.write(Data(out.utf8))
        }
    }

    /// Draws a progress bar over the current line, without ending it.
    static func bar(_ text: String) {
        lock.withLock {
            guard !closed else { return }
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
            barShown = true
        }
    }

    /// Ends the output: a bar still shown is closed with a newline and no other is drawn.
    static func close() {
        lock.withLock {
            if barShown { FileHandle.standardError.write(Data("\n".utf8)) }
            barShown = false
            closed = true
        }
    }
}
