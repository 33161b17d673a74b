import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A stand-in FaaS gateway for tests and benchmarks: an HTTP/1.1 server on SwiftNIO bound to
/// 127.0.0.1 on an ephemeral port, with keep-alive. It answers the routes `GatewayRoute` sends
/// (OpenFaaS `/function/NAME`, OpenWhisk `/api/v1/namespaces/NS/actions/NAME`, Fn `/invoke/ID`
/// and `/t/APP/TRIGGER`, Knative `/` by `Host`, and any path for templates and function URLs),
/// records every request with its request target exactly as it came on the wire, and can be told
/// to wait for the request's `durationMs`, to answer 500, to hang, to close kept-alive
/// connections unannounced, or to refuse connections.
public final class GatewayDouble: Sendable {
    /// How the double behaves.
    public struct Behavior: Sendable {
        /// Wait `durationMs` × this before answering (0: answer at once); at most 600 s.
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
        /// The request target (path and query) exactly as it came on the wire, percent-encoding kept.
        public var target: String
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: Data
        /// The function the route names, percent-decoded (for Knative, the first label of `Host`).
        public var function: String?
        /// The body's `index`, if it has one.
        public var index: Int?
        /// Which connection (in accept order, from 1) carried it: keep-alive reuses one.
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

    private let group: MultiThreadedEventLoopGroup
    private let shared: DoubleState

    /// Starts listening at once on `port` (0: an ephemeral one); `stop()` ends it.
    public init(port requested: Int = 0, behavior: Behavior = Behavior()) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(2, System.coreCount))
        let shared = DoubleState(behavior: behavior)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let number = shared.accepted(channel) else { throw ChannelError.ioOnClosedChannel }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(DoubleHandler(shared: shared, connection: number))
                }
            }
        let listener: any Channel
        do {
            listener = try bootstrap.bind(host: "127.0.0.1", port: min(max(0, requested), 65_535)).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw GatewayError("gateway double: cannot listen on 127.0.0.1: \(error)")
        }
        guard let bound = listener.localAddress?.port else {
            try? group.syncShutdownGracefully()
            throw GatewayError("gateway double: no local port")
        }
        port = bound
        self.group = group
        self.shared = shared
        shared.state.withLockedValue { $0.listener = listener }
    }

    deinit { stop() }

    /// Every request received so far, in the order they were read.
    public var requests: [Request] { shared.state.withLockedValue { $0.received } }
    /// The most requests it was handling at once.
    public var maxInFlight: Int { shared.state.withLockedValue { $0.peak } }
    /// Connections accepted so far.
    public var connectionCount: Int { shared.state.withLockedValue { $0.accepted } }

    /// Stops listening: new connections are refused; open ones keep being served.
    public func refuseConnections() {
        let listener = shared.state.withLockedValue { state -> (any Channel)? in
            defer { state.listener = nil }
            return state.listener
        }
        try? listener?.close().wait()
    }

    /// Stops listening, closes every connection and stops its event loops (once; later calls do nothing).
    public func stop() {
        refuseConnections()
        let open = shared.state.withLockedValue { state -> [any Channel]? in
            guard !state.stopped else { return nil }
            state.stopped = true
            return Array(state.connections.values)
        }
        guard let open else { return }
        for channel in open { try? channel.close().wait() }
        if MultiThreadedEventLoopGroup.currentEventLoop == nil {
            try? group.syncShutdownGracefully()
        } else {
            group.shutdownGracefully { _ in }
        }
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

/// What the double's connections share: the behaviour, the record and the open channels.
private final class DoubleState: Sendable {
    struct State {
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var received: [GatewayDouble.Request] = []
        var inFlight = 0, peak = 0, accepted = 0
        var stopped = false
    }

    let behavior: GatewayDouble.Behavior
    let state = NIOLockedValueBox(State())

    init(behavior: GatewayDouble.Behavior) { self.behavior = behavior }

    /// The new connection's number, or nil once the double is stopping.
    func accepted(_ channel: any Channel) -> Int? {
        state.withLockedValue { state in
            guard !state.stopped else { return nil }
            state.accepted += 1
            state.connections[ObjectIdentifier(channel)] = channel
            return state.accepted
        }
    }

    func closed(_ channel: any Channel) {
        _ = state.withLockedValue { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func received(_ request: GatewayDouble.Request) {
        state.withLockedValue { state in
            state.received.append(request)
            state.inFlight += 1
            state.peak = max(state.peak, state.inFlight)
        }
    }

    func answered() { state.withLockedValue { $0.inFlight -= 1 } }
}

/// One connection: reads each request whole, records it, and answers as the behaviour says.
private final class DoubleHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let shared: DoubleState
    private let connection: Int
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    /// A request left unanswered on purpose: it stops counting as in flight when the connection closes.
    private var hanging = false

    init(shared: DoubleState, connection: Int) {
        self.shared = shared
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            self.head = nil
            handle(context, head, Data(body.readableBytesView))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if hanging { hanging = false; shared.answered() }
        shared.closed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func handle(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ body: Data) {
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        let fields = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let index = (fields?["index"] as? NSNumber)?.intValue
        let durationMs = (fields?["durationMs"] as? NSNumber)?.doubleValue ?? 0
        let function = GatewayDouble.function(target: head.uri, host: headers["host"])
        shared.received(GatewayDouble.Request(method: head.method.rawValue, target: head.uri, headers: headers, body: body,
                                              function: function, index: index, connection: connection))
        let behavior = shared.behavior
        if let index, behavior.hangIndices.contains(index) {
            hanging = true
            return
        }
        let (status, text): (Int, String)
        if head.method != .POST {
            (status, text) = (405, "{\"error\":\"POST only\"}")
        } else if let function {
            if let index, behavior.failIndices.contains(index) {
                (status, text) = (500, "{\"error\":\"failed as told\"}")
            } else {
                (status, text) = (200, "{\"function\":\(Self.quoted(function)),\"ok\":true}")
            }
        } else {
            (status, text) = (404, "{\"error\":\"no such route\"}")
        }
        let keepAlive = head.isKeepAlive && !behavior.dropKeptAlive
        let delayMs = behavior.delayScale > 0 && durationMs > 0 ? min(durationMs * behavior.delayScale, 600_000) : 0
        if delayMs > 0 {
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(delayMs * 1e6))) { [self] in
                answer(context, version: head.version, status: status, text: text, keepAlive: keepAlive)
            }
        } else {
            answer(context, version: head.version, status: status, text: text, keepAlive: keepAlive)
        }
    }

    private func answer(_ context: ChannelHandlerContext, version: HTTPVersion, status: Int, text: String, keepAlive: Bool) {
        var headers = HTTPHeaders([("Content-Type", "application/json")])
        let bytes = Array(text.utf8)
        // Without a Content-Length, NIO's encoder sends the body chunked.
        if !shared.behavior.chunked { headers.add(name: "Content-Length", value: String(bytes.count)) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: headers))),
                      promise: nil)
        let half = shared.behavior.chunked ? bytes.count / 2 : bytes.count
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes[..<half])))), promise: nil)
        if half < bytes.count { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes[half...])))), promise: nil) }
        let shared = shared
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            shared.answered()
            if !keepAlive { context.close(promise: nil) }
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
