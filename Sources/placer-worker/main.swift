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

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Keeps the CPU busy until `ms` milliseconds have passed.
func burn(ms: Double) {
    guard ms > 0 else { return }
    let end = now() + ms / 1000
    var x: UInt64 = 0x9E37_79B9_7F4A_7C15
    repeat {
        for _ in 0..<256 { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
    } while now() < end
    if x == 42 { _ = write(2, "", 0) }  // keeps the loop from being optimised away
}

/// Memory the instance holds, grown to each request's size and touched page by page.
final class Memory: @unchecked Sendable {
    private var heldMB = 0
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }

    /// False when the memory cannot be had (the executor's limit).
    func hold(mb: Int) -> Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard mb > heldMB else { return true }
        let bytes = (mb - heldMB) << 20
        guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else { return false }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytesPointer = p.assumingMemoryBound(to: UInt8.self)
        var offset = 0
        while offset < bytes { bytesPointer[offset] = 1; offset += page }
        heldMB = mb
        return true
    }
}

/// Writes whole lines to standard output, one writer at a time.
final class Output: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }

    func send(_ line: String) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        var bytes = Array(line.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
            if n < 0 { if errno == EINTR { continue }; exit(1) }
            done += n
        }
    }
}

let options = parseOptions()
let output = Output()
let memory = Memory()
signal(SIGPIPE, SIG_IGN)
// Never outlive the executor, even when it is killed outright.
_ = placer_die_with_parent()
if getppid() == 1 { exit(0) }

// The init phase: what a function does once per instance (imports, connections), here CPU.
burn(ms: options.initMs)
output.send(FlatJSON.line(["ready": .bool(true)]))

struct Request: Sendable {
    var id: Double
    var durationMs: Double
    var memoryMB: Int
    var fault: String?
}

/// Serves one request and answers it.
func serve(_ r: Request) {
    switch r.fault {
    case "crash": abort()
    case "hang": while true { sleep(3600) }
    case "exit": exit(0)
    case "garbage": output.send("this is not a protocol line\n"); return
    case "memory":
        // Far past any sensible limit: the executor's address-space limit stops it.
        if !memory.hold(mb: max(1, r.memoryMB) * 64 + 4096) {
            output.send(FlatJSON.line(["id": .number(r.id), "ok": .bool(false), "kind": .string("memory"),
                                       "error": .string("memory limit: cannot allocate more than the function's \(r.memoryMB) MB")]))
            exit(3)
        }
    default: break
    }
    if r.memoryMB > 0, !memory.hold(mb: r.memoryMB) {
        output.send(FlatJSON.line(["id": .number(r.id), "ok": .bool(false), "kind": .string("memory"),
                                   "error": .string("memory limit: cannot hold \(r.memoryMB) MB")]))
        exit(3)
    }
    burn(ms: r.durationMs)
    output.send(FlatJSON.line(["id": .number(r.id), "ok": .bool(true)]))
}

final class Box: @unchecked Sendable { let request: Request; init(_ r: Request) { request = r } }

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
        if options.concurrency == 1 {
            serve(request)
        } else {
            var thread = pthread_t()
            let box = Unmanaged.passRetained(Box(request)).toOpaque()
            let made = pthread_create(&thread, nil, { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                serve(box.request)
                return nil
            }, box)
            if made == 0 { pthread_detach(thread) } else { serve(request) }
        }
    }
    buffer.removeFirst(start)
}
exit(0)
