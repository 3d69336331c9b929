import CArchive

/// Compresses a byte stream with gzip or zstd, handing the compressed bytes to a sink as they
/// are made.
///
/// It uses the filters and options ``TarWriter`` uses, so a plain tar stream piped through it
/// comes out byte for byte as a compressing `TarWriter` writes it; meanwhile the caller sees
/// the uncompressed bytes on their way in, to hash an OCI layer's diffID in the same pass.
///
/// It is libarchive's "raw" format: one entry whose data reaches the compression filter
/// unchanged and unpadded. Memory use does not grow with the input: each ``write(_:)`` is
/// compressed from the caller's buffer, and the output reaches the sink in blocks of at most
/// 1 MiB as it is made.
///
/// Call ``finish()`` to end the stream. A compressor dropped without it hands nothing more to
/// its sink, which then holds a truncated stream. Any error leaves the compressor unusable, and
/// later calls throw.
///
/// ```swift
/// let compressor = try StreamCompressor(.zstd(level: 3)) { try blob.write($0) }
/// let tar = try TarWriter { bytes in
///     diffID.update(bytes)
///     try compressor.write(bytes)
/// }
/// // ... add entries ...
/// try tar.finish()
/// try compressor.finish()
/// ```
public final class StreamCompressor {
    /// A compression format and level.
    public enum Algorithm: Sendable, Hashable {
        /// gzip, at a level from 0 (store) to 9 (smallest), with no timestamp and no file
        /// name in its header.
        case gzip(level: Int)
        /// Zstandard, at a level libzstd accepts (up to 22; 3 is zstd's default).
        case zstd(level: Int)

        /// The same compression, as ``TarWriter`` names it.
        var tarCompression: TarWriter.Compression {
            switch self {
            case .gzip(let level): .gzip(level: level)
            case .zstd(let level): .zstd(level: level)
            }
        }
    }

    private let handle: WriteHandle
    private var state = WriterState(noun: "stream")

    /// Starts a compressed stream whose bytes are handed to `sink`, in order.
    ///
    /// - Parameters:
    ///   - algorithm: the format and level.
    ///   - threads: how many threads compress zstd. 1, the default, compresses on the calling
    ///     thread, with the bytes a compressing ``TarWriter`` writes. 2 or more run that many
    ///     zstd workers: the output is another valid zstd stream, the same for every count
    ///     from 2 up and on every machine (with the same libzstd), but not the same as with 1.
    ///     Ignored for gzip.
    ///   - sink: receives the compressed bytes; the buffer is valid only during the call. It is
    ///     called on the thread of the ``write(_:)`` or ``finish()`` call that produced the
    ///     bytes, never by a zstd worker. An error it throws is rethrown by that call.
    /// - Throws: ``ArchiveError`` when the level is out of range or `threads` is below 1.
    public init(
        _ algorithm: Algorithm, threads: Int = 1,
        sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let operation = "cannot set up the compressor"
        guard threads >= 1 else {
            throw ArchiveError(
                code: .failed, message: "the thread count must be at least 1, not \(threads)",
                operation: operation, path: nil)
        }
        handle = try WriteHandle(operation: operation, path: nil)
        let archive = handle.pointer
        try check(archive_write_set_format_raw(archive), archive, operation)
        // One worker gives the same bytes as several; none compresses on the calling thread.
        try configureCompression(
            handle, algorithm.tarCompression, zstdWorkers: threads > 1 ? threads : 0,
            operation: operation)
        try handle.open(sink: sink, operation: operation)
        let entry = try EntryHandle(operation: operation, path: nil)
        // The entry must outlive every use of its pointer. The raw format takes one regular
        // file and writes neither its name nor its size: the data is the whole output.
        try withExtendedLifetime(entry) {
            archive_entry_set_filetype(entry.pointer, SHIPML_AE_IFREG.rawValue)
            try handle.checked(archive_write_header(archive, entry.pointer), operation, path: nil)
        }
    }

    /// Compresses `bytes`, handing any compressed output that is ready to the sink.
    ///
    /// - Throws: the error the sink threw; ``ArchiveError`` when compression fails or the
    ///   compressor is finished or failed.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try ensureOpen()
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = try call(
                archive_write_data(handle.pointer, base + offset, bytes.count - offset),
                "cannot compress", accepting: .byteCount)
            guard written > 0 else {
                let error = ArchiveError(
                    code: .fatal, message: "libarchive accepted no bytes",
                    operation: "cannot compress", path: nil)
                fail(error)
                throw error
            }
            offset += written
        }
    }

    /// Ends the stream: compresses what is buffered and hands the sink the rest of the
    /// output.
    ///
    /// Calling it again does nothing.
    ///
    /// - Throws: the error the sink threw, or ``ArchiveError``.
    public func finish() throws {
        if state.isFinished { return }
        try ensureOpen()
        try call(archive_write_close(handle.pointer), "cannot finish compressing")
        handle.closed = true
        state.finish()
    }

    private func ensureOpen() throws {
        try state.ensureOpen(operation: "cannot compress", path: nil)
    }

    /// ``WriteHandle/checked(_:_:path:accepting:)``; any error leaves the stream incomplete.
    @discardableResult
    private func call(
        _ result: some BinaryInteger, _ operation: @autoclosure () -> String,
        accepting: ArchiveSuccess = []
    ) throws -> Int {
        do {
            return try handle.checked(result, operation(), path: nil, accepting: accepting)
        } catch {
            fail(error)
            throw error
        }
    }

    private func fail(_ error: any Error) {
        state.fail(error)
    }
}

@available(*, unavailable, message: "a StreamCompressor is used by one task at a time")
extension StreamCompressor: Sendable {}
