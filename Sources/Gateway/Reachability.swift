import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a replay could not start.
public struct GatewayError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A TCP connect to each host a replay will call, before the first call, so that a wrong address
/// is one clear error instead of a CSV of failures.
enum Reachability {
    /// Throws `cannot reach gateway URL: reason` for the first host that does not accept a connection.
    static func check(_ urls: [URL], timeoutSeconds: Double) throws {
        var seen = Set<String>()
        for url in urls {
            guard let host = url.host else { throw GatewayError("no host in \(url.absoluteString)") }
            let port = url.port ?? (url.scheme == "https" ? 443 : 80)
            guard seen.insert("\(host):\(port)").inserted else { continue }
            if let reason = connect(host: host, port: port, timeoutSeconds: timeoutSeconds) {
                let shown = "\(url.scheme ?? "http")://\(host)\(url.port.map { ":\($0)" } ?? "")"
                throw GatewayError("cannot reach gateway \(shown): \(reason)")
            }
        }
    }

    /// Nil when a connection was made, otherwise the reason in words.
    static func connect(host: String, port: Int, timeoutSeconds: Double) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let found = getaddrinfo(host, String(port), &hints, &list)
        guard found == 0, let first = list else { return "cannot resolve host \(host): \(String(cString: gai_strerror(found)))" }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { reason = String(cString: strerror(errno)); continue }
            defer { close(fd) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return nil }
            guard errno == EINPROGRESS else { reason = String(cString: strerror(errno)).lowercased(); continue }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, timeoutSeconds * 1000)))
            guard ready > 0 else { reason = "no answer within \(timeoutSeconds) s"; continue }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return nil }
            reason = String(cString: strerror(error)).lowercased()
        }
        return reason
    }
}
