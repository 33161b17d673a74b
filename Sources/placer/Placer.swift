import ArgumentParser

@main
struct Placer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placer",
        abstract: "Tells a team where its serverless functions should run, and what that costs.",
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
            LockInCommand.self,
            CompareCommand.self,
            ExportCommand.self,
            PlaceCommand.self,
            ExecuteCommand.self,
            CalibrateCommand.self,
            GatewayDoubleCommand.self,
        ])
}
