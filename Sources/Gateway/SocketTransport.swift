import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one request came to, from either client.
struct TransportResult: Sendable {
    var status: Int?
    var bytes = 0
    /// Set when there is no status: `timeout`, `connection-refused`, `connection-lost`, `error`.
    var failure: String?
    var detail = ""
}

/// A plain-HTTP/1.1 client over POSIX sockets for `http://` gateways: one worker thread per
/// concurrency slot, each keeping its own connection alive. It exists for timing: a request
/// leaves within about 0.1 ms of being handed over, where URLSession on Linux adds about 0.7 ms
/// and handing it a task can stall the sender for tens of milliseconds on a busy schedule
/// (`placer bench gateway` shows both). No TLS: `https://` goes through URLSession.
final class SocketTransport: @unchecked Sendable {
    private struct Job {
        var request: GatewayRequest
        var timeoutSeconds: Double
        var done: @Sendable (TransportResult) -> Void
    }

    /// One worker's mailbox: the job handed to it, and the semaphore that wakes it.
    private final class Mailbox: @unchecked Sendable {
        let wake = DispatchSemaphore(value: 0)
        var job: Job?  // guarded by the transport's lock
    }

    private let lock = NSLock()
    private var mailboxes: [Mailbox] = []
    /// Idle workers, the most recently idle last: it is handed the next job, so calls reuse the
    /// warmest connections and a replay opens about as many as it ever has in flight.
    private var idle: [Int] = []
    private var pending: [Job] = []
    private let workers = DispatchGroup()
    private let resolver = Resolver()

    private let maxWorkers: Int

    /// Workers start as calls need them, up to `count`: a replay runs as many threads as it ever
    /// has calls in flight, not as many as it may.
    init(workers count: Int) {
        maxWorkers = max(1, count)
    }

    /// Hands a request to the most recently idle worker (or a new one); `done` runs on that
    /// worker when it is over.
    func send(_ request: GatewayRequest, timeoutSeconds: Double, done: @escaping @Sendable (TransportResult) -> Void) {
        let job = Job(request: request, timeoutSeconds: timeoutSeconds, done: done)
        lock.lock()
        let w: Int
        if let last = idle.popLast() {
            w = last
        } else if mailboxes.count < maxWorkers {
            w = mailboxes.count
            let box = Mailbox()
            mailboxes.append(box)
            workers.enter()
            let thread = Thread { [self] in work(box, number: w); workers.leave() }
            thread.stackSize = 256 * 1024
            thread.start()
        } else {
            pending.append(job)
            lock.unlock()
            return
        }
        let box = mailboxes[w]
        box.job = job
        lock.unlock()
        box.wake.signal()
    }

    /// Lets the workers finish what they hold, closes their connections and waits for them.
    func finish() {
        lock.lock()
        let boxes = mailboxes
        lock.unlock()
        for box in boxes { box.wake.signal() }
        workers.wait()
    }

    private func work(_ box: Mailbox, number: Int) {
        var connection: Connection?
        while true {
            box.wake.wait()
            lock.lock()
            guard var job = box.job else { lock.unlock(); break }  // woken to close
            box.job = nil
            lock.unlock()
            while true {
                let result = perform(job.request, deadline: MonotonicClock.now() + UInt64(job.timeoutSeconds * 1e9), on: &connection)
                // Idle again (or on to a queued job) before reporting, so the next call can have this connection.
                lock.lock()
                let next = pending.isEmpty ? nil : pending.removeFirst()
                if next == nil { idle.append(number) }
                lock.unlock()
                job.done(result)
                guard let queued = next else { break }
                job = queued
            }
        }
        connection?.close()
    }

