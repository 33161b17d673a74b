import Pricing

extension OnPremInputs {
    /// What the platform's licence costs the cluster, one line for `basis.licence`: an open licence
    /// costs nothing; an edition that limits commercial use needs the commercial one, whose price
    /// is the deployment's `onprem.licences` where set, else published nowhere (price on request,
    /// not in the total); a profile that names no licence is said to be unread.
    public func licenceBasis(_ profile: Profile) -> String {
        let set = !assumed.contains("licences.usdPerMonth") || !assumed.contains("licences.usdPerServerMonth")
        let given = "the deployment's onprem.licences ($\(Self.show(licencesUSDPerMonth)) a month + $\(Self.show(licencesUSDPerServerMonth)) a server-month)"
        guard let licence = profile.licence else {
            return set ? "costed at \(given); the profile names no licence read from a source"
                : "the profile names no licence read from a source: no licence fee counted"
        }
        guard let edition = licence.commercialEdition else {
            return set ? "\(licence.name), no fee; costed at \(given)" : "\(licence.name): no licence fee"
        }
        let terms = licence.terms.map { " (\($0))" } ?? ""
        if set { return "\(licence.name) limits commercial use\(terms); \(edition) costed at \(given)" }
        let price = licence.commercialPrice == "on-request" ? "price on request (none published)" : "published price \(licence.commercialPrice ?? "?")"
        return "\(licence.name) limits commercial use\(terms): a commercial or production user needs \(edition), \(price), not in the total; set the quote in onprem.licences"
    }
}
