import Executor
import Foundation
import Logging
import Placement
import Pricing
import Results
import Simulation

/// What `placer advise` computes: the replay of every target (`SimulationRun.run`), then a list
/// of named steps, each adding sections to the same result. Placement (issue 6: `placement`,
/// `breakEven`) and sample execution (`--execute-sample`: `modelError`) plug in as further steps;
/// the report renders each section once it is there.
struct AdvisePipeline {
    /// One step after the replay: reads the run, adds to `run.result.sections`.
    struct Step {
        var name: String
        var run: (AdvisePipeline, inout SimulationRun, any ProgressObserver) throws -> Void
    }

    var request: SimulationRequest
    /// The on-prem platform placement sizes a cluster of (nil: no placement), and its cost inputs.
    var onPrem: String?
    var inputs: OnPremInputs
    /// The day rate, horizon and rules the plans are weighed with.
    var decision: DecisionInputs
    /// Execute the trace's first minute here and measure the model's error (`--execute-sample`).
    var executeSample = false
    /// The `placer-worker` executable the sample's instances run.
    var worker: String
    var steps: [Step] = [.placement, .executeSample, .keepAliveAlternatives, .context]

    /// Runs the replay and every step, and returns the finished result.
    func run(progress: some ProgressObserver) throws -> SimulationResult {
        let count = request.targets.count
        progress.begin("Replaying the trace on " + (count == 0 ? "the deployment's targets" : count == 1 ? "1 target" : "\(count) targets"))
        var run = try SimulationRun.run(request, progress: progress)
        progress.end("\(run.workload.apps.count) scaling groups, \(run.result.targets.count) targets")
        for step in steps { try timed("step \(step.name)") { try step.run(self, &run, progress) } }
        return run.result
    }
}

extension AdvisePipeline.Step {
    /// `--execute-sample`: the trace's first minute of calls (from its first call, real time)
    /// run through real processes here (module Executor, as `placer execute` does) on the
    /// placed on-prem platform's instance model, against its simulation: `modelError`.
    static var executeSample: Self { Self(name: "execute sample") { pipeline, run, progress in
        guard pipeline.executeSample else { return }
        let request = pipeline.request
        let id = pipeline.onPrem ?? run.targets.first(where: { $0.profile.kind == .onprem })?.profile.id ?? run.targets[0].profile.id
        guard let target = run.targets.first(where: { $0.profile.id == id }) else { return }
        let schedule = ArrivalSchedule.calls(run.workload, seed: request.seed, mode: request.arrivals, from: 0, to: .infinity)
        guard let first = schedule.first else { return }
        let minute = schedule.filter { $0.seconds < first.seconds + 60 }
        let calls = ReplayPlan.calls(minute, windowStart: first.seconds, speedup: 1)
        let functions = Set(minute.map { "\($0.app)/\($0.function)" }).count
        progress.begin("Executing the first minute here: \(calls.count) invocations of \(functions) functions on \(id)'s instance model")
        let slots = request.threads
        let options = ExecutionOptions(model: target.model, slots: slots, timeoutSeconds: 120, worker: pipeline.worker)
        let result = LocalExecutor(options: options).run(calls)
        let sample = "the trace's first minute: \(calls.count) invocations of \(functions) functions, \(slots) slots on this machine, seed \(request.seed)"
        do {
            let table = try ModelError.compare(calls: calls, result: result, target: target, calibration: nil, sample: sample, seed: request.seed)
            run.result.sections["modelError"] = table.json()
        } catch {
            progress.warning("cannot simulate the executed calls: \(error)")
        }
        progress.end()
    } }

    /// Hybrid placement of every function (a cloud target or the on-prem cluster) and the
    /// break-even volumes (module Placement, shared with `placer place`): `placement`, `breakEven`.
    static var placement: Self { Self(name: "placement") { pipeline, run, progress in
        guard let onPrem = pipeline.onPrem else { return }
        progress.begin("Placing each function (cloud or a cluster of \(onPrem))")
        let (outcome, breakEven, fit) = try Place.place(run, onPrem: onPrem, inputs: pipeline.inputs, decision: pipeline.decision, breakEven: true)
        run.result.sections["placement"] = outcome.jsonValue()
        if let fit { run.result.sections["clusterFit"] = fit.jsonValue() }
        if let breakEven { run.result.sections["breakEven"] = breakEven.jsonValue() }
        run.result.sections["onPremCosts"] = OnPremCosts.jsonValue(try Place.onPremCosts(run, inputs: pipeline.inputs))
        progress.end()
    } }

    /// Replays each target once more with the hybrid-histogram keep-alive of "Serverless in the
    /// Wild" (unless the run already used it): the `keepAlive` section.
    static var keepAliveAlternatives: Self { Self(name: "keep-alive alternatives") { pipeline, run, progress in
        let request = pipeline.request
        guard request.keepAlive != .hybridHistogram else { return }
        progress.begin("Replaying with the hybrid-histogram keep-alive", total: run.targets.count, unit: "targets")
        let options = SimulationOptions(seed: request.seed, arrivals: request.arrivals,
                                        workers: request.threads)
        var rows: [JSONValue] = []
        for target in run.targets {
            var variant = target
            variant.model.keepAlive = .hybridHistogram(HybridHistogram())
            let result: SimulationResult
            do { result = try Simulator.run(run.workload, targets: [variant], options: options) } catch let error as PricingError {
                throw UseCaseError.usage("\(error)")
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
    } }

    /// The run's inputs and the simulated targets' sources and figures (`inputs`, `profiles`):
    /// what `placer report` needs besides the simulation.
    static var context: Self { Self(name: "report context") { pipeline, run, progress in
        run.result.sections["inputs"] = RunContextSections.inputs(traces: pipeline.request.paths, deployment: run.deployment,
                                                                  targets: run.targets.map(\.profile.id))
        run.result.sections["profiles"] = RunContextSections.profiles(run.targets.map(\.profile))
    } }
}
