import Foundation
import InputLimits

/// Checks a JSON text's shape against `InputLimits` before Foundation parses it: nesting depth,
/// string length, and every number's magnitude (at most 2^53, so each converts to `Int` and
/// `Int64` cents without trapping). One pass over the bytes, nothing allocated; an error names
/// the line and column.
enum JSONBounds {
    /// The largest magnitude a number may have: every whole number up to it is exact in a `Double`.
    static let largestNumber = 9_007_199_254_740_992.0

    static func check(_ data: Data, file: String, limits: InputLimits) throws {
        guard data.count <= limits.maxJSONBytes else {
            throw ResultError(file: file, message: "the file is larger than \(limits.maxJSONBytes) bytes \(InputLimits.Name.jsonBytes.hint)")
        }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var depth = 0, line = 1, lineStart = 0, i = 0
            func fail(_ at: Int, _ message: String) -> ResultError {
                ResultError(file: file, message: "\(line):\(at - lineStart + 1): \(message)")
            }
            while i < bytes.count {
                let byte = bytes[i]
                switch byte {
                case UInt8(ascii: "\n"):
                    line += 1
                    lineStart = i + 1
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    if depth > limits.maxJSONDepth {
                        throw fail(i, "nested deeper than \(limits.maxJSONDepth) levels \(InputLimits.Name.jsonDepth.hint)")
                    }
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                case UInt8(ascii: "\""):
                    let start = i
                    i += 1
                    while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                        if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                        i += 1
                    }
                    if i - start - 1 > limits.maxJSONStringBytes {
                        throw fail(start, "a string is longer than \(limits.maxJSONStringBytes) bytes \(InputLimits.Name.jsonStringBytes.hint)")
                    }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let start = i
                    while i + 1 < bytes.count, Self.isNumberByte(bytes[i + 1]) { i += 1 }
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start...i]), as: UTF8.self)
                    if let value = Double(text), !(abs(value) <= largestNumber) {
                        throw fail(start, "the number \(text.prefix(40)) is out of range (at most \(Int64(largestNumber)) in magnitude)")
                    }
                default:
                    break
                }
                i += 1
            }
        }
    }

    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e")
            || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }
}
