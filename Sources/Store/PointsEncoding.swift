import Traces

/// Encodes a minute series as the compact JSON stored in `minute_series.points`:
/// `[[minute,value],…]`, whole values without a decimal point.
enum PointsEncoding {
    static func json(_ series: MinuteSeries) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(series.minutes.count * 8 + 2)
        out.append(UInt8(ascii: "["))
        for i in series.minutes.indices {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            appendInteger(Int(series.minutes[i]), to: &out)
            out.append(UInt8(ascii: ","))
            let value = series.values[i]
            if value == value.rounded(), abs(value) < 9.0e15 {
                appendInteger(Int(value), to: &out)
            } else {
                out.append(contentsOf: value.description.utf8)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        if v < 10 { out.append(UInt8(48 + v)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 { buffer[n] = UInt8(48 + v % 10); v /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(buffer[i]) }
        }
    }
}

