import ArgumentParser

@main
struct Placer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placer",
        abstract: "Tells a team where its serverless functions should run, and what that costs.",
        discussion: """
            Global options, anywhere on the command line: --verbose logs the libraries' diagnostics (what was \
            loaded, chosen, replayed and written, and how long each step took) to standard error; \
            --log-level LEVEL chooses the level (\(LogOptions.levels.joined(separator: ", "))). Errors, notes, \
            warnings and progress are printed as always.
            """,
        subcommands: [
            IngestCommand.self,
            InspectCommand.self,
            GenerateCommand.self,
            CatalogCommand.self,
            PriceCommand.self,
            AdviseCommand.self,
            ReportCommand.self,
            BenchCommand.self,
            SimulateCommand.self,
            MergeCommand.self,
            LockInCommand.self,
            CompareCommand.self,
            ExportCommand.self,
            PlaceCommand.self,
            ExecuteCommand.self,
            CalibrateCommand.self,
            GatewayDoubleCommand.self,
        ])
}
