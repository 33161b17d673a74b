import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// What one request came to.
struct TransportResult: Sendable {
    var status: Int?
    /// Bytes of the answer's body.
    var bytes = 0
    /// Set when there is no status: `timeout`, `connection-refused`, `connection-lost`, `error`.
    var failure: String?
    var detail = ""
}

/// `GatewayReplay`'s client: one swift-server AsyncHTTPClient per replay, its connection pool
/// sized to the replay's concurrency (per host), HTTP/1.1 with keep-alive for `http://`, HTTP/2 or
/// HTTP/1.1 over TLS for `https://` (swift-nio-ssl, the system's trust roots), each call bounded
/// by its own deadline. Redirects are not followed: a 3xx is recorded as the gateway's answer.
final class PooledTransport: Sendable {
    private let client: HTTPClient

    init(concurrency: Int, timeoutSeconds: Double) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, concurrency))
        // A refused connection fails its call at once, recorded as `connection-refused`, instead of
        // being retried with back-off until the call's deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: Self.amount(timeoutSeconds), read: nil)
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends one request; `done` runs on an event loop when it is over (answer, failure or deadline).
    func send(_ request: GatewayRequest, timeoutSeconds: Double, done: @escaping @Sendable (TransportResult) -> Void) {
        var headers = HTTPHeaders()
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        let prepared: HTTPClient.Request
        do {
            prepared = try HTTPClient.Request(url: request.url, method: .POST, headers: headers, body: .bytes(request.body))
        } catch {
            done(TransportResult(failure: "error", detail: "\(error)"))
            return
        }
        client.execute(request: prepared, deadline: .now() + Self.amount(timeoutSeconds)).whenComplete { result in
            switch result {
            case .success(let response):
                done(TransportResult(status: Int(response.status.code), bytes: response.body?.readableBytes ?? 0))
            case .failure(let error):
                let (failure, detail) = Self.classify(error)
                done(TransportResult(failure: failure, detail: detail))
            }
        }
    }

    /// Closes the pool's connections; every call must be over.
    func finish() {
        try? client.syncShutdown()
    }

    /// An outcome name and a detail for a client error.
    static func classify(_ error: any Error) -> (String, String) {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return ("timeout", "")
            case .remoteConnectionClosed:
                return ("connection-lost", "")
            default:
                return ("error", error.description)
            }
        }
        if refused(error) { return ("connection-refused", "") }
        if let io = error as? IOError, io.errnoCode == ECONNRESET || io.errnoCode == EPIPE { return ("connection-lost", "") }
        if case ChannelError.connectTimeout = error { return ("timeout", "") }
        return ("error", "\(error)")
    }

    /// A connection the host refused, however NIO wraps it.
    private static func refused(_ error: any Error) -> Bool {
        if let io = error as? IOError { return io.errnoCode == ECONNREFUSED }
        if let connection = error as? NIOConnectionError {
            return !connection.connectionErrors.isEmpty && connection.connectionErrors.allSatisfy { refused($0.error) }
        }
        return false
    }

    static func amount(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(min(max(0, seconds), 1e9) * 1e9))
    }
}
