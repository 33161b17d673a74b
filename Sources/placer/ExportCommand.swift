import ArgumentParser
import Export
import Foundation
import Results

/// `placer export …`: a result written for other tools.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a result for other tools.",
        subcommands: [InfracostUsageCommand.self])
}

/// `placer export infracost-usage --json RESULT`: an Infracost usage file from the replay.
struct InfracostUsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infracost-usage",
        abstract: "An Infracost usage file (monthly requests and request duration per Lambda function) from a result.",
        discussion: """
            Resource addresses: a deployment rule's `resource:` (several functions may share one; their usage is \
            summed), else aws_lambda_function.NAME with NAME the function's name made a Terraform identifier \
            (app_NAME where two apps share a name). See docs/ci.md.
            """)

    @Option(name: .long, help: "A result JSON (placer simulate --json).") var json: String
    @Option(name: .long, help: "The AWS Lambda target to export (default: aws-lambda-x86, else aws-lambda-arm64).") var target: String?
    @Option(name: .long, help: "A deployment file whose functions rules may give `resource:` addresses.") var deployment: String?
    @Option(name: .long, help: "Write the usage file here instead of standard output.") var out: String?

    func run() throws {
        let result: ResultDocument
        do { result = try ResultDocument.load(path: json) } catch let error as ResultError {
            throw fail(error, Exit.badInput)
        }
        let plan = try loadDeployment(deployment)
        let ids = result.targets.map(\.id)
        let chosen: TargetResult
        if let target {
            guard target.hasPrefix("aws-lambda") else {
                throw fail("--target \(target): Infracost's usage keys written here are those of aws_lambda_function; choose an AWS Lambda target", Exit.usage)
            }
            guard let found = result.target(target) else {
                throw fail("\(json): no target \(target) in this result (it has \(ids.joined(separator: ", ")))", Exit.usage)
            }
            chosen = found
        } else {
            guard let found = result.target("aws-lambda-x86") ?? result.target("aws-lambda-arm64") else {
                throw fail("\(json): no AWS Lambda target in this result (it has \(ids.joined(separator: ", "))); simulate aws-lambda-x86 or aws-lambda-arm64", Exit.badInput)
            }
            chosen = found
        }
        let entries: [InfracostUsage.Entry]
        do {
            entries = try InfracostUsage.entries(result, target: chosen) { f in
                plan?.settings(function: f.function, app: f.app).resource
            }
        } catch let error as InfracostUsage.AddressError {
            throw fail("\(deployment ?? json): \(error)", Exit.badInput)
        }
        let text = InfracostUsage.yaml(entries, result: result, target: chosen)
        if let out {
            do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw fail("\(out): cannot write the usage file: \(error.localizedDescription)", Exit.cannotCreate)
            }
        } else {
            print(text, terminator: "")
        }
    }
}
