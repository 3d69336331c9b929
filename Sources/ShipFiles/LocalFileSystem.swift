public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real file system. Writes go to a temporary name in the same directory, are flushed with
/// `fsync`, then renamed over the target, and the directory is synced, so a crash or a full disk
/// never leaves a partial file under the final name.
public struct LocalFileSystem: FileSystem {
    public init() {}

    public func readFile(at path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            switch fileKind(at: path) {
            case nil: throw FileSystemError(path: path, reason: "no such file")
            case .directory?:
                throw FileSystemError(path: path, reason: "is a directory, expected a file")
            default:
                throw FileSystemError(path: path, reason: "cannot be read (\(errnoText(errno)))")
            }
        }
    }

    public func writeFile(at path: String, contents: Data) throws {
        try AtomicFileWriter.write(contents, to: path)
    }

    public func fileKind(at path: String) -> FileKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK:
            // Report what a link points to, as readers follow it; a dangling link is a link.
            var target = stat()
            guard stat(path, &target) == 0 else { return .symbolicLink }
            switch target.st_mode & S_IFMT {
            case S_IFREG: return .file
            case S_IFDIR: return .directory
            default: return .other
            }
        default: return .other
        }
    }

    public func createDirectory(at path: String) throws {
        if path.isEmpty || path == "." { return }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileSystemError(
                path: path, reason: "cannot create directory (\(error.localizedDescription))")
        }
    }

    public func contentsOfDirectory(at path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw FileSystemError(path: path, reason: "cannot list directory")
        }
    }
}

/// Writes files so that no reader can ever take a partial file for a whole one.
public enum AtomicFileWriter {
    /// Writes `data` to a temporary file beside `path`, fsyncs it, renames it into place and
    /// fsyncs the directory. On any failure the temporary file is removed.
    /// - Parameter mode: the permission bits of the new file.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let dirForTemp = directory.isEmpty ? "." : directory
        var template = Array("\(dirForTemp)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard fd >= 0 else {
            throw FileSystemError(
                path: path, reason: "cannot create a temporary file beside it (\(errnoText(errno)))"
            )
        }
        let tempPath = String(
            decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var committed = false
        defer {
            if !committed { unlink(tempPath) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                var offset = 0
                while offset < raw.count {
                    let n = Foundation.write(fd, base + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw FileSystemError(
                            path: path, reason: "write failed (\(errnoText(errno)))")
                    }
                    offset += n
                }
            }
            guard fchmod(fd, mode) == 0, fsync(fd) == 0 else {
                throw FileSystemError(
                    path: path, reason: "cannot flush to disk (\(errnoText(errno)))")
            }
        }
        guard rename(tempPath, path) == 0 else {
            throw FileSystemError(
                path: path, reason: "cannot rename into place (\(errnoText(errno)))")
        }
        committed = true
        let dirfd = open(dirForTemp, O_RDONLY)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }
}

/// The C library's text for an `errno` value.
public func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
