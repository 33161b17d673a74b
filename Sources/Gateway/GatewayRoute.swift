import Foundation

/// How a function name becomes an HTTP request on each platform's gateway.
///
/// Sources (read 2026-11-29):
/// - OpenFaaS: `POST {gateway}/function/{name}` — https://docs.openfaas.com/architecture/invocations/
///   and https://docs.openfaas.com/reference/rest-api/
/// - Knative Serving: the ingress answers `{service}.{namespace}.{domain}`, default domain
///   `example.com`; without DNS, send the `Host` header to the ingress —
///   https://knative.dev/docs/serving/using-a-custom-domain/ (`config-domain`)
/// - OpenWhisk: `POST {apihost}/api/v1/namespaces/{namespace}/actions/{action}?blocking=true&result=true`
///   with basic auth `user:key`; namespace `_` is the caller's default —
///   https://github.com/apache/openwhisk/blob/master/docs/rest_api.md
/// - Fn: `POST {server}/invoke/{fnID}` (the function's `fnproject.io/fn/invokeEndpoint`
///   annotation) or an HTTP trigger `POST {server}/t/{app}/{trigger}` —
///   https://github.com/fnproject/docs/blob/master/fn/develop/triggers.md
/// - Lambda function URLs: `https://{url-id}.lambda-url.{region}.on.aws/`, one per function
///   (auth type NONE; IAM-authenticated URLs need SigV4 signing, which this client does not do) —
///   https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
public enum GatewayRoute: String, Sendable, CaseIterable {
    case openfaas, knative, openwhisk, fn
    case lambdaURL = "lambda-url"
    /// Anything else: `RouteOptions.template` names the URL.
    case template
}

/// What a route needs besides the gateway's address.
public struct RouteOptions: Sendable {
    /// Knative: the service's namespace; OpenWhisk: the namespace (`_` is the caller's default).
    public var namespace: String?
    /// Knative: the cluster's domain (`config-domain`).
    public var domain: String
    /// `user:key` sent as basic auth (OpenWhisk needs it; any route sends it when set).
    public var basicAuth: String?
    /// Fn: function name → fn id for `/invoke/{id}`; when empty, Fn calls go to the trigger
    /// `/t/{app}/{function}`. Lambda function URLs: function name → its URL.
    public var functionMap: [String: String]
    /// A URL with `{gateway}`, `{function}`, `{app}` and `{namespace}` placeholders; a template
    /// starting with `/` is appended to the gateway. Replaces the route's own URL (Knative then
    /// sends no `Host` header of its own).
    public var template: String?

    public init(namespace: String? = nil, domain: String = "example.com", basicAuth: String? = nil,
                functionMap: [String: String] = [:], template: String? = nil) {
        self.namespace = namespace
        self.domain = domain
        self.basicAuth = basicAuth
        self.functionMap = functionMap
        self.template = template
    }
}

/// One request, ready to send.
public struct GatewayRequest: Sendable, Equatable {
    public var url: URL
    /// Extra headers (`Host`, `Authorization`); `Content-Type: application/json` always.
    public var headers: [String: String]
    public var body: Data
}

/// A route that cannot be built for a call: an unknown function in a map, a bad template.
public struct RouteError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension GatewayRoute {
    /// The request that invokes `call` through `gateway` (unused by `lambda-url`).
    public func request(for call: GatewayCall, gateway: URL?, options: RouteOptions) throws -> GatewayRequest {
        var headers = ["Content-Type": "application/json"]
        if let auth = options.basicAuth {
            headers["Authorization"] = "Basic " + Data(auth.utf8).base64EncodedString()
        }
        let url: URL
        if let template = options.template {
            url = try Self.expand(template, call: call, gateway: gateway, namespace: options.namespace ?? "default")
        } else {
            switch self {
            case .openfaas:
                url = try Self.join(gateway, "/function/" + Self.segment(call.function))
            case .knative:
                url = try Self.join(gateway, "/")
                headers["Host"] = "\(call.function).\(options.namespace ?? "default").\(options.domain)"
            case .openwhisk:
                let namespace = Self.segment(options.namespace ?? "_")
                url = try Self.join(gateway, "/api/v1/namespaces/\(namespace)/actions/\(Self.segment(call.function))?blocking=true&result=true")
            case .fn:
                if options.functionMap.isEmpty {
                    url = try Self.join(gateway, "/t/\(Self.segment(call.app))/\(Self.segment(call.function))")
                } else {
                    guard let id = options.functionMap[call.function] else { throw RouteError("no Fn function id for \(call.function) in the map") }
                    url = try Self.join(gateway, "/invoke/" + Self.segment(id))
                }
            case .lambdaURL:
                guard let text = options.functionMap[call.function] else { throw RouteError("no function URL for \(call.function) in the map") }
                guard let mapped = URL(string: text), mapped.scheme == "https" || mapped.scheme == "http", mapped.host != nil else {
                    throw RouteError("the function URL of \(call.function) is not an http(s) URL: \(text)")
                }
                url = mapped
            case .template:
                throw RouteError("the template route needs a template")
            }
        }
        return GatewayRequest(url: url, headers: headers, body: call.body)
    }

    /// A path segment, percent-encoded (function names may hold any character).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The gateway's URL with `suffix` appended to its path (no doubled slash).
    static func join(_ gateway: URL?, _ suffix: String) throws -> URL {
        guard let gateway else { throw RouteError("this route needs a gateway URL") }
        var base = gateway.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + suffix) else { throw RouteError("cannot make a URL of \(base + suffix)") }
        return url
    }

    static func expand(_ template: String, call: GatewayCall, gateway: URL?, namespace: String) throws -> URL {
        var text = template
        if text.hasPrefix("/") {
            guard let gateway else { throw RouteError("a template starting with / needs a gateway URL") }
            var base = gateway.absoluteString
            while base.hasSuffix("/") { base.removeLast() }
            text = base + text
        } else if let gateway {
            var base = gateway.absoluteString
            while base.hasSuffix("/") { base.removeLast() }
            text = text.replacingOccurrences(of: "{gateway}", with: base)
        }
        text = text.replacingOccurrences(of: "{function}", with: segment(call.function))
            .replacingOccurrences(of: "{app}", with: segment(call.app))
            .replacingOccurrences(of: "{namespace}", with: segment(namespace))
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw RouteError("the route template does not make an http(s) URL: \(text)")
        }
        return url
    }
}
