import ArgumentParser
import Gateway
import UseCases

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

    /// The use case's request: these options, the rest set by `execute`.
    var request: Execute.HTTPRequest {
        var request = Execute.HTTPRequest()
        request.gateway = gateway
        request.route = route
        request.routeTemplate = routeTemplate
        request.namespace = namespace
        request.domain = domain
        request.auth = auth
        request.functionMap = functionMap
        request.concurrency = inFlight
        request.overflow = overflow
        return request
    }
}
