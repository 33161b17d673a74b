import Formatting
import Testing

/// A plan's target that retires inside the horizon is said, with the months counted from the
/// prices' date: Linux Consumption retires 22 months after the catalog's 2026-11-29.
struct RetirementTests {
    @Test func monthsCountWholeMonthsBetweenDates() {
        #expect(Months.between("2026-11-29", "2028-09-30") == 22)
        #expect(Months.between("2026-11-29", "2028-09-28") == 21)
        #expect(Months.between("2026-11-29", "2026-11-29") == 0)
        #expect(Months.between("2026-11", "2028-09-30") == nil)
    }
}
