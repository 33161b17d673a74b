import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in FaaS gateway for tests and benchmarks: HTTP/1.1 with keep-alive on 127.0.0.1, an
/// ephemeral port, a thread per connection. It answers the routes `GatewayRoute` sends
/// (OpenFaaS `/function/NAME`, OpenWhisk `/api/v1/namespaces/NS/actions/NAME`, Fn `/invoke/ID`
/// and `/t/APP/TRIGGER`, Knative `/` by `Host`, and any path for templates and function URLs),
/// records every request, and can be told to sleep for the request's `durationMs`, to answer 500,
/// to hang, or to refuse connections.
public final class GatewayDouble: @unchecked Sendable {
    /// How the double behaves.
    public struct Behavior: Sendable {
        /// Sleep `durationMs` × this before answering (0: answer at once).
        public var delayScale: Double
        /// Calls (by their body's `index`) answered with 500.
        public var failIndices: Set<Int>
        /// Calls (by `index`) never answered: the connection stays open until the client closes it.
        public var hangIndices: Set<Int>

        /// Answer with `Transfer-Encoding: chunked` (two chunks) instead of a Content-Length.
        public var chunked: Bool

        /// Close the connection after each answer without saying so, as a gateway's idle timeout does.
        public var dropKeptAlive: Bool

        public init(delayScale: Double = 0, failIndices: Set<Int> = [], hangIndices: Set<Int> = [], chunked: Bool = false,
                    dropKeptAlive: Bool = false) {
            self.delayScale = delayScale
            self.chunked = chunked
            self.dropKeptAlive = dropKeptAlive
            self.failIndices = failIndices
            self.hangIndices = hangIndices
        }
    }

    /// One request as received.
    public struct Request: Sendable {
        public var method: String
        /// The path with its query, as sent.
        public var target: String
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: Data
        /// The function the route names (for Knative, the first label of `Host`).
        public var function: String?
        /// The body's `index`, if it has one.
        public var index: Int?
        /// Which connection (in accept order) carried it: keep-alive reuses one.
        public var connection: Int
    }

    /// The port it listens on (127.0.0.1).
    public let port: Int
    public var url: URL {
        var parts = URLComponents()
        parts.scheme = "http"
        parts.host = "127.0.0.1"
        parts.port = port
        return parts.url ?? URL(fileURLWithPath: "/")
    }

    private let behavior: Behavior
    private let lock = NSLock()
    private var listener: Int32
    private var connections: [Int32] = []
    private var received: [Request] = []
    private var inFlight = 0, peak = 0, accepted = 0
    private var stopped = false
    private let threads = DispatchGroup()

