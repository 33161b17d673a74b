import Foundation
import Pricing
import Simulation

/// What `placer advise` computes, as a sequence of steps over one result: replay every target,
/// replay again with the other keep-alive policy, (execute a sample, place functions: when
/// those modules land, they plug in here as steps that add their sections), then add what the
/// report needs to stand alone.
struct AdvisePipeline {
    var request: SimulationRequest
    var progress: Progress

    /// Runs every step and returns the finished result.
    func run() throws -> SimulationResult {
        progress.begin("Replaying the trace on \(request.targets.isEmpty ? "the deployment's" : String(request.targets.count)) targets")
        var run = try SimulationRun.run(request)
        progress.end("\(run.workload.apps.count) scaling groups, \(run.result.targets.count) targets")
        try keepAliveAlternatives(&run)
        addContext(&run)
        return run.result
    }

    /// Replays each target once more with the hybrid-histogram keep-alive of "Serverless in the
    /// Wild" (unless the run already used it), for the cold start / idle memory section.
    func keepAliveAlternatives(_ run: inout SimulationRun) throws {
        guard request.keepAlive != .hybridHistogram else { return }
        progress.begin("Replaying with the hybrid-histogram keep-alive", total: run.targets.count, unit: "targets")
        let options = SimulationOptions(seed: request.seed, arrivals: request.arrivals,
                                        workers: request.workers ?? ProcessInfo.processInfo.activeProcessorCount)
        var rows: [JSONValue] = []
        for target in run.targets {
            var variant = target
            variant.model.keepAlive = .hybridHistogram(HybridHistogram())
            let result: SimulationResult
            do { result = try Simulator.run(run.workload, targets: [variant], options: options) } catch let error as PricingError {
                throw fail(error, Exit.usage)
            }
            for t in result.targets {
                rows.append(.object([
                    "target": .string(t.id), "policy": .string(t.keepAlive), "invocations": .int(t.total.invocations),
                    "coldStarts": .int(t.total.coldStarts), "memoryGBSeconds": .fixed(t.total.memoryGBSeconds, 3),
                    "instanceSeconds": .fixed(t.total.instanceSeconds, 3),
                    "monthlyCost": t.total.monthlyCost.map { .decimal($0.total, 6) } ?? .null,
                ]))
            }
            progress.advance(target.profile.id)
        }
        run.result.sections["keepAlive"] = .object(["policies": .array(rows)])
        progress.end()
    }

    /// The run's inputs and the simulated targets' sources and figures.
    func addContext(_ run: inout SimulationRun) {
        run.result.sections["inputs"] = RunContextSections.inputs(traces: request.paths, deployment: run.plan, targets: run.targets.map(\.profile.id))
        run.result.sections["profiles"] = RunContextSections.profiles(run.targets.map(\.profile))
    }
}
