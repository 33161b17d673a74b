import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `placer bench gateway`'s baseline (`Bench.GatewayRun`), a measurement aid only (no replay uses it): the least an
/// HTTP/1.1 client can do — one keep-alive TCP connection to 127.0.0.1, a POST written in one
/// call, the answer read up to its Content-Length. No TLS, no pooling, no chunked answers: the
/// floor that `GatewayReplay`'s AsyncHTTPClient is measured against in the same run.
final class BareHTTPClient: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw UseCaseError.failure("bench: cannot connect to 127.0.0.1:\(port)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Sends one POST and returns the status once the whole answer is read.
    func post(path: String, body: Data) throws -> Int {
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let bytes = Array(head.utf8) + Array(body)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { throw UseCaseError.failure("bench: the connection closed while sending") }
            offset += n
        }
        var end: Int?
        while end == nil {
            end = find()
            if end == nil { try fill() }
        }
        guard let headEnd = end else { return 0 }
        let text = String(decoding: buffer[..<headEnd], as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        var length = 0
        for line in text.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        while buffer.count < headEnd + 4 + length { try fill() }
        buffer.removeFirst(headEnd + 4 + length)
        return status
    }

    private func find() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
        return nil
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 8192)
        let n = read(fd, &chunk, chunk.count)
        guard n > 0 else { throw UseCaseError.failure("bench: the connection closed while reading") }
        buffer.append(contentsOf: chunk[..<n])
    }
}
