import CArchive
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a POSIX tar archive (pax restricted: ustar headers, with a PAX extended header only
/// for an entry that ustar cannot describe), optionally gzip- or zstd-compressed.
///
/// Output is reproducible: every entry gets uid and gid 0, empty user and group names and the
/// modification time it is given; the gzip header carries no timestamp; the output is not
/// padded past the end-of-archive marker. The same calls give the same bytes.
///
/// Call ``finish()`` to complete the archive. A writer dropped without it writes no trailer,
/// so its output is an incomplete archive that readers reject.
/// An invalid entry path or mode is rejected before anything is written, and the archive
/// stays usable; any other error leaves it incomplete, and later calls throw.
///
/// ```swift
/// let writer = try TarWriter(path: "layer.tar.gz", compression: .gzip(level: 6))
/// try writer.addDirectory(path: "model", mtime: epoch)
/// try writer.addFile(path: "model/weights.bin", from: "/data/weights.bin", mtime: epoch)
/// try writer.finish()
/// ```
public final class TarWriter {
    /// How the tar stream is compressed.
    public enum Compression: Sendable, Hashable {
        /// A plain tar stream.
        case none
        /// gzip, at a level from 0 (store) to 9 (smallest), without a timestamp in its header.
        case gzip(level: Int)
        /// Zstandard, at a level libzstd accepts (up to 22; 3 is zstd's default).
        case zstd(level: Int)
    }

    private let handle: WriteHandle
    /// The output file's path, or nil when writing to a sink; named in errors.
    private let outputPath: String?
    private var state = WriterState(noun: "archive")

    /// Starts an archive written to the file at `path`, replacing any file there.
    ///
    /// - Parameters:
    ///   - path: the output file.
    ///   - compression: how to compress the tar stream.
    /// - Throws: ``ArchiveError`` when the compression level is out of range or the file
    ///   cannot be created.
    public convenience init(path: String, compression: Compression = .none) throws {
        try self.init(compression: compression, outputPath: path)
        let operation = "cannot create archive file"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw ArchiveError.system(operation, path: path, errno: errno)
        }
        handle.descriptor = descriptor
        try check(
            archive_write_open_fd(handle.pointer, descriptor), handle.pointer, operation,
            path: path)
    }

    /// Starts an archive whose bytes are handed to `sink`, in order, as libarchive produces
    /// them.
    ///
    /// The buffer is valid only during the call. An error `sink` throws makes the writer call
    /// that produced the bytes (often a later ``addFile(path:contents:mode:mtime:)`` or
    /// ``finish()``) throw that same error; the archive is then incomplete.
    ///
    /// - Parameters:
    ///   - compression: how to compress the tar stream.
    ///   - sink: receives the output bytes.
    /// - Throws: ``ArchiveError`` when the compression level is out of range.
    public convenience init(
        compression: Compression = .none,
        sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try self.init(compression: compression, outputPath: nil)
        try handle.open(sink: sink, operation: "cannot start the archive output")
    }

    private init(compression: Compression, outputPath: String?) throws {
        self.outputPath = outputPath
        let operation = "cannot set up the archive"
        handle = try WriteHandle(operation: operation, path: outputPath)
        let archive = handle.pointer
        try check(archive_write_set_format_pax_restricted(archive), archive, operation)
        try configureCompression(handle, compression, operation: operation)
    }

    /// Adds a directory entry.
    ///
    /// - Parameters:
    ///   - path: the entry's relative path, without `..` components.
    ///   - mode: permission bits, at most `0o7777`.
    ///   - mtime: the modification time, in whole seconds (any fraction is dropped).
    /// - Throws: ``ArchiveError``.
    public func addDirectory(path: String, mode: UInt32 = 0o755, mtime: Date) throws {
        try writeHeader(path: path, type: SHIPML_AE_IFDIR, mode: mode, mtime: mtime, size: 0)
        try finishEntry(path: path)
    }

    /// Adds a regular file with the given contents.
    ///
    /// - Parameters:
    ///   - path: the entry's relative path, without `..` components.
    ///   - contents: the file's bytes.
    ///   - mode: permission bits, at most `0o7777`.
    ///   - mtime: the modification time, in whole seconds (any fraction is dropped).
    /// - Throws: ``ArchiveError``, or the error the sink threw.
    public func addFile(path: String, contents: Data, mode: UInt32 = 0o644, mtime: Date) throws {
        try writeHeader(
            path: path, type: SHIPML_AE_IFREG, mode: mode, mtime: mtime,
            size: Int64(contents.count))
        try contents.withUnsafeBytes { try writeData($0, path: path) }
        try finishEntry(path: path)
    }

    /// Adds a regular file whose contents are streamed from `sourcePath`, a chunk at a time,
    /// so memory use does not grow with the file.
    ///
    /// - Parameters:
    ///   - path: the entry's relative path, without `..` components.
    ///   - sourcePath: the regular file to copy; it must not change size while it is read.
    ///   - mode: permission bits, at most `0o7777`.
    ///   - mtime: the modification time, in whole seconds (any fraction is dropped).
    /// - Throws: ``ArchiveError`` when the source cannot be read or changes size, or the
    ///   archive cannot be written; or the error the sink threw.
    public func addFile(
        path: String, from sourcePath: String, mode: UInt32 = 0o644, mtime: Date
    ) throws {
        try ensureOpen()
        try validate(path: path, mode: mode)
        let source = try SourceFile(path: sourcePath)
        try writeHeader(
            path: path, type: SHIPML_AE_IFREG, mode: mode, mtime: mtime, size: source.size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: archiveChunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var remaining = source.size
        do {
            while remaining > 0 {
                let wanted = Int(min(Int64(buffer.count), remaining))
                let count = try source.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]))
                guard count > 0 else {
                    throw ArchiveError(
                        code: .failed,
                        message: "the file shrank while it was being archived; try again",
                        operation: "cannot read source file", path: sourcePath)
                }
                try writeData(UnsafeRawBufferPointer(rebasing: buffer[..<count]), path: path)
                remaining -= Int64(count)
            }
            let extra = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<1]))
            guard extra == 0 else {
                throw ArchiveError(
                    code: .failed, message: "the file grew while it was being archived; try again",
                    operation: "cannot read source file", path: sourcePath)
            }
        } catch {
            // The header promised `size` bytes: the archive cannot be completed.
            fail(error)
            throw error
        }
        try finishEntry(path: path)
    }

    /// Adds a symbolic link.
    ///
    /// - Parameters:
    ///   - path: the entry's relative path, without `..` components.
    ///   - target: what the link points to, stored as given (it may be absolute or use `..`).
    ///   - mtime: the modification time, in whole seconds (any fraction is dropped).
    /// - Throws: ``ArchiveError``.
    public func addSymlink(path: String, target: String, mtime: Date) throws {
        guard !target.isEmpty, !target.utf8.contains(0) else {
            throw ArchiveError(
                code: .failed, message: "a symbolic link needs a target without NUL bytes",
                operation: "cannot add entry", path: path)
        }
        try writeHeader(
            path: path, type: SHIPML_AE_IFLNK, mode: 0o777, mtime: mtime, size: 0,
            symlinkTarget: target)
        try finishEntry(path: path)
    }

    /// Writes the end-of-archive marker, flushes the compressor and closes the output.
    ///
    /// Calling it again does nothing.
    ///
    /// - Throws: ``ArchiveError``, or the error the sink threw.
    public func finish() throws {
        if state.isFinished { return }
        try ensureOpen()
        try call(archive_write_close(handle.pointer), "cannot finish archive", path: outputPath)
        handle.closed = true
        let closeError = handle.closeDescriptor()
        guard closeError == 0 else {
            let error = ArchiveError.system(
                "cannot finish archive", path: outputPath, errno: closeError)
            fail(error)
            throw error
        }
        state.finish()
    }

    // MARK: - Entries

    private func writeHeader(
        path: String, type: shipml_archive_filetype, mode: UInt32, mtime: Date, size: Int64,
        symlinkTarget: String? = nil
    ) throws {
        try ensureOpen()
        try validate(path: path, mode: mode)
        let seconds = mtime.timeIntervalSince1970.rounded(.down)
        guard let wholeSeconds = Int64(exactly: seconds), let time = time_t(exactly: wholeSeconds)
        else {
            throw ArchiveError(
                code: .failed, message: "the modification time \(mtime) is out of range",
                operation: "cannot add entry", path: path)
        }
        // Names are converted through the locale's character set: make it UTF-8.
        try withUTF8Locale {
            let entry = try EntryHandle(operation: "cannot add entry", path: path)
            // The entry must outlive every use of its pointer.
            try withExtendedLifetime(entry) {
                let pointer = entry.pointer
                guard archive_entry_update_pathname_utf8(pointer, path) != 0 else {
                    throw ArchiveError(
                        code: .failed, message: "the path cannot be stored as UTF-8",
                        operation: "cannot add entry", path: path)
                }
                archive_entry_set_filetype(pointer, type.rawValue)
                archive_entry_set_perm(pointer, mode_t(mode))
                archive_entry_set_size(pointer, size)
                archive_entry_set_mtime(pointer, time, 0)
                archive_entry_set_uid(pointer, 0)
                archive_entry_set_gid(pointer, 0)
                if let symlinkTarget {
                    guard archive_entry_update_symlink_utf8(pointer, symlinkTarget) != 0 else {
                        throw ArchiveError(
                            code: .failed, message: "the link target cannot be stored as UTF-8",
                            operation: "cannot add entry", path: path)
                    }
                }
                // A warning here (a name that cannot be translated, say) still wrote a
                // header that is not what was asked for: treat it as an error.
                try call(
                    archive_write_header(handle.pointer, pointer), "cannot add entry", path: path)
            }
        }
    }

    private func writeData(_ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = try call(
                archive_write_data(handle.pointer, base + offset, bytes.count - offset),
                "cannot write the contents of entry", path: path, accepting: .byteCount)
            guard written > 0 else {
                let error = ArchiveError(
                    code: .fatal,
                    message: "libarchive accepted no more bytes than the header's size",
                    operation: "cannot write the contents of entry", path: path)
                fail(error)
                throw error
            }
            offset += written
        }
    }

    private func finishEntry(path: String) throws {
        try call(archive_write_finish_entry(handle.pointer), "cannot add entry", path: path)
    }

    /// Rejects what must never reach a layer: absolute paths, `..` components, empty paths,
    /// NUL bytes, and modes beyond the permission bits.
    private func validate(path: String, mode: UInt32) throws {
        func reject(_ message: String) -> ArchiveError {
            ArchiveError(code: .failed, message: message, operation: "cannot add entry", path: path)
        }
        if path.isEmpty { throw reject("the entry path is empty") }
        if path.utf8.contains(0) { throw reject("the entry path contains a NUL byte") }
        if path.hasPrefix("/") {
            throw reject("entry paths must be relative; remove the leading '/'")
        }
        if path.split(separator: "/", omittingEmptySubsequences: true).contains("..") {
            throw reject("entry paths must not contain '..' components")
        }
        if mode > 0o7777 {
            throw reject("the mode \(String(mode, radix: 8)) has bits beyond 0o7777")
        }
    }

    // MARK: - State and errors

    private func ensureOpen() throws {
        try state.ensureOpen(operation: "cannot change archive", path: outputPath)
    }

    /// ``check(_:_:_:path:accepting:)`` for this writer: an error the sink threw replaces
    /// libarchive's report of it, and any libarchive error leaves the archive incomplete.
    @discardableResult
    private func call(
        _ result: some BinaryInteger, _ operation: @autoclosure () -> String, path: String?,
        accepting: ArchiveSuccess = []
    ) throws -> Int {
        do {
            return try handle.checked(result, operation(), path: path, accepting: accepting)
        } catch {
            fail(error)
            throw error
        }
    }

    private func fail(_ error: any Error) {
        state.fail(error)
    }
}

