import CArchive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many bytes the archive code moves at a time: source file reads, archive data reads and
/// libarchive's read block size. Memory use does not grow with entry sizes.
let archiveChunkSize = 1 << 20

// Each libarchive handle has exactly one owner, a final class whose deinit frees it. The
// pointers never leave the Archive folder.

/// Owns a libarchive write handle (`archive_write_new`).
final class WriteHandle {
    let pointer: OpaquePointer
    /// The output sink's box when writing to a closure: libarchive holds it unretained as its
    /// client data, so it lives here for as long as the handle may call back.
    var output: OutputBox?
    /// The output file's descriptor when writing to a file. The handle owns it, not
    /// libarchive: `archive_write_free` of a failed handle would leave a descriptor that
    /// libarchive opened open.
    var descriptor: Int32?
    /// Whether `archive_write_close` succeeded. Until then, deinit marks the handle failed
    /// first, so that freeing it does not write an end-of-archive trailer after an incomplete
    /// entry (or call a sink from deinit).
    var closed = false

    init(operation: @autoclosure () -> String, path: String?) throws {
        guard let pointer = archive_write_new() else {
            throw ArchiveError(
                code: .fatal,
                message: libarchiveUnavailable ?? "libarchive could not allocate a write handle",
                systemError: ENOMEM, operation: operation(), path: path)
        }
        self.pointer = pointer
    }

    deinit {
        if !closed { archive_write_fail(pointer) }
        archive_write_free(pointer)
        _ = closeDescriptor()
    }

    /// Closes the output file, if any, once; returns `errno` when `close` failed, else 0.
    func closeDescriptor() -> Int32 {
        guard let descriptor else { return 0 }
        self.descriptor = nil
        return close(descriptor) == 0 ? 0 : errno
    }

    /// Opens the handle to hand its output to `sink`, in order, as libarchive produces it.
    ///
    /// libarchive calls the sink synchronously, on the thread of the call that produced the
    /// bytes; an error it throws is kept, and ``checked(_:_:path:accepting:)`` rethrows it.
    func open(
        sink: @escaping (UnsafeRawBufferPointer) throws -> Void,
        operation: @autoclosure () -> String, path: String? = nil
    ) throws {
        let output = OutputBox(sink: sink)
        self.output = output
        // Unretained: `self.output` keeps the box alive as long as the handle.
        let clientData = Unmanaged.passUnretained(output).toOpaque()
        try checked(
            archive_write_open2(pointer, clientData, nil, writeToSink, nil, nil), operation(),
            path: path)
    }

    /// ``check(_:_:_:path:accepting:)`` for a call on this handle, except that when the
    /// sink's error made the call fail, that error is thrown as itself in place of
    /// libarchive's report of it.
    @discardableResult
    func checked(
        _ result: some BinaryInteger, _ operation: @autoclosure () -> String, path: String?,
        accepting: ArchiveSuccess = []
    ) throws -> Int {
        do {
            return try check(result, pointer, operation(), path: path, accepting: accepting)
        } catch {
            throw output?.takeError() ?? error
        }
    }
}

/// Why libarchive could not be loaded (it is opened on first use), or nil.
private var libarchiveUnavailable: String? {
    let reason = String(cString: shipml_archive_load_error())
    return reason.isEmpty ? nil : "libarchive could not be loaded (install libarchive13): \(reason)"
}

/// Owns a libarchive read handle (`archive_read_new`).
final class ReadHandle {
    let pointer: OpaquePointer

    init(operation: @autoclosure () -> String, path: String?) throws {
        guard let pointer = archive_read_new() else {
            throw ArchiveError(
                code: .fatal,
                message: libarchiveUnavailable ?? "libarchive could not allocate a read handle",
                systemError: ENOMEM, operation: operation(), path: path)
        }
        self.pointer = pointer
    }

    deinit {
        archive_read_free(pointer)
    }
}

/// Owns a libarchive entry (`archive_entry_new`).
final class EntryHandle {
    let pointer: OpaquePointer

    init(operation: @autoclosure () -> String, path: String?) throws {
        guard let pointer = archive_entry_new() else {
            throw ArchiveError(
                code: .fatal,
                message: libarchiveUnavailable ?? "libarchive could not allocate an entry",
                systemError: ENOMEM, operation: operation(), path: path)
        }
        self.pointer = pointer
    }

    deinit {
        archive_entry_free(pointer)
    }
}

/// The client data of a write handle that writes to a closure (``WriteHandle/open(sink:operation:path:)``).
///
/// libarchive calls ``writeToSink`` synchronously, on the thread of the writer call that
/// produced the bytes (never on a compression worker); it hands them to `sink` and, when the
/// sink throws, keeps the error here so the writer can rethrow it instead of libarchive's
/// generic failure.
final class OutputBox {
    let sink: (UnsafeRawBufferPointer) throws -> Void
    /// The first error the sink threw, until the writer takes it.
    var error: (any Error)?

    init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.sink = sink
    }

    /// The sink's error, once; nil when the sink has not failed since the last call.
    func takeError() -> (any Error)? {
        defer { error = nil }
        return error
    }
}

/// libarchive's write callback for a sink destination; its client data is an ``OutputBox``.
private func writeToSink(
    archive: OpaquePointer?, clientData: UnsafeMutableRawPointer?, buffer: UnsafeRawPointer?,
    length: Int
) -> la_ssize_t {
    guard let clientData else { return -1 }
    let output = Unmanaged<OutputBox>.fromOpaque(clientData).takeUnretainedValue()
    do {
        try output.sink(UnsafeRawBufferPointer(start: buffer, count: length))
        return la_ssize_t(length)
    } catch {
        if output.error == nil { output.error = error }
        shipml_archive_set_error(archive, EIO, "the output sink failed: \(error)")
        return -1
    }
}

/// Whether a writer takes more input: open, finished, or stopped by an earlier error (which
/// leaves its output incomplete). Shared by ``TarWriter`` and ``StreamCompressor``.
struct WriterState {
    private enum Value {
        case open
        case finished
        /// An error left the output incomplete; the error's description.
        case failed(String)
    }

    /// What the writer makes, for messages: `archive`, `stream`.
    let noun: String
    private var value = Value.open

    init(noun: String) { self.noun = noun }

    var isFinished: Bool {
        if case .finished = value { return true }
        return false
    }

    mutating func finish() { value = .finished }

    /// Records the first error; later calls report it.
    mutating func fail(_ error: any Error) {
        if case .open = value { value = .failed(String(describing: error)) }
    }

    /// Throws unless the writer is open.
    func ensureOpen(operation: String, path: String?) throws {
        switch value {
        case .open:
            return
        case .finished:
            throw ArchiveError(
                code: .fatal, message: "the \(noun) is already finished; start a new one",
                operation: operation, path: path)
        case .failed(let reason):
            throw ArchiveError(
                code: .fatal,
                message:
                    "an earlier error left the \(noun) incomplete (\(reason)); start a new one",
                operation: operation, path: path)
        }
    }
}
