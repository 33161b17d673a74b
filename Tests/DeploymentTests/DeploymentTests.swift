import Testing
@testable import Deployment

@Suite struct DeploymentTests {
    let example = """
        targets:
          - aws-lambda-x86
          - id: openfaas
            keepAlive: {policy: fixed, idle: 15m}
            discount: 10%
        requirements:
          p99LatencyMs: 2000
          regions: [eu]
        defaults:
          memoryMB: 256
          region: eu-west
        functions:
          - match: "checkout-*"
            memoryMB: 1024
            dataClasses: [pci]
          - match: "images/*"
            onPremOnly: true
          - match: "*"
            runtime: python3.12
        onprem:
          amortisationYears: 5
        """

    /// A value spelled across blank lines (YAML keeps them as line breaks) is quoted in the error
    /// with its breaks escaped: the message stays on one line.
    @Test func anErrorQuotingAValueWithLineBreaksIsOneLine() throws {
        let yaml = "functions:\n  - match: \"*\"\n    onPremOnly: \"maybe\n\n\nnot\"\n"
        do {
            _ = try Deployment.parse(yaml, file: "placer.yaml")
            Issue.record("accepted")
        } catch let error as DeploymentError {
            #expect(error.message.contains("\n"), "the value keeps its line breaks: \(error.message)")
            #expect(!error.description.contains("\n"))
            #expect(error.description.hasSuffix("expected true or false, found 'maybe\\n\\nnot'"), "\(error.description)")
        }
    }

    @Test func readsTheDesignSketch() throws {
        let d = try Deployment.parse(example, file: "placer.yaml")
        #expect(d.targets.map(\.id) == ["aws-lambda-x86", "openfaas"])
        #expect(d.targets[1].discountPercent == 10)
        #expect(d.onprem?["amortisationYears"] != nil)
        let checkout = d.settings(function: "checkout-pay")
        #expect(checkout.memoryMB == 1024 && checkout.dataClasses == ["pci"] && checkout.region == "eu-west")
        #expect(checkout.p99LatencyMs == 2000 && checkout.regionConstraints == [["eu"]])
        // First match wins: checkout-* does not get the runtime of the catch-all.
        #expect(checkout.runtime == nil)
        #expect(d.settings(function: "resize", app: "images").onPremOnly == true)
        let other = d.settings(function: "report")
        #expect(other.memoryMB == 256 && other.runtime == "python3.12")
    }

    @Test func timeoutAndProvisionedPerFunction() throws {
        let d = try Deployment.parse("""
            defaults:
              timeout: 30s
            functions:
              - match: "api-*"
                provisioned: 2
                timeout: 250ms
              - match: "batch-*"
                timeout: 5m
              - match: "*"
                memoryMB: 128
            """, file: "placer.yaml")
        #expect(d.settings(function: "api-get").timeoutSeconds == 0.25)
        #expect(d.settings(function: "api-get").provisioned == 2)
        #expect(d.settings(function: "batch-x").timeoutSeconds == 300)
        #expect(d.settings(function: "other").timeoutSeconds == 30)
        #expect(d.settings(function: "other").provisioned == nil)
        func message(_ text: String) -> String {
            do { _ = try Deployment.parse(text, file: "d.yaml"); return "" } catch { return "\(error)" }
        }
        #expect(message("defaults:\n  timeout: soon\n").contains("d.yaml:2: defaults.timeout: expected a duration"))
        #expect(message("defaults:\n  timeout: 0s\n").contains("defaults.timeout: expected a duration"))
        #expect(message("defaults:\n  timeout: 2d\n").contains("defaults.timeout"))
        #expect(message("defaults:\n  provisioned: -1\n").contains("defaults.provisioned: expected a number"))
    }

    @Test func ephemeralStoragePerFunctionAndNewAccountPerTarget() throws {
        let d = try Deployment.parse("""
            targets:
              - {id: aws-lambda-x86, account: new}
            functions:
              - match: "etl-*"
                ephemeralStorageMB: 10240
            """, file: "placer.yaml")
        #expect(d.settings(function: "etl-load").ephemeralStorageMB == 10240)
        #expect(d.settings(function: "api").ephemeralStorageMB == nil)
        #expect(d.targets.first?.newAccount == true)
        func message(_ text: String) -> String {
            do { _ = try Deployment.parse(text, file: "d.yaml"); return "" } catch { return "\(error)" }
        }
        #expect(message("defaults:\n  ephemeralStorageMB: 0\n").contains("defaults.ephemeralStorageMB"))
        #expect(message("targets:\n  - {id: aws-lambda-x86, account: old}\n").contains("account: expected new or established"))
    }

    @Test func typosAndBadValuesAreLocatedErrors() {
        func message(_ text: String) -> String {
            do { _ = try Deployment.parse(text, file: "d.yaml"); return "" } catch { return "\(error)" }
        }
        #expect(message("tragets: []\n").contains("d.yaml:1: unknown key 'tragets'"))
        #expect(message("functions:\n  - match: a\n    memroyMB: 3\n").contains("d.yaml:3: functions[0]: unknown key 'memroyMB'"))
        #expect(message("defaults:\n  memoryMB: lots\n").contains("defaults.memoryMB: expected a number"))
        #expect(message("functions:\n  - memoryMB: 3\n").contains("needs 'match'"))
        #expect(message("defaults:\n  onPremOnly: maybe\n").contains("expected true or false"))
        #expect(message("- a\n- b\n").contains("expected a mapping"))
    }

    @Test func globs() {
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("checkout-*", "checkout-pay"))
        #expect(!Glob.matches("checkout-*", "checkou"))
        #expect(Glob.matches("a?c*", "abcdef"))
        #expect(Glob.matches("*/resize", "images/resize"))
        #expect(!Glob.matches("*/resize", "images/resize2"))
        #expect(Glob.matches("a*b*c", "aXXbYYc"))
    }
}
