#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A field's text, made into a `String` only when its bytes differ from the last row's: traces
/// hold long runs of one function, so most rows reuse the previous string.
struct RepeatedText {
    private var bytes: [UInt8] = []
    private(set) var text = ""
    private var isSet = false

    /// True when `field` holds the bytes last `set`.
    @inline(__always) func matches(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        isSet && field.count == bytes.count
            && (field.count == 0 || bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, field.baseAddress!, field.count) == 0 }))
    }

    /// Takes `field`'s bytes and text.
    mutating func set(_ field: UnsafeBufferPointer<UInt8>) {
        isSet = true
        bytes = Array(field)
        text = String(decoding: field, as: UTF8.self)
    }
}
