// The instance's work, in a file of its own: globals and functions here are not tied to the
// main actor (as main.swift's are), so the request threads may use them.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WorkerProtocol

let output = Output()
let memory = Memory()

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

/// A mutex at a fixed address (a stored pthread_mutex_t may be moved by Swift).
func makeMutex() -> UnsafeMutablePointer<pthread_mutex_t> {
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
    return mutex
}

/// Memory the instance holds, grown to each request's size and touched page by page.
final class Memory: @unchecked Sendable {
    private var heldMB = 0
    private let lock = makeMutex()

    /// False when the memory cannot be had (the executor's limit).
    func hold(mb: Int) -> Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
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
    private let lock = makeMutex()

    func send(_ line: String) {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        var bytes = Array(line.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
            if n < 0 { if errno == EINTR { continue }; exit(1) }
            done += n
        }
    }
}

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

/// Serves the request on a thread of its own; inline when no thread can be had.
func serveOnThread(_ request: Request) {
    var thread = pthread_t()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstacksize(&attributes, 512 << 10)
    defer { pthread_attr_destroy(&attributes) }
    let box = Unmanaged.passRetained(Box(request)).toOpaque()
    let made = pthread_create(&thread, &attributes, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        serve(box.request)
        return nil
    }, box)
    if made == 0 { pthread_detach(thread) } else {
        Unmanaged<Box>.fromOpaque(box).release()
        serve(request)
    }
}

