/// A fast 128-bit content fingerprint, used to recognise a file that was already ingested.
///
/// Not cryptographic: it guards against ingesting the same file twice by accident, not against an
/// adversary. Two independent 64-bit lanes over 8-byte words with a multiply–xorshift mix
/// (the finaliser of SplitMix64), so hashing costs far less than parsing.
public struct ContentFingerprint {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var length: UInt64 = 0
    private var tail: [UInt8] = []

    public init() {}

    @inline(__always) private static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// Adds bytes; chunks may be of any size.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress, bytes.count > 0 else { return }
        var count = bytes.count
        length &+= UInt64(count)
        if !tail.isEmpty {
            while count > 0 && tail.count < 8 {
                tail.append(base.load(as: UInt8.self)); base += 1; count -= 1
            }
            if tail.count == 8 {
                let word = tail.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                absorb(word)
                tail.removeAll(keepingCapacity: true)
            }
        }
        while count >= 8 {
            absorb(base.loadUnaligned(as: UInt64.self))
            base += 8; count -= 8
        }
        while count > 0 { tail.append(base.load(as: UInt8.self)); base += 1; count -= 1 }
    }

    @inline(__always) private mutating func absorb(_ word: UInt64) {
        a = (a ^ Self.mix(word)) &* 0x0000_0100_0000_01B3 &+ 0x51_7CC1_B727_220A
        b = Self.mix(b &+ word) ^ (b &>> 7)
    }

    /// The fingerprint as 32 hexadecimal digits.
    public func finalize() -> String {
        var copy = self
        var last: UInt64 = 0
        for (i, byte) in tail.enumerated() { last |= UInt64(byte) << (8 * UInt64(i)) }
        copy.absorb(last ^ (length &<< 3))
        let hi = Self.mix(copy.a ^ copy.length), lo = Self.mix(copy.b ^ (copy.a &>> 1))
        return hex(hi) + hex(lo)
    }

    private func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// Fingerprint of a whole file.
    public static func of(path: String) throws -> String {
        let reader = try FileChunkReader(path: path)
        var fingerprint = ContentFingerprint()
        while let chunk = try reader.next() { fingerprint.update(chunk) }
        return fingerprint.finalize()
    }
}
