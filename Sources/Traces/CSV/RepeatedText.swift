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

    /// The text of `field`, and whether it differs from the previous call's.
    mutating func update(_ field: UnsafeBufferPointer<UInt8>) -> (text: String, changed: Bool) {
        if isSet && field.count == bytes.count
            && (field.count == 0 || bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, field.baseAddress!, field.count) == 0 })) {
            return (text, false)
        }
        isSet = true
        bytes = Array(field)
        text = String(decoding: field, as: UTF8.self)
        return (text, true)
    }
}
