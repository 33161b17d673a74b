import ArgumentParser
import UseCases

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
        let text = try ExportUsage.run(ExportUsage.Request(json: json, target: target, deployment: deployment, out: out))
        if out == nil { print(text, terminator: "") }
    }
}
