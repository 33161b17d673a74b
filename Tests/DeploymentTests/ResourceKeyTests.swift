import Testing
@testable import Deployment

/// `resource:` (an infrastructure-as-code address, for `placer export infracost-usage`).
@Suite struct ResourceKeyTests {
    @Test func aRuleMayNameTheFunctionsResource() throws {
        let d = try Deployment.parse("""
            functions:
              - match: "checkout-*"
                resource: module.shop.aws_lambda_function.checkout
              - match: "*"
                memoryMB: 256
            """, file: "placer.yaml")
        #expect(d.settings(function: "checkout-eu").resource == "module.shop.aws_lambda_function.checkout")
        #expect(d.settings(function: "search").resource == nil)
    }

    @Test func defaultsMayNot() {
        #expect(throws: DeploymentError.self) {
            try Deployment.parse("defaults:\n  resource: aws_lambda_function.all\n", file: "placer.yaml")
        }
    }
}