    /// One request on the worker's connection; a kept-alive connection the server closed while
    /// idle is replaced once, as browsers and curl do.
    private func perform(_ request: GatewayRequest, deadline: UInt64, on connection: inout Connection?) -> TransportResult {
        guard let host = request.url.host else { return TransportResult(failure: "error", detail: "no host in \(request.url)") }
        let port = request.url.port ?? 80
        let key = "\(host):\(port)"
        if connection?.key != key { connection?.close(); connection = nil }
        let bytes = Self.encode(request, host: host, port: port)
        for attempt in 0..<2 {
            let reused = connection != nil
            if connection == nil {
                switch Connection.open(resolver.addresses(host: host, port: port), key: key, deadline: deadline) {
                case .success(let opened): connection = opened
                case .failure(let failure): return TransportResult(failure: failure.failure, detail: failure.detail)
                }
            }
            guard var open = connection else { break }
            defer { connection = open.isOpen ? open : nil }
            guard open.write(bytes, deadline: deadline) else {
                open.close()
                if reused && attempt == 0 { continue }
                return TransportResult(failure: MonotonicClock.now() >= deadline ? "timeout" : "connection-lost")
            }
            let answer = open.readResponse(deadline: deadline)
            switch answer {
            case .answer(let status, let size, let keepAlive):
                if !keepAlive { open.close() }
                return TransportResult(status: status, bytes: size)
            case .timeout:
                open.close()
                return TransportResult(failure: "timeout")
            case .closedEarly(let anyByte):
                open.close()
                if reused && attempt == 0 && !anyByte { continue }
                return TransportResult(failure: "connection-lost")
            case .malformed(let why):
                open.close()
                return TransportResult(failure: "error", detail: why)
            }
        }
        return TransportResult(failure: "connection-lost")
    }

    static func encode(_ request: GatewayRequest, host: String, port: Int) -> [UInt8] {
        var target = request.url.path.isEmpty ? "/" : request.url.path
        if let query = request.url.query { target += "?" + query }
        var text = "POST \(target) HTTP/1.1\r\n"
        if request.headers.keys.contains(where: { $0.lowercased() == "host" }) == false {
            text += "Host: \(host)\(port == 80 ? "" : ":\(port)")\r\n"
        }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(request.body.count)\r\nConnection: keep-alive\r\n\r\n"
        return Array(text.utf8) + Array(request.body)
    }
}

/// Resolved addresses per host and port, looked up once per replay.
private final class Resolver: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [String: [SocketAddress]] = [:]

    func addresses(host: String, port: Int) -> [SocketAddress] {
        let key = "\(host):\(port)"
        lock.lock()
        if let known = cache[key] { lock.unlock(); return known }
        lock.unlock()
        let found = SocketAddress.resolve(host: host, port: port)
        lock.lock()
        cache[key] = found
        lock.unlock()
        return found
    }
}

/// One resolved address.
struct SocketAddress: Sendable {
    var family: Int32, type: Int32, proto: Int32
    var bytes: [UInt8]

    static func resolve(host: String, port: Int) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var out: [SocketAddress] = []
        var entry = list
        while let info = entry {
            entry = info.pointee.ai_next
            guard let address = info.pointee.ai_addr else { continue }
            let raw = UnsafeRawBufferPointer(start: address, count: Int(info.pointee.ai_addrlen))
            out.append(SocketAddress(family: info.pointee.ai_family, type: info.pointee.ai_socktype, proto: info.pointee.ai_protocol, bytes: Array(raw)))
        }
        return out
    }
}

/// A kept-alive connection and what has been read on it but not used yet.
private struct Connection {
    enum Answer { case answer(status: Int, bytes: Int, keepAlive: Bool), timeout, closedEarly(anyByte: Bool), malformed(String) }
    enum Fill { case data, eof, timeout }

    let fd: Int32
    let key: String
    var buffer: [UInt8] = []
    private(set) var isOpen = true

    static func open(_ addresses: [SocketAddress], key: String, deadline: UInt64) -> Result<Connection, TransportFailure> {
        guard !addresses.isEmpty else { return .failure(TransportFailure(failure: "error", detail: "cannot resolve \(key)")) }
        var failure = TransportFailure(failure: "connection-refused")
        for address in addresses {
            let fd = socket(address.family, address.type, address.proto)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let started = address.bytes.withUnsafeBytes { raw -> Int32 in
                guard let base = raw.baseAddress else { return -1 }
                return connect(fd, base.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
            }
            var error: Int32 = started == 0 ? 0 : errno
            if started != 0 && error == EINPROGRESS {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&poller, 1, remainingMs(deadline)) <= 0 {
                    Glibc.close(fd)
                    failure = TransportFailure(failure: "timeout")
                    continue
                }
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            }
            if error == 0 { return .success(Connection(fd: fd, key: key)) }
            Glibc.close(fd)
            failure = error == ECONNREFUSED ? TransportFailure(failure: "connection-refused")
                : TransportFailure(failure: "error", detail: String(cString: strerror(error)).lowercased())
        }
        return .failure(failure)
    }

    mutating func close() {
        if isOpen { Glibc.close(fd); isOpen = false }
    }

