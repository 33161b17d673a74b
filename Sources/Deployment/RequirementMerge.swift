/// How requirements stated in several places combine: each place can only add to what a function
/// must meet, never take away (docs/lockin.md, "Deployment keys").
extension FunctionSettings {
    /// These requirements together with `other`'s, the stricter winning where both state one:
    /// the union of data classes and of certifications, every region list (so the places allowed
    /// are the intersection), on-prem only if either says so, the lower p99 objective and the
    /// lower lock-in ceiling. Settings that are not requirements (memory, runtime, `region`,
    /// `target`, bindings, resource, timeout, provisioned) are left as they are.
    public func requiring(_ other: FunctionSettings) -> FunctionSettings {
        var merged = self
        merged.dataClasses = Self.union(dataClasses, other.dataClasses)
        merged.certifications = Self.union(certifications, other.certifications)
        merged.regionConstraints = Self.union(regionConstraints, other.regionConstraints)
        // `onPremOnly: false` is not a licence to leave: only a stated `true` changes anything.
        if onPremOnly != nil || other.onPremOnly != nil {
            merged.onPremOnly = (onPremOnly ?? false) || (other.onPremOnly ?? false)
        }
        merged.p99LatencyMs = Self.lower(p99LatencyMs, other.p99LatencyMs)
        merged.maxLockIn = Self.lower(maxLockIn, other.maxLockIn)
        return merged
    }

    /// `first`, then what `second` adds, in the order stated (so output stays deterministic).
    private static func union<T: Equatable>(_ first: [T], _ second: [T]) -> [T] {
        first + second.enumerated().filter { i, x in !first.contains(x) && !second[..<i].contains(x) }.map(\.element)
    }

    private static func lower(_ a: Double?, _ b: Double?) -> Double? {
        switch (a, b) {
        case let (a?, b?): min(a, b)
        default: a ?? b
        }
    }
}
