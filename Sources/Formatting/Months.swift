/// Calendar arithmetic on the `YYYY-MM-DD` dates profiles carry.
public enum Months {
    /// Whole months from one date to another (the day of the month decides a partial one):
    /// 2026-11-29 to 2028-09-30 is 22. Nil unless both are `YYYY-MM-DD`.
    public static func between(_ from: String, _ to: String) -> Int? {
        let a = from.split(separator: "-").compactMap { Int($0) }, b = to.split(separator: "-").compactMap { Int($0) }
        guard a.count == 3, b.count == 3 else { return nil }
        return (b[0] - a[0]) * 12 + (b[1] - a[1]) - (b[2] < a[2] ? 1 : 0)
    }
}
