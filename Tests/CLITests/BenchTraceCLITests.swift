import Foundation
import Testing

/// `placer bench trace` on a small generated trace: it measures the child `placer simulate`,
/// draws the calls, and checks the default path against the exact replay on the sample.
struct BenchTraceCLITests {
    @Test func smallTraceRunsAndTheSampleCheckHolds() throws {
        // 60 functions for a day on two targets; the sample is every app, replayed both ways.
        let run = try runPlacer(["bench", "trace", "--functions", "60", "--days", "1", "--sample", "100",
                                 "--target", "gcf-gen1", "--target", "cloud-run", "--workers", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("baseline: every call drawn once") })
        #expect(lines.contains { $0.hasPrefix("placer simulate, child process") && $0.contains("peak") && $0.contains("M calls/s") })
        #expect(lines.contains { $0.contains("gcf-gen1: holds") })
        #expect(lines.contains { $0.contains("cloud-run: holds") })
        #expect(!run.stdout.contains("FAILS"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        for arguments in [["--sample", "0"], ["--sample", "101"], ["--days", "0"], ["--workers", "0"]] {
            let run = try runPlacer(["bench", "trace"] + arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
        let unknown = try runPlacer(["bench", "trace", "--functions", "5", "--days", "1", "--target", "no-such-target"])
        #expect(unknown.status == 64, "\(unknown.stderr)")
        let notADatabase = try runPlacer(["bench", "trace", "--db", "/dev/null"])
        #expect(notADatabase.status == 65, "\(notADatabase.stderr)")
    }
}
