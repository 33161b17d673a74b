import Export
import Results

/// `placer export infracost-usage`: an Infracost usage file (monthly requests and request
/// duration per Lambda function) from a result (module Export, docs/ci.md).
public enum ExportUsage {
    /// The result, the Lambda target to export and where `resource:` addresses come from.
    public struct Request: Sendable {
        /// A result JSON.
        public var json: String
        /// The AWS Lambda target (nil: aws-lambda-x86, else aws-lambda-arm64).
        public var target: String?
        /// A deployment file whose functions rules may give `resource:` addresses.
        public var deployment: String?
        /// Write the usage file here (nil: return it for the front end to show).
        public var out: String?

        /// A request with what most callers set; the rest keep their defaults.
        public init(json: String, target: String? = nil, deployment: String? = nil, out: String? = nil) {
            self.json = json
            self.target = target
            self.deployment = deployment
            self.out = out
        }
    }

    /// The usage file's YAML (also written to `out` when given).
    public static func run(_ request: Request) throws -> String {
        let json = request.json
        let result: ResultDocument
        do { result = try ResultDocument.load(path: json) } catch let error as ResultError {
            throw UseCaseError.badInput("\(error)")
        }
        let plan = try Inputs.deployment(request.deployment)
        let ids = result.targets.map(\.id)
        let chosen: TargetResult
        if let target = request.target {
            guard target.hasPrefix("aws-lambda") else {
                throw UseCaseError.usage("--target \(target): Infracost's usage keys written here are those of aws_lambda_function; choose an AWS Lambda target")
            }
            guard let found = result.target(target) else {
                throw UseCaseError.usage("\(json): no target \(target) in this result (it has \(ids.joined(separator: ", ")))")
            }
            chosen = found
        } else {
            guard let found = result.target("aws-lambda-x86") ?? result.target("aws-lambda-arm64") else {
                throw UseCaseError.badInput("\(json): no AWS Lambda target in this result (it has \(ids.joined(separator: ", "))); simulate aws-lambda-x86 or aws-lambda-arm64")
            }
            chosen = found
        }
        let entries: [InfracostUsage.Entry]
        do {
            entries = try InfracostUsage.entries(result, target: chosen) { f in
                plan?.settings(function: f.function, app: f.app).resource
            }
        } catch let error as InfracostUsage.AddressError {
            throw UseCaseError.badInput("\(request.deployment ?? json): \(error)")
        }
        let text = InfracostUsage.yaml(entries, result: result, target: chosen)
        if let out = request.out { try Outputs.write(text, to: out, what: "the usage file") }
        return text
    }
}
