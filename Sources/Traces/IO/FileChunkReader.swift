#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file in fixed-size chunks with plain `read(2)`, so memory stays bounded.
public final class FileChunkReader {
    /// Size of each chunk handed out by `next()`.
    public static let chunkSize = 1 << 20
    private let descriptor: Int32
    private let buffer: UnsafeMutableRawPointer
    /// The path being read.
    public let path: String

    /// Opens `path` for reading.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw TraceError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        buffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// The next chunk, or nil at end of file. The chunk is valid until the next call.
    public func next() throws -> UnsafeRawBufferPointer? {
        while true {
            let n = read(descriptor, buffer, Self.chunkSize)
            if n > 0 { return UnsafeRawBufferPointer(start: buffer, count: n) }
            if n == 0 { return nil }
            if errno == EINTR { continue }
            throw TraceError(file: path, message: "read failed: \(String(cString: strerror(errno)))")
        }
    }
}
