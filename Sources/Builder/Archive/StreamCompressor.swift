import CArchive

/// Compresses a byte stream with gzip or zstd through libarchive, handing the output to a sink:
/// the same filters, options and bytes as ``TarWriter`` uses, so a plain tar stream piped
/// through it gives exactly what a compressing `TarWriter` gives, while the caller can also
/// hash the uncompressed bytes on the way (an OCI layer's diffID) in the same pass.
///
/// It uses libarchive's "raw" format: one entry whose data is written through unchanged.
public final class StreamCompressor {
    private let handle: WriteHandle
    private var finished = false

    /// - Parameters:
    ///   - compression: `.gzip` or `.zstd` with a level; `.none` passes bytes through.
    ///   - threads: zstd worker threads. zstd's output depends on the count (not on the
    ///     machine), so pass a fixed number where the bytes must be reproducible.
    ///   - sink: receives the compressed bytes, in order; an error it throws is rethrown by
    ///     the call that produced the bytes.
    public init(
        _ compression: TarWriter.Compression, threads: Int = 1,
        sink: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let operation = "cannot set up the compressor"
        handle = try WriteHandle(operation: operation, path: nil)
        let archive = handle.pointer
        try check(archive_write_set_format_raw(archive), archive, operation)
        try configureCompression(handle, compression)
        if case .zstd = compression, threads > 1 {
            try call(
                archive_write_set_filter_option(archive, "zstd", "threads", String(threads)),
                "cannot set the zstd option threads=\(threads)")
        }
        let output = OutputBox(sink: sink)
        handle.output = output
        // Unretained: `handle.output` keeps the box alive as long as the handle.
        let clientData = Unmanaged.passUnretained(output).toOpaque()
        try call(archive_write_open2(archive, clientData, nil, writeToSink, nil, nil), operation)
        let entry = try EntryHandle(operation: operation, path: nil)
        try withExtendedLifetime(entry) {
            archive_entry_set_filetype(entry.pointer, SHIPML_AE_IFREG.rawValue)
            archive_entry_set_pathname(entry.pointer, "stream")
            try call(archive_write_header(archive, entry.pointer), operation)
        }
    }

    /// Compresses `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !finished else { return }
        var offset = 0
        while offset < bytes.count {
            let written = try call(
                archive_write_data(handle.pointer, base + offset, bytes.count - offset),
                "cannot compress", accepting: .byteCount)
            guard written > 0 else {
                throw ArchiveError(
                    code: .fatal, message: "the compressor accepted no bytes",
                    operation: "cannot compress", path: nil)
            }
            offset += written
        }
    }

    /// Flushes the compressor; the sink has every byte when this returns.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try call(archive_write_close(handle.pointer), "cannot finish compressing")
        handle.closed = true
    }

    /// ``check(_:_:_:path:accepting:)``, with an error the sink threw in place of libarchive's.
    @discardableResult
    private func call(
        _ result: some BinaryInteger, _ operation: @autoclosure () -> String,
        accepting: ArchiveSuccess = []
    ) throws -> Int {
        do {
            return try check(result, handle.pointer, operation(), path: nil, accepting: accepting)
        } catch {
            throw handle.output?.takeError() ?? error
        }
    }
}

@available(*, unavailable, message: "a StreamCompressor is used by one task at a time")
extension StreamCompressor: Sendable {}
