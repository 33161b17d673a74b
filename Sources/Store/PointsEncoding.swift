import Traces

/// Encodes a minute series as the compact JSON stored in `minute_series.points`:
/// `[[minute,value],…]`, whole values without a decimal point.
enum PointsEncoding {
    static func json(_ series: MinuteSeries) -> String {
        // Each pair takes at most 2 + 11 + 1 + 24 + 1 bytes (a Double's description is ≤ 24).
        let bound = series.minutes.count * 40 + 2
        return String(unsafeUninitializedCapacity: bound) { buffer in
            guard let out = buffer.baseAddress else { return 0 }
            var n = 0
            out[n] = UInt8(ascii: "["); n += 1
            series.minutes.withUnsafeBufferPointer { minutes in
                series.values.withUnsafeBufferPointer { values in
                    for i in 0..<minutes.count {
                        if i > 0 { out[n] = UInt8(ascii: ","); n += 1 }
                        out[n] = UInt8(ascii: "["); n += 1
                        n += writeInteger(Int(minutes[i]), to: out + n)
                        out[n] = UInt8(ascii: ","); n += 1
                        let value = values[i]
                        if value == value.rounded(), abs(value) < 9.0e15 {
                            n += writeInteger(Int(value), to: out + n)
                        } else {
                            for byte in value.description.utf8 { out[n] = byte; n += 1 }
                        }
                        out[n] = UInt8(ascii: "]"); n += 1
                    }
                }
            }
            out[n] = UInt8(ascii: "]"); n += 1
            return n
        }
    }

    /// Writes a decimal integer; returns the bytes written (at most 20).
    @inline(__always)
    static func writeInteger(_ value: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value >= 0 && value < 10 { out[0] = UInt8(48 + value); return 1 }
        var n = 0
        if value < 0 { out[0] = UInt8(ascii: "-"); n = 1 }
        var v = value.magnitude
        var digits = 0
        var probe = v
        while probe > 0 { digits += 1; probe /= 10 }
        var i = n + digits - 1
        while v > 0 { out[i] = UInt8(48 + v % 10); v /= 10; i -= 1 }
        return n + digits
    }
}
