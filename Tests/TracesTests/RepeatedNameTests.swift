import Foundation
import Testing
@testable import Traces

/// The per-invocation reader reuses the last row's names and key while a row's name bytes are the
/// same: every row must still get the key its own text names, over runs, switches, an app named,
/// empty or absent, and names that are not valid UTF-8 (two byte strings, one string).
@Suite struct RepeatedNameTests {
    @Test(arguments: [true, false])
    func everyRowGetsTheKeyItsTextNames(withApp: Bool) throws {
        var random = SeededRandom(seed: withApp ? 3 : 4)
        let functions: [[UInt8]] = [Array("f".utf8), Array("fn-2".utf8), Array("é".utf8), [0xFF, 0x41], [0xFE, 0x41],
                                    Array("a-much-longer-function-name-than-fits-inline".utf8)]
        let apps: [[UInt8]] = [[], Array("app".utf8), Array("f".utf8), [0xC3], Array("another-app-with-a-long-name".utf8)]
        var data = Data((withApp ? "timestamp,function,duration_ms,app\n" : "timestamp,function,duration_ms\n").utf8)
        var expected: [FunctionKey] = []
        var function = functions[0], app = apps[0]
        for i in 0..<5_000 {
            // Runs: most rows repeat the last names.
            if random.int(below: 10) == 0 { function = functions[random.int(below: functions.count)] }
            if random.int(below: 10) == 0 { app = apps[random.int(below: apps.count)] }
            data.append(contentsOf: Array("\(i),".utf8) + function + Array(",1".utf8))
            if withApp { data.append(contentsOf: [0x2C] + app) }
            data.append(0x0A)
            let name = String(decoding: function, as: UTF8.self)
            expected.append(FunctionKey(app: withApp && !app.isEmpty ? String(decoding: app, as: UTF8.self) : name, function: name))
        }
        let (sink, _) = try read(try temporaryFile("names.csv", data)).get()
        #expect(sink.invocations.map(\.0) == expected)
    }
}
