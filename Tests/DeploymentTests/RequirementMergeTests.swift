import Testing
@testable import Deployment

// Requirements add up: the global sections and every matching rule each add to what a function
// must meet; where two state the same requirement, the stricter wins.

private func parse(_ text: String) throws -> Deployment { try Deployment.parse(text, file: "placer.yaml") }

@Test func aRuleCertificationAddsToTheGlobalOnes() throws {
    let d = try parse("""
        requirements:
          certifications: [soc2]
        functions:
          - match: "clinic/*"
            certifications: [hipaa]
        """)
    #expect(d.settings(function: "records", app: "clinic").certifications == ["soc2", "hipaa"])
    #expect(d.settings(function: "cart", app: "shop").certifications == ["soc2"])
}

@Test func theStricterWinsForEachRequirement() throws {
    let d = try parse("""
        requirements:
          p99LatencyMs: 2000
          maxLockIn: 60
          regions: [europe]
          dataClasses: [pii]
          onPremOnly: true
        functions:
          - match: "api-*"
            p99LatencyMs: 500
            maxLockIn: 80
            regions: [de, us-east-1]
            dataClasses: [pci, pii]
            onPremOnly: false
          - match: "api-slow"
            p99LatencyMs: 9000
            maxLockIn: 30
        """)
    let fast = d.settings(function: "api-get")
    #expect(fast.p99LatencyMs == 500)                       // the lower objective
    #expect(fast.maxLockIn == 60)                           // the lower ceiling (global)
    #expect(fast.regionConstraints == [["europe"], ["de", "us-east-1"]])  // both hold: Germany only
    #expect(fast.dataClasses == ["pii", "pci"])             // the union, in the order stated
    #expect(fast.onPremOnly == true)                        // a rule's false does not lift it
    // Every matching rule adds its requirements, not only the first: api-slow meets the first
    // rule's 500 ms and the second rule's lock-in ceiling of 30.
    let slow = d.settings(function: "api-slow")
    #expect(slow.p99LatencyMs == 500 && slow.maxLockIn == 30)
    #expect(slow.regionConstraints == [["europe"], ["de", "us-east-1"]])
    // A function no rule matches keeps the global requirements.
    let other = d.settings(function: "batch")
    #expect(other.p99LatencyMs == 2000 && other.maxLockIn == 60 && other.regionConstraints == [["europe"]])
}

@Test func defaultsAddToRequirementsAndSettingsStillFollowTheFirstRule() throws {
    let d = try parse("""
        requirements:
          certifications: [soc2]
          p99LatencyMs: 1000
        defaults:
          certifications: [iso27001]
          p99LatencyMs: 3000
          memoryMB: 256
          regions: []
        functions:
          - match: "a*"
            memoryMB: 512
            target: knative
          - match: "*"
            memoryMB: 128
            target: openfaas
            certifications: [soc2]
        """)
    let a = d.settings(function: "alpha")
    #expect(a.certifications == ["soc2", "iso27001"] && a.p99LatencyMs == 1000)
    #expect(a.regionConstraints.isEmpty)                    // an empty list is no constraint
    // Memory and the pin are settings: the first matching rule's, not the catch-all's.
    #expect(a.memoryMB == 512 && a.target == "knative")
    #expect(d.settings(function: "beta").memoryMB == 128 && d.settings(function: "beta").target == "openfaas")
}
