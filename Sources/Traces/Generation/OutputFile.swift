#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why generation failed: bad options or a file that could not be written.
public struct GenerationError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A file written through one large buffer, with hand-rolled number formatting: the generator
/// writes gigabytes, and `String(describing:)` per field would dominate its time.
final class OutputFile {
    let path: String
    private var fd: Int32
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private var used = 0
    private(set) var bytesWritten = 0

    init(path: String, capacity: Int = 1 << 22) throws(GenerationError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw GenerationError("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        if fd >= 0 { _ = closeDescriptor(fd) }
        buffer.deallocate()
    }

    /// Makes room for `n` more bytes (n ≤ capacity).
    @inline(__always) func reserve(_ n: Int) throws(GenerationError) {
        if used + n > capacity { try flush() }
    }

    func flush() throws(GenerationError) {
        var offset = 0
        while offset < used {
            let n = write(fd, buffer + offset, used - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw GenerationError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        bytesWritten += used
        used = 0
    }

    /// Flushes and closes; returns the file's size.
    @discardableResult func close() throws(GenerationError) -> Int {
        try flush()
        if fd >= 0 && closeDescriptor(fd) != 0 {
            fd = -1
            throw GenerationError("cannot close \(path): \(String(cString: strerror(errno)))")
        }
        fd = -1
        return bytesWritten
    }

    // MARK: Appending (callers reserve first for the unchecked forms)

    @inline(__always) func byte(_ b: UInt8) {
        buffer[used] = b
        used += 1
    }

    /// Appends text (checked).
    func text(_ s: String) throws(GenerationError) {
        let bytes = Array(s.utf8)
        var offset = 0
        while offset < bytes.count {
            if used == capacity { try flush() }
            let n = min(bytes.count - offset, capacity - used)
            for i in 0..<n { buffer[used + i] = bytes[offset + i] }
            used += n
            offset += n
        }
    }

    /// Appends raw bytes (unchecked: reserve first).
    @inline(__always) func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        guard let base = b.baseAddress else { return }
        (buffer + used).update(from: base, count: b.count)
        used += b.count
    }

    /// Appends a non-negative or negative integer in decimal (unchecked: ≤ 20 bytes).
    @inline(__always) func int(_ value: Int) {
        if value >= 0 && value < 10 {
            buffer[used] = UInt8(48 + value)
            used += 1
            return
        }
        var v = value.magnitude
        if value < 0 { byte(0x2D) }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // scratch, 32 bytes
        withUnsafeMutableBytes(of: &digits) { scratch in
            var i = 0
            repeat {
                scratch[i] = UInt8(48 + v % 10)
                v /= 10
                i += 1
            } while v > 0
            while i > 0 {
                i -= 1
                buffer[used] = scratch[i]
                used += 1
            }
        }
    }

    /// Appends `value` rounded to `places` decimals (unchecked: ≤ 40 bytes), and returns the
    /// value as written, so that totals can be compared with what a reader will parse.
    @discardableResult @inline(__always)
    func decimal(_ value: Double, places: Int) -> Double {
        let scale = Self.powersOfTen[places]
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else {
            // Out of Int range: never expected for trace values; written plainly.
            let text = "\(value)"
            for b in text.utf8 { byte(b) }
            return value
        }
        let n = Int(scaled)
        if value < 0 && n != 0 { byte(0x2D) }
        let divisor = Int(scale)
        int(n / divisor)
        if places > 0 {
            byte(0x2E)
            var fraction = n % divisor
            var d = divisor / 10
            while d > 0 {
                byte(UInt8(48 + fraction / d))
                fraction %= d
                d /= 10
            }
        }
        return (value < 0 ? -1 : 1) * scaled / scale
    }

    static let powersOfTen: [Double] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1e9]
}

/// Creates `path` and its missing parents.
func makeDirectories(_ path: String) throws(GenerationError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        prefix += part
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw GenerationError("cannot create the folder \(prefix): \(String(cString: strerror(errno)))")
        }
        prefix += "/"
    }
}

/// `close(2)`, out of reach of `OutputFile.close()`'s name.
private func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }
