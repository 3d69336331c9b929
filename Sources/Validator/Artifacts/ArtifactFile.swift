#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be opened or read, with the system's words.
struct ArtifactIOError: Error, CustomStringConvertible {
    var description: String
}

/// An open regular file read with `pread`: every read is bounds-checked against the size the
/// file had when it was opened.
final class ArtifactFile {
    let path: String
    let size: UInt64
    private let descriptor: Int32

    init(path: String) throws(ArtifactIOError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ArtifactIOError(description: "cannot be opened: \(errorText(errno))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size >= 0
        else {
            close(descriptor)
            throw ArtifactIOError(description: "is not a regular file that can be examined")
        }
        self.path = path
        self.descriptor = descriptor
        self.size = UInt64(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads `count` bytes at `offset`, or throws if they are not all in the file.
    func read(at offset: UInt64, count: Int) throws(ArtifactIOError) -> [UInt8] {
        guard count >= 0 else { throw ArtifactIOError(description: "negative read") }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= size else {
            throw ArtifactIOError(
                description: "ends at byte \(size); cannot read \(count) bytes at offset \(offset)")
        }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let got = pread(
                    descriptor, buffer.baseAddress.map { $0 + done }, count - done,
                    off_t(offset) + off_t(done))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }
                done += got
            }
            initialized = done
        }
        guard bytes.count == count else {
            throw ArtifactIOError(
                description: failure != 0
                    ? "cannot be read: \(errorText(failure))"
                    : "became shorter while it was read")
        }
        return bytes
    }

    /// Reads the file from the start in chunks of `chunkSize` bytes into one reused buffer,
    /// handing each chunk to `body`. Returns the number of bytes read.
    func stream(
        chunkSize: Int, _ body: (UnsafeRawBufferPointer) -> Void
    ) throws(ArtifactIOError) -> UInt64 {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        var total: UInt64 = 0
        while true {
            let got = systemRead(descriptor, buffer.baseAddress, chunkSize)
            if got < 0 {
                if errno == EINTR { continue }
                throw ArtifactIOError(description: "cannot be read: \(errorText(errno))")
            }
            if got == 0 { return total }
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            total += UInt64(got)
        }
    }
}

private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int)
    -> Int
{
    read(descriptor, buffer, count)
}

/// The system's text for an `errno` value.
func errorText(_ number: Int32) -> String {
    guard let text = strerror(number) else { return "error \(number)" }
    return String(cString: text).lowercased()
}

/// The real path of `path`, with every symbolic link resolved, or nil if it cannot be resolved.
func resolvedPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// Whether `path` is `root` or inside it; both must be real paths.
func isInside(_ path: String, root: String) -> Bool {
    if path == root { return true }
    let prefix = root.hasSuffix("/") ? root : root + "/"
    return path.hasPrefix(prefix)
}
