import Foundation
import ProcessShim
import XCTest
@testable import Executor

/// How the executor ends processes and handles signals: the group is killed before the leader
/// is reaped (a reaped PID may be another process's), and the interrupt handler keeps errno.
final class ProcessHandlingTests: XCTestCase {
    /// The state letter of `pid` in /proc (R, S, Z, …), or nil when it is gone.
    private func state(_ pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(close, offsetBy: 2)...].first
    }

    func testReapingKillsWhatTheInstanceLeftInItsGroup() throws {
        // The instance starts a child in its group, says its PID and exits at once.
        let process = try Processes.spawn(["/bin/sh", "-c", "sleep 60 & echo $!; exit 0"])
        var line = [UInt8]()
        var byte: UInt8 = 0
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !line.contains(0x0A) {
            if read(process.output, &byte, 1) == 1 { line.append(byte) } else { usleep(1000) }
        }
        let child = try XCTUnwrap(Int32(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(getpgid(child), process.pid, "the child is in the instance's group")
        let ending = Processes.reap(process.pid, grace: 5)
        XCTAssertEqual(ending.exitCode, 0)
        XCTAssertNil(ending.signal)
        // The leftover child was killed with its group (it may linger as a zombie of init).
        let killed = Date().addingTimeInterval(5)
        while Date() < killed, let s = state(child), s != "Z" { usleep(1000) }
        XCTAssertTrue(state(child) == nil || state(child) == "Z", "the instance's child still runs: \(String(describing: state(child)))")
        close(process.input); close(process.output)
    }

    func testAProcessThatIsNotOursIsNeverSignalled() throws {
        // A grandchild (not our child, as a PID reaped before and handed to someone else would
        // not be): the reap returns at once and signals nothing.
        let process = try Processes.spawn(["/bin/sh", "-c", "sleep 60 & echo $!; exec sleep 60"])
        var line = [UInt8]()
        var byte: UInt8 = 0
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !line.contains(0x0A) {
            if read(process.output, &byte, 1) == 1 { line.append(byte) } else { usleep(1000) }
        }
        let grandchild = try XCTUnwrap(Int32(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(placer_has_exited(grandchild), -1)
        XCTAssertEqual(Processes.reap(grandchild, grace: 5).status, 0)
        usleep(50_000)
        XCTAssertEqual(state(grandchild).map { $0 == "S" || $0 == "R" }, true, "the grandchild was signalled")
        // Now end the instance the executor's way: its group (the grandchild too) goes with it.
        Processes.kill(process.pid)
        _ = Processes.reap(process.pid, grace: 5)
        close(process.input); close(process.output)
    }

    func testAnExitedChildIsSeenWithoutBeingReaped() throws {
        let process = try Processes.spawn(["/bin/sh", "-c", "exit 3"])
        var exited: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, exited == 0 { exited = placer_has_exited(process.pid); usleep(1000) }
        XCTAssertEqual(exited, 1)
        // Still a zombie: its PID is held until the reap.
        XCTAssertEqual(state(process.pid), "Z")
        XCTAssertEqual(Processes.reap(process.pid, grace: 1).exitCode, 3)
        XCTAssertNil(state(process.pid))
        close(process.input); close(process.output)
    }

    func testTheInterruptHandlerKeepsErrnoEvenWhenItsWriteFails() {
        // A full non-blocking pipe: the handler's write fails with EAGAIN, and errno must still be
        // what the interrupted code had set.
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(placer_pipe(&fds, 1), 0)
        defer { close(fds[0]); close(fds[1]) }
        var byte: UInt8 = 1
        while write(fds[1], &byte, 1) == 1 {}
        XCTAssertEqual(errno, EAGAIN)
        errno = EDOM
        placer_notify(fds[1])
        XCTAssertEqual(errno, EDOM)
        // With room, it writes its byte, and errno is still kept.
        var drain = [UInt8](repeating: 0, count: 1 << 17)
        _ = read(fds[0], &drain, drain.count)
        errno = ERANGE
        placer_notify(fds[1])
        XCTAssertEqual(errno, ERANGE)
    }
}
