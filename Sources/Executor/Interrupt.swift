import Foundation
import ProcessShim

/// The write end of the interrupt pipe, for the signal handler (which can capture nothing).
nonisolated(unsafe) private var interruptWriteEnd: Int32 = -1
nonisolated(unsafe) private var interruptReadEnd: Int32 = -1

/// Ctrl-C (SIGINT) and SIGTERM as a readable pipe, so the executor's poll wakes, stops its
/// instances and keeps what it measured instead of dying mid-write.
public enum Interrupt {
    /// Installs the handlers (once). Until then a replay cannot be interrupted cleanly.
    public static func install() {
        guard interruptReadEnd < 0 else { return }
        var fds: [Int32] = [0, 0]
        guard placer_pipe(&fds, 1) == 0 else { return }
        interruptReadEnd = fds[0]
        interruptWriteEnd = fds[1]
        let handler: @convention(c) (Int32) -> Void = { _ in
            var byte: UInt8 = 1
            _ = write(interruptWriteEnd, &byte, 1)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    /// The pipe's read end, or -1 when no handler is installed.
    static var fd: Int32 { interruptReadEnd }
}