@available(*, unavailable, message: "a TarWriter is used by one task at a time")
extension TarWriter: Sendable {}

/// Adds `compression`'s filter to a writer, configured for reproducible output: gzip without a
/// timestamp or file name in its header, and no padding past the end of the stream (padding
/// after a zstd frame is not zstd, and no consumer of a layer needs it).
///
/// - Parameters:
///   - zstdWorkers: zstd's worker threads (`ZSTD_c_nbWorkers`). 0, the default, compresses on
///     the calling thread; any other count gives other bytes than 0, though the same for every
///     count from 1 up (libzstd 1.5). Ignored for gzip.
///   - operation: what is being set up, for errors.
func configureCompression(
    _ handle: WriteHandle, _ compression: TarWriter.Compression, zstdWorkers: Int = 0,
    operation: String
) throws {
    let archive = handle.pointer
    func option(_ filter: String, _ key: String, _ value: String?) throws {
        let what = "cannot set the \(filter) option \(key)\(value.map { "=\($0)" } ?? " off")"
        try check(archive_write_set_filter_option(archive, filter, key, value), archive, what)
    }
    switch compression {
    case .none:
        break
    case .gzip(let level):
        try check(archive_write_add_filter_gzip(archive), archive, operation)
        try option("gzip", "compression-level", String(level))
        // A nil value turns the option off: no modification time in the gzip header.
        try option("gzip", "timestamp", nil)
    case .zstd(let level):
        try check(archive_write_add_filter_zstd(archive), archive, operation)
        try option("zstd", "compression-level", String(level))
        // libarchive 3.6 passes "threads" to ZSTD_c_nbWorkers as it is; later versions read 0
        // as "one per CPU", which would make the bytes depend on the machine: only a positive
        // count is ever set.
        if zstdWorkers > 0 { try option("zstd", "threads", String(zstdWorkers)) }
    }
    try check(archive_write_set_bytes_in_last_block(archive, 1), archive, operation)
    // Hand the output over in 1 MiB blocks rather than tar's 10 KiB: fewer calls into the
    // sink and fewer writes. With no padding of the last block, the bytes are the same.
    try check(archive_write_set_bytes_per_block(archive, 1 << 20), archive, operation)
}

/// A regular file opened for reading, closed when the last reference goes.
private final class SourceFile {
    let path: String
    let descriptor: Int32
    let size: Int64

    init(path: String) throws {
        let operation = "cannot read source file"
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ArchiveError.system(operation, path: path, errno: errno)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = ArchiveError.system(operation, path: path, errno: errno)
            close(descriptor)
            throw error
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw ArchiveError(
                code: .failed, message: "it is not a regular file", operation: operation,
                path: path)
        }
        self.descriptor = descriptor
        size = Int64(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw ArchiveError.system("cannot read source file", path: path, errno: errno)
        }
    }
}

/// `read` is shadowed inside ``SourceFile`` by its method; this reaches the C function.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int)
    -> Int
{
    read(descriptor, buffer, count)
}
