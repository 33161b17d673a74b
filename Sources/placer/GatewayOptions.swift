import ArgumentParser
import Foundation
import Gateway

extension GatewayRoute: ExpressibleByArgument {}
extension OverflowPolicy: ExpressibleByArgument {}

/// The options of `placer execute --backend http`: where the gateway is, how a function name
/// becomes a request, and how many calls may be in flight.
struct GatewayOptions: ParsableArguments {
    @Option(help: "The gateway's URL, e.g. http://127.0.0.1:8080 (not needed for lambda-url).") var gateway: String?
    @Option(help: "openfaas, knative, openwhisk, fn or lambda-url.") var route: GatewayRoute?
    @Option(name: .customLong("route-template"), help: "A URL with {gateway}, {function}, {app}, {namespace}; replaces the route's URL.") var routeTemplate: String?
    @Option(help: "Knative or OpenWhisk namespace (default: default, or _ for OpenWhisk).") var namespace: String?
    @Option(help: "Knative domain for the Host header (default: example.com).") var domain: String?
    @Option(help: "USER:KEY for basic auth (OpenWhisk); prefer the PLACER_GATEWAY_AUTH variable, which stays out of the process list.") var auth: String?
    @Option(name: .customLong("function-map"), help: "A file of NAME=VALUE lines: Fn function ids, or Lambda function URLs.") var functionMap: String?
    @Option(help: "Most calls in flight at once (default: 64).") var concurrency: Int?
    @Option(help: "When the concurrency bound is full: wait (send late, lateness recorded) or drop (default: wait).") var overflow: OverflowPolicy?

    /// The options given on the command line, as the user wrote them (for "only with --backend http").
    var given: [String] {
        var names: [String] = []
        if gateway != nil { names.append("--gateway") }
        if route != nil { names.append("--route") }
        if routeTemplate != nil { names.append("--route-template") }
        if namespace != nil { names.append("--namespace") }
        if domain != nil { names.append("--domain") }
        if auth != nil { names.append("--auth") }
        if functionMap != nil { names.append("--function-map") }
        if concurrency != nil { names.append("--concurrency") }
        if overflow != nil { names.append("--overflow") }
        return names
    }

    var inFlight: Int { concurrency ?? 64 }

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    /// `--route`, or the template route when only `--route-template` is given.
    func chosenRoute() throws -> GatewayRoute {
        if let route { return route }
        if routeTemplate != nil { return .template }
        throw fail("give --route (openfaas, knative, openwhisk, fn, lambda-url) or --route-template", Exit.usage)
    }

    /// `--gateway` as a URL; nil where the route's URLs are whole (lambda-url, an absolute template).
    func parsedGateway(_ route: GatewayRoute) throws -> URL? {
        guard let gateway else {
            if route == .lambdaURL || (routeTemplate.map { !$0.hasPrefix("/") && !$0.contains("{gateway}") } ?? false) { return nil }
            throw fail("give --gateway URL (e.g. http://127.0.0.1:8080)", Exit.usage)
        }
        guard let url = URL(string: gateway), url.scheme == "http" || url.scheme == "https", url.host?.isEmpty == false else {
            throw fail("--gateway: not an http(s) URL: \(gateway)", Exit.usage)
        }
        return url
    }

    /// Namespace, domain, auth (from `--auth` or PLACER_GATEWAY_AUTH), function map and template.
    func routeOptions() throws -> RouteOptions {
        let map = try functionMap.map(FunctionMapFile.load) ?? [:]
        return RouteOptions(namespace: namespace, domain: domain ?? "example.com",
                            basicAuth: auth ?? ProcessInfo.processInfo.environment["PLACER_GATEWAY_AUTH"],
                            functionMap: map, template: routeTemplate)
    }
}
