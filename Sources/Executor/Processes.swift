import Foundation
import ProcessShim

/// A started instance process: its id and the executor's ends of its pipes.
struct SpawnedProcess {
    let pid: pid_t
    /// Written to: the instance's standard input.
    let input: Int32
    /// Read from (non-blocking): the instance's standard output.
    let output: Int32
}

/// Process calls the executor makes, behind one file.
enum Processes {
    /// Starts `argv` directly (posix_spawn, no shell) in a process group of its own, so a Ctrl-C
    /// at the terminal reaches only the executor, which then stops its instances itself.
    /// Standard error goes to /dev/null unless `keepStderr`.
    static func spawn(_ argv: [String], keepStderr: Bool = false) throws -> SpawnedProcess {
        guard let program = argv.first, !program.isEmpty else { throw ExecutionError.badCommand("empty command") }
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard placer_pipe(&toChild, 0) == 0 else { throw ExecutionError.system("cannot make a pipe: \(String(cString: strerror(errno)))") }
        guard placer_pipe(&fromChild, 0) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw ExecutionError.system("cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        if !keepStderr { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        // posix_spawnp searches PATH for a bare name, as a shell would, but runs no shell.
        let status = posix_spawnp(&pid, program, &actions, &attributes, &cArgs, environ)
        close(toChild[0]); close(fromChild[1])
        guard status == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw ExecutionError.cannotStart("cannot start \(program): \(String(cString: strerror(status)))")
        }
        let flags = fcntl(fromChild[0], F_GETFL)
        _ = fcntl(fromChild[0], F_SETFL, flags | O_NONBLOCK)
        return SpawnedProcess(pid: pid, input: toChild[1], output: fromChild[0])
    }

    /// Kills the instance's whole process group (its own children too). Only for a process not
    /// yet reaped: until then its PID, which is also its group's ID, cannot belong to another.
    static func kill(_ pid: pid_t) {
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// How a process ended, and the kernel's account of it.
    struct Ending {
        var status: Int32
        var cpuMs: Double
        var maxRSSMB: Double

        var signal: Int32? { (status & 0x7f) != 0 ? status & 0x7f : nil }
        var exitCode: Int32 { (status >> 8) & 0xff }
    }

    /// Waits for the process to end (killing it if it has not within `grace` seconds), kills what
    /// it left running in its group, and only then reaps it. The order matters: once reaped, its
    /// PID may be handed to an unrelated process, which a kill by that number would then hit.
    static func reap(_ pid: pid_t, grace: Double) -> Ending {
        let deadline = Clock.now() + grace
        var exited = placer_has_exited(pid)
        while exited == 0 && Clock.now() < deadline {
            usleep(200)
            exited = placer_has_exited(pid)
        }
        // Not our child, or reaped already: nothing of it may be signalled.
        guard exited >= 0 else { return Ending(status: 0, cpuMs: 0, maxRSSMB: 0) }
        // A zombie (or, past the grace, still running): its group is still its own.
        kill(pid)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
        return Ending(status: status, cpuMs: cpu, maxRSSMB: Double(usage.ru_maxrss) / 1024)
    }

    /// Sets the process's address-space limit; false when the kernel refuses.
    static func limitAddressSpace(_ pid: pid_t, megabytes: Int) -> Bool {
        placer_limit_address_space(pid, UInt64(megabytes) << 20) == 0
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGABRT: return "SIGABRT"
        case SIGSEGV: return "SIGSEGV"
        case SIGKILL: return "SIGKILL"
        case SIGTERM: return "SIGTERM"
        case SIGBUS: return "SIGBUS"
        case SIGILL: return "SIGILL"
        case SIGTRAP: return "SIGTRAP"
        case SIGFPE: return "SIGFPE"
        default: return "signal \(signal)"
        }
    }
}

/// The kernel's running figures for one process, read from /proc through files kept open.
final class ProcStats {
    private let schedstat: Int32
    private let status: Int32
    private var buffer = [UInt8](repeating: 0, count: 4096)

    init(pid: pid_t) {
        schedstat = open("/proc/\(pid)/schedstat", O_RDONLY | O_CLOEXEC)
        status = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        if schedstat >= 0 { close(schedstat) }
        if status >= 0 { close(status) }
    }

    private func read(_ fd: Int32) -> ArraySlice<UInt8>? {
        guard fd >= 0 else { return nil }
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        return n > 0 ? buffer[0..<n] : nil
    }

    /// CPU time the process has had, nanoseconds (first field of /proc/PID/schedstat).
    func cpuNanoseconds() -> UInt64? {
        guard let bytes = read(schedstat) else { return nil }
        var value: UInt64 = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { break }
            value = value * 10 + UInt64(b - 0x30)
        }
        return value
    }

    /// (peak resident set VmHWM, address space VmSize) in MB from /proc/PID/status.
    func memoryMB() -> (peakRSS: Double, size: Double)? {
        guard let bytes = read(status) else { return nil }
        func field(_ name: String) -> Double? {
            let key = Array(name.utf8)
            var i = bytes.startIndex
            while i + key.count < bytes.endIndex {
                if bytes[i..<i + key.count].elementsEqual(key) {
                    var j = i + key.count, value = 0
                    while j < bytes.endIndex, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                    while j < bytes.endIndex, bytes[j] >= 0x30, bytes[j] <= 0x39 { value = value * 10 + Int(bytes[j] - 0x30); j += 1 }
                    return Double(value) / 1024
                }
                // Next line.
                while i < bytes.endIndex, bytes[i] != 0x0A { i += 1 }
                i += 1
            }
            return nil
        }
        guard let peak = field("VmHWM:"), let size = field("VmSize:") else { return nil }
        return (peak, size)
    }
}

/// A monotonic clock in seconds.
enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func unixMicroseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}
