import ArgumentParser
import TerminalText
import UseCases

/// `placer merge`: the partial results of a sharded simulate, put together into one result.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the partial results of `placer simulate --shard K/N` into the result one run writes.",
        discussion: "Give all N partials of one run (any order). Bills are priced once from the merged usage; the JSON equals an unsharded run's byte for byte (docs/scale.md).")

    @Argument(help: "The partial results (placer.partial/v2), all shards of one run.") var parts: [String]
    @Option(name: .long, help: "Write the merged result (placer.result/v1) to this file.") var json: String

    func run() throws {
        let result = try ShardedRun.merge(parts)
        try Outputs.writeResult(result, to: json)
        print(SimulationText.render(result), terminator: "")
    }
}
