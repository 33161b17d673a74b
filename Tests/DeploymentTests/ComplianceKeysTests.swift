import Testing
@testable import Deployment

// The keys lock-in and compliance read: bindings, the on-prem site, checked vocabularies.

@Test func bindingsAndTheOnPremSiteAreRead() throws {
    let d = try Deployment.parse("""
        requirements:
          certifications: [soc2]
        functions:
          - match: "orders/*"
            bindings: [queue, orchestration]
            dataClasses: [pci, eu-personal]
          - match: "*"
            bindings: storage
        onprem:
          certifications: [iso27001, hipaa]
          regions: [de, eu]
          server: {cores: 64}
        """, file: "placer.yaml")
    let orders = d.settings(function: "saga", app: "orders")
    #expect(orders.bindings == ["queue", "orchestration"])
    #expect(orders.dataClasses == ["pci", "eu-personal"] && orders.certifications == ["soc2"])
    #expect(d.settings(function: "x").bindings == ["storage"])
    #expect(d.site == OnPremSite(certifications: ["iso27001", "hipaa"], regions: ["de", "eu"]))
    // Other onprem keys belong to the cost model and stay in the tree.
    #expect(d.onprem?["server"] != nil)
    #expect(try Deployment.parse("targets: [knative]\n", file: "p.yaml").site == OnPremSite())
}

@Test func onPremSiteMustBeAMappingWithKnownCertifications() {
    #expect(throws: DeploymentError.self) { try Deployment.parse("onprem: [de]\n", file: "p.yaml") }
    do {
        _ = try Deployment.parse("onprem:\n  certifications: [hipaa, gdpr]\n", file: "p.yaml")
        Issue.record("gdpr accepted as a certification")
    } catch let error as DeploymentError {
        #expect(error.line == 2)
        #expect(error.message.contains("onprem.certifications: unknown certification 'gdpr'"))
    } catch {
        Issue.record("\(error)")
    }
}
