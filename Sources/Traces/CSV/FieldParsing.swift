#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Typed access to a row's fields; every failure is a `RowProblem` naming the field.
extension CSVRow {
    /// A non-negative integer count (digits only).
    @inlinable public func count(_ i: Int, _ name: @autoclosure () -> String) throws(RowProblem) -> Int {
        let b = bytes(i)
        if b.count == 1 {
            let digit = Int(b[0]) &- 48
            if digit >= 0 && digit <= 9 { return digit }
        }
        guard !b.isEmpty else { throw RowProblem(column: i + 1, reason: "missing value", message: "\(name()) is empty") }
        var value = 0
        for byte in b {
            let digit = Int(byte) &- 48
            guard digit >= 0 && digit <= 9 else { throw invalidCount(i, name()) }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(digit)
            guard !o1 && !o2 else { throw RowProblem(column: i + 1, reason: "number out of range", message: "\(name()) is too large: \"\(string(i))\"") }
            value = sum
        }
        return value
    }

    @usableFromInline func invalidCount(_ i: Int, _ name: String) -> RowProblem {
        let text = string(i)
        if let d = Double(text), d < 0 {
            return RowProblem(column: i + 1, reason: "negative value", message: "\(name) must not be negative: \"\(text)\"")
        }
        if text.lowercased() == "nan" {
            return RowProblem(column: i + 1, reason: "NaN", message: "\(name) is NaN where a count must be")
        }
        return RowProblem(column: i + 1, reason: "non-numeric value", message: "\(name) is not a whole number: \"\(text.prefix(40))\"")
    }

    /// The field as a number when it starts with a digit and `strtod` reads all of it (what
    /// `Double(String)` reads from the same text, without making the string); nil otherwise,
    /// with no message: the caller reads the field another way.
    public func plainNumber(_ i: Int) -> Double? {
        let b = bytes(i)
        guard let first = b.first, first >= 0x30, first <= 0x39 else { return nil }
        if let numbers, !numbers[i].isNaN { return numbers[i] }
        if let value = DecimalReading.value(b) { return value }
        let start = cString(i)
        var end: UnsafeMutablePointer<CChar>? = nil
        let value = strtod(start, &end)
        guard let end, end - UnsafeMutablePointer(mutating: start) == b.count else { return nil }
        return value
    }

    /// A finite decimal number; `nil` when the field is empty and `optional` is true.
    public func number(_ i: Int, _ name: @autoclosure () -> String, optional: Bool = false,
                       allowNegative: Bool = false) throws(RowProblem) -> Double? {
        if isEmpty(i) {
            if optional { return nil }
            throw RowProblem(column: i + 1, reason: "missing value", message: "\(name()) is empty")
        }
        if let numbers, !numbers[i].isNaN { return numbers[i] }  // read on the parsing thread, as below
        if let value = DecimalReading.value(bytes(i)) {
            // Plain digits: finite and non-negative.
            return value
        }
        let start = cString(i)
        var end: UnsafeMutablePointer<CChar>? = nil
        let value = strtod(start, &end)
        let length = bytes(i).count
        guard let end, end - UnsafeMutablePointer(mutating: start) == length else {
            throw RowProblem(column: i + 1, reason: "non-numeric value", message: "\(name()) is not a number: \"\(string(i).prefix(40))\"")
        }
        if value.isNaN {
            throw RowProblem(column: i + 1, reason: "NaN", message: "\(name()) is NaN where a number must be")
        }
        if !value.isFinite {
            throw RowProblem(column: i + 1, reason: "non-numeric value", message: "\(name()) is not a finite number: \"\(string(i))\"")
        }
        if value < 0 && !allowNegative {
            throw RowProblem(column: i + 1, reason: "negative value", message: "\(name()) must not be negative: \"\(string(i))\"")
        }
        return value
    }

    /// A required finite, non-negative number.
    public func required(_ i: Int, _ name: @autoclosure () -> String) throws(RowProblem) -> Double {
        // `optional: false` never returns nil.
        try number(i, name(), optional: false) ?? 0
    }

    /// True when the field says `NaN` (Huawei's "no data").
    @inlinable public func isNaN(_ i: Int) -> Bool {
        let b = bytes(i)
        return b.count == 3 && (b[0] | 0x20) == 0x6E && (b[1] | 0x20) == 0x61 && (b[2] | 0x20) == 0x6E
    }
}

extension CSVRow {
    /// Reads fields `range` as non-negative whole counts in one pass over the row's bytes, calling
    /// `body(field, value)` for every non-zero one. Wide per-minute rows (1,440 counts) spend most
    /// of their time here, so this scans the NUL-separated storage directly; a field that is not
    /// plain digits falls back to `count(_:_:)` for its precise error.
    @inlinable
    public func nonZeroCounts(_ range: Range<Int>, _ name: (Int) -> String,
                              _ body: (Int, Int) throws -> Void) throws {
        guard !range.isEmpty else { return }
        var p = range.lowerBound == 0 ? 0 : ends[range.lowerBound - 1] + 1
        let end = ends[range.upperBound - 1]
        var field = range.lowerBound
        var value = 0
        var digits = 0
        var ok = true
        // "0" NUL "0" NUL … as one little-endian word: four empty minutes at once. Most cells of a
        // per-minute row are zero, so skipping them in words roughly halves the scan.
        let fourZeros: UInt64 = 0x0030_0030_0030_0030
        let raw = UnsafeRawPointer(storage)
        // One pass over the bytes: digits accumulate, the NUL after each field ends it.
        while p <= end {
            if digits == 0 && p &+ 8 <= end &+ 1 && raw.loadUnaligned(fromByteOffset: p, as: UInt64.self) == fourZeros {
                p &+= 8
                field &+= 4
                continue
            }
            let byte = storage[p]
            if byte == 0 {
                if !ok || digits == 0 || digits > 18 { value = try count(field, name(field)) }
                if value != 0 { try body(field, value) }
                field &+= 1
                value = 0
                digits = 0
                ok = true
            } else {
                let digit = Int(byte) &- 48
                if digit < 0 || digit > 9 { ok = false }
                value = value &* 10 &+ digit
                digits &+= 1
            }
            p &+= 1
        }
    }
}
