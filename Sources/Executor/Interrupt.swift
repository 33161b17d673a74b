import Foundation
import ProcessShim

/// The interrupt pipe's read end (-1 until `install`); set once, before any replay reads it.
nonisolated(unsafe) private var interruptReadEnd: Int32 = -1

/// Ctrl-C (SIGINT) and SIGTERM as a readable pipe, so the executor's poll wakes, stops its
/// instances and keeps what it measured instead of dying mid-write. The handler lives in C
/// (`placer_install_interrupt`): it only writes a byte, and saves and restores `errno`, as a
/// handler must (POSIX lists the async-signal-safe calls; a Swift closure may touch the runtime).
public enum Interrupt {
    /// Installs the handlers (once). Until then a replay cannot be interrupted cleanly.
    public static func install() {
        guard interruptReadEnd < 0 else { return }
        var fds: [Int32] = [0, 0]
        guard placer_pipe(&fds, 1) == 0 else { return }
        guard placer_install_interrupt(fds[1]) == 0 else {
            close(fds[0]); close(fds[1])
            return
        }
        interruptReadEnd = fds[0]
    }

    /// The pipe's read end, or -1 when no handler is installed.
    static var fd: Int32 { interruptReadEnd }
}
