import NIOCore
import NIOEmbedded
import NIOHTTP1

/// What a gateway answers, read as the replay's client reads it: swift-nio's HTTP/1.1 decoder
/// (the one AsyncHTTPClient puts on each connection) after a POST was sent, the answer's parts
/// counted as `GatewayReplay` counts them (the status, the body's bytes).
enum GatewayResponseTarget {
    static let response = FuzzTarget("gateway-response", "NIOHTTP1 HTTPResponseDecoder after a POST, as the replay's client") { bytes in
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/function/f",
                                       headers: ["Host": "127.0.0.1", "Content-Length": "2"])
            try channel.writeOutbound(HTTPClientRequestPart.head(head))
            try channel.writeOutbound(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "{}"))))
            try channel.writeOutbound(HTTPClientRequestPart.end(nil))
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            var status: Int?
            var bodyBytes = 0
            while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
                switch part {
                case .head(let answer): status = Int(answer.status.code)
                case .body(let buffer): bodyBytes += buffer.readableBytes
                case .end: break
                }
            }
            _ = (status, bodyBytes)
            return .accepted
        } catch let error as HTTPParserError {
            return .refusal("\(error)")
        } catch let error as ByteToMessageDecoderError {
            return .refusal("\(error)")
        } catch {
            return .unexpected(error)
        }
    }
}
