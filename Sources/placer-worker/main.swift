// placer-worker: one function instance of the local executor (docs/executor.md).
//
// Started directly by `placer execute` (never through a shell); runs its init phase, says
// `{"ready":true}`, then serves requests from standard input: burns CPU for the request's
// durationMs and holds the request's memoryMB resident (touched once, kept, as a warm instance
// keeps its memory). Several requests at once, each on its own thread, with --concurrency N > 1.
// Faults for tests and demonstrations: --fault crash|hang|memory|garbage|exit on the --fault-at'th request.
// No Foundation: its start-up time would be counted in every cold start.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ProcessShim
import WorkerProtocol

struct Options {
    var initMs = 0.0
    var concurrency = 1
    var fault: String?
    var faultAt = 1
}

func usage(_ message: String) -> Never {
    let text = "placer-worker: \(message)\nusage: placer-worker [--init-ms MS] [--concurrency N] [--fault crash|hang|memory|garbage|exit] [--fault-at N]\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(64)
}

func parseOptions() -> Options {
    var options = Options()
    var args = CommandLine.arguments.dropFirst()
    while let arg = args.popFirst() {
        guard let value = args.popFirst() else { usage("\(arg) needs a value") }
        switch arg {
        case "--init-ms": options.initMs = Double(value) ?? -1
        case "--concurrency": options.concurrency = Int(value) ?? 0
        case "--fault":
            guard ["crash", "hang", "memory", "garbage", "exit"].contains(value) else { usage("unknown fault \(value)") }
            options.fault = value
        case "--fault-at": options.faultAt = Int(value) ?? 0
        default: usage("unknown option \(arg)")
        }
    }
    if options.initMs < 0 || options.concurrency < 1 || options.faultAt < 1 { usage("values must be positive") }
    return options
}

// The parent this process started under, read first: compared with after the death signal is
// requested, it shows whether the parent died in between (1 is no sign: in a container the
// executor itself may be PID 1).
let startingParent = getppid()
let options = parseOptions()
// One malloc arena: per-thread arenas reserve 64 MB of address space each, which the
// executor's address-space limit would count as the function's memory.
placer_single_malloc_arena()
signal(SIGPIPE, SIG_IGN)
// Never outlive the executor, even when it is killed outright.
if placer_die_with_parent(startingParent) == ESRCH { exit(0) }

// The init phase: what a function does once per instance (imports, connections), here CPU.
burn(ms: options.initMs)
output.send(FlatJSON.line(["ready": .bool(true)]))

var served = 0
var buffer: [UInt8] = []
var chunk = [UInt8](repeating: 0, count: 65_536)
while true {
    let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
    if n < 0 { if errno == EINTR { continue }; break }
    if n == 0 { break }
    buffer.append(contentsOf: chunk[0..<n])
    var start = 0
    while let newline = buffer[start...].firstIndex(of: 0x0A) {
        let line = buffer[start..<newline]
        start = newline + 1
        guard let fields = try? FlatJSON.parse(line), let id = fields["id"]?.number else {
            output.send(FlatJSON.line(["ok": .bool(false), "error": .string("not a request line")]))
            continue
        }
        served += 1
        let request = Request(id: id, durationMs: fields["durationMs"]?.number ?? 0, memoryMB: Int(fields["memoryMB"]?.number ?? 0),
                              fault: served == options.faultAt ? options.fault : nil)
        if options.concurrency == 1 { serve(request) } else { serveOnThread(request) }
    }
    buffer.removeFirst(start)
}
exit(0)
