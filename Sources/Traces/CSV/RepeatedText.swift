/// A field's text, made into a `String` only when its bytes differ from the last row's: traces
/// hold long runs of one function, so most rows reuse the previous string.
struct RepeatedText {
    private var bytes: [UInt8] = []
    private(set) var text = ""
    private var isSet = false

    /// True when `field` holds the bytes last `set`.
    @inline(__always) func matches(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard isSet, field.count == bytes.count else { return false }
        // Names are short: a loop here costs less than a call to `memcmp`.
        return bytes.withUnsafeBufferPointer { known in
            for i in 0..<known.count where known[i] != field[i] { return false }
            return true
        }
    }

    /// Takes `field`'s bytes and text.
    mutating func set(_ field: UnsafeBufferPointer<UInt8>) {
        isSet = true
        bytes = Array(field)
        text = String(decoding: field, as: UTF8.self)
    }
}