    /// Starts listening at once on `port` (0: an ephemeral one); `stop()` ends it.
    public init(port requested: Int = 0, behavior: Behavior = Behavior()) throws {
        self.behavior = behavior
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw GatewayError("gateway double: socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: requested).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 512) == 0 else {
            close(fd)
            throw GatewayError("gateway double: cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        threads.enter()
        Thread { [self] in acceptLoop(fd); threads.leave() }.start()
    }

    deinit { stop() }

    /// Every request received so far, in the order they were read.
    public var requests: [Request] { lock.lock(); defer { lock.unlock() }; return received }
    /// The most requests it was handling at once.
    public var maxInFlight: Int { lock.lock(); defer { lock.unlock() }; return peak }
    /// Connections accepted so far.
    public var connectionCount: Int { lock.lock(); defer { lock.unlock() }; return accepted }

    /// Stops listening: new connections are refused; open ones keep being served.
    public func refuseConnections() {
        lock.lock()
        let fd = listener
        listener = -1
        lock.unlock()
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    /// Stops listening, closes every connection and waits for its threads.
    public func stop() {
        refuseConnections()
        lock.lock()
        stopped = true
        let open = connections
        lock.unlock()
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        _ = threads.wait(timeout: .now() + 5)
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return  // the listener was closed
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            if stopped { lock.unlock(); close(client); return }
            connections.append(client)
            accepted += 1
            let number = accepted
            lock.unlock()
            threads.enter()
            Thread { [self] in
                serve(client, connection: number)
                lock.lock()
                connections.removeAll { $0 == client }
                lock.unlock()
                close(client)
                threads.leave()
            }.start()
        }
    }

    /// Reads requests one after another on a keep-alive connection and answers each.
    private func serve(_ fd: Int32, connection: Int) {
        var reader = WireReader(fd: fd)
        while let head = reader.readHead() {
            let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
            let requestLine = lines.first.map { $0.split(separator: " ") } ?? []
            guard requestLine.count >= 2 else { _ = write(fd, status: 400, body: "{\"error\":\"bad request line\"}"); return }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            guard let body = reader.readBody(length) else { return }
            let method = String(requestLine[0]), target = String(requestLine[1])
            let fields = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            let index = (fields?["index"] as? NSNumber)?.intValue
            let durationMs = (fields?["durationMs"] as? NSNumber)?.doubleValue ?? 0
            let function = Self.function(target: target, host: headers["host"])
            lock.lock()
            received.append(Request(method: method, target: target, headers: headers, body: body, function: function, index: index, connection: connection))
            inFlight += 1
            peak = max(peak, inFlight)
            lock.unlock()
            defer { lock.lock(); inFlight -= 1; lock.unlock() }

            if let index, behavior.hangIndices.contains(index) {
                hang(fd)
                return
            }
            if behavior.delayScale > 0, durationMs > 0 { usleep(useconds_t(min(durationMs * behavior.delayScale, 600_000) * 1000)) }
            let ok: Bool
            if method != "POST" {
                ok = write(fd, status: 405, body: "{\"error\":\"POST only\"}")
            } else if function == nil {
                ok = write(fd, status: 404, body: "{\"error\":\"no such route\"}")
            } else if let index, behavior.failIndices.contains(index) {
                ok = write(fd, status: 500, body: "{\"error\":\"failed as told\"}")
            } else {
                ok = write(fd, status: 200, body: "{\"function\":\"\(function ?? "")\",\"ok\":true}")
            }
            if !ok || headers["connection"]?.lowercased() == "close" || behavior.dropKeptAlive { return }
        }
    }

    /// Waits until the client closes the connection or the double stops.
    private func hang(_ fd: Int32) {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var scratch = [UInt8](repeating: 0, count: 4096)
        while !isStopped {
            let ready = poll(&poller, 1, 50)
            if ready > 0 {
                if read(fd, &scratch, scratch.count) <= 0 { return }
            } else if ready < 0 && errno != EINTR { return }
        }
    }

    private func write(_ fd: Int32, status: Int, body: String) -> Bool {
        let reason = [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error"][status] ?? "Status"
        var text = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
        if behavior.chunked {
            let bytes = Array(body.utf8), half = bytes.count / 2
            let first = String(decoding: bytes[..<half], as: UTF8.self), second = String(decoding: bytes[half...], as: UTF8.self)
            text += "Transfer-Encoding: chunked\r\n\r\n"
            text += String(half, radix: 16) + "\r\n" + first + "\r\n" + String(bytes.count - half, radix: 16) + ";ext=1\r\n" + second + "\r\n0\r\n\r\n"
        } else {
            text += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// The function a request's route names, or nil when the path matches no route.
    static func function(target: String, host: String?) -> String? {
        let path = String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let parts = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        switch parts.first {
        case "function" where parts.count == 2: return parts[1]
        case "api" where parts.count == 6 && parts[1] == "v1" && parts[2] == "namespaces" && parts[4] == "actions": return parts[5]
        case "invoke" where parts.count == 2: return parts[1]
        case "t" where parts.count == 3: return parts[2]
        case nil:
            // Knative: the service is the first label of Host; function URLs and templates: the host.
            guard let host, let first = host.split(separator: ".").first else { return nil }
            return String(first.split(separator: ":").first ?? first)
        default:
            return parts.last  // a template's path: its last segment
        }
    }
}

/// Buffered reads of HTTP/1.1 heads and bodies from a socket.
struct WireReader {
    let fd: Int32
    var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// The head up to the blank line (without it), or nil when the peer closed.
    mutating func readHead() -> String? {
        while true {
            if let end = Self.find(buffer) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                return head
            }
            if buffer.count > 64 * 1024 || !fill() { return nil }
        }
    }

    mutating func readBody(_ length: Int) -> Data? {
        while buffer.count < length { if !fill() { return nil } }
        let body = Data(buffer[..<length])
        buffer.removeFirst(length)
        return body
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[..<n])
            return true
        }
    }

    static func find(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
        return nil
    }
}