    /// Writes everything before the deadline; false if the peer is gone or time ran out.
    func write(_ bytes: [UInt8], deadline: UInt64) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { offset += n; continue }
            guard n < 0, errno == EAGAIN || errno == EINTR else { return false }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&poller, 1, Self.remainingMs(deadline)) <= 0 { return false }
        }
        return true
    }

    /// Reads one answer: status line, headers, and a body sized by Content-Length, chunked, or
    /// ended by the close.
    mutating func readResponse(deadline: UInt64) -> Answer {
        var headEnd: Int?
        var any = false
        while true {
            headEnd = Self.find(buffer, from: 0)
            if let end = headEnd {
                // Skip interim 1xx answers.
                if buffer.count >= 12, buffer[9] == UInt8(ascii: "1") { buffer.removeFirst(end + 4); continue }
                break
            }
            switch fill(deadline) {
            case .data: any = true
            case .eof: return .closedEarly(anyByte: any || !buffer.isEmpty)
            case .timeout: return .timeout
            }
        }
        guard let end = headEnd else { return .malformed("no response head") }
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        let lines = head.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            return .malformed("not an HTTP/1.x answer: \(lines.first ?? "")")
        }
        var length: Int?, chunked = false
        var keepAlive = statusParts[0] == "HTTP/1.1"
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased(), value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "content-length": length = Int(value)
            case "transfer-encoding": chunked = value.contains("chunked")
            case "connection": keepAlive = value.contains("keep-alive") || (keepAlive && !value.contains("close"))
            default: break
            }
        }
        if status == 204 || status == 304 { return .answer(status: status, bytes: 0, keepAlive: keepAlive) }
        if chunked {
            var total = 0
            while true {
                guard let lineEnd = Self.findLine(buffer) else {
                    switch fill(deadline) { case .data: continue; case .eof: return .closedEarly(anyByte: true); case .timeout: return .timeout }
                }
                let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return .malformed("bad chunk size") }
                if size == 0 {
                    // The last chunk, then trailer lines up to an empty one.
                    buffer.removeFirst(lineEnd + 2)
                    while true {
                        guard let end = Self.findLine(buffer) else {
                            switch fill(deadline) { case .data: continue; case .eof: return .closedEarly(anyByte: true); case .timeout: return .timeout }
                        }
                        buffer.removeFirst(end + 2)
                        if end == 0 { return .answer(status: status, bytes: total, keepAlive: keepAlive) }
                    }
                }
                while buffer.count < lineEnd + 2 + size + 2 {
                    switch fill(deadline) { case .data: continue; case .eof: return .closedEarly(anyByte: true); case .timeout: return .timeout }
                }
                buffer.removeFirst(lineEnd + 2 + size + 2)
                total += size
            }
        }
        if let length {
            while buffer.count < length {
                switch fill(deadline) { case .data: continue; case .eof: return .closedEarly(anyByte: true); case .timeout: return .timeout }
            }
            buffer.removeFirst(length)
            return .answer(status: status, bytes: length, keepAlive: keepAlive)
        }
        // Neither: the body runs to the close.
        while true {
            switch fill(deadline) {
            case .data: continue
            case .eof:
                let size = buffer.count
                buffer.removeAll()
                return .answer(status: status, bytes: size, keepAlive: false)
            case .timeout: return .timeout
            }
        }
    }

    private mutating func fill(_ deadline: UInt64) -> Fill {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n > 0 { buffer.append(contentsOf: chunk[..<n]); return .data }
            if n == 0 { return .eof }
            guard errno == EAGAIN || errno == EINTR else { return .eof }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait = Self.remainingMs(deadline)
            if wait == 0 || poll(&poller, 1, wait) == 0 { return .timeout }
        }
    }

    /// Milliseconds to the deadline, rounded up so a poll does not return early.
    static func remainingMs(_ deadline: UInt64) -> Int32 {
        let now = MonotonicClock.now()
        guard deadline > now else { return 0 }
        return Int32(min(Int64(Int32.max), Int64((deadline - now + 999_999) / 1_000_000)))
    }

    static func find(_ bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= start + 4 else { return nil }
        for i in start...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
        return nil
    }

    static func findLine(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for i in 0...(bytes.count - 2) where bytes[i] == 13 && bytes[i + 1] == 10 { return i }
        return nil
    }
}

/// A failure to connect, as a result.
private struct TransportFailure: Error {
    var failure: String
    var detail = ""
}
