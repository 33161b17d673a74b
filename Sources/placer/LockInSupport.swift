import Advice
import Deployment
import Pricing
import Store

/// Lock-in and compliance of every function of a stored trace on `candidates`; shared by
/// `placer lockin` and `placer simulate` (whose JSON carries it as its `lockIn` section).
func lockInReport(store: TraceStore, candidates: [Profile], catalog: Catalog, plan: Deployment?,
                  current: String?) throws -> LockInReport {
    let stored: [StoredFunction]
    let formats: Set<String>
    do {
        stored = try store.functionList()
        formats = Set(try store.summary().files.map(\.format))
    } catch {
        throw fail("\(error)", Exit.badInput)
    }
    var currentTarget = current
    if currentTarget == nil {
        if !formats.isEmpty, formats.allSatisfy({ $0.hasPrefix("azure") }) {
            currentTarget = "azure-consumption"
            printError("note: current target taken as azure-consumption (the trace is Azure's); --current to change")
        } else if !formats.isEmpty, formats.allSatisfy({ $0.hasPrefix("lambda") }) {
            currentTarget = "aws-lambda-x86"
            printError("note: current target taken as aws-lambda-x86 (the trace is Lambda's); --current to change")
        }
    }
    let functions = stored.map {
        FunctionUse(app: $0.app, function: $0.function, trigger: $0.trigger, invocations: $0.invocations)
    }
    return Advisor.analyse(LockInRequest(functions: functions, candidates: candidates, catalog: catalog,
                                         deployment: plan, current: currentTarget))
}
