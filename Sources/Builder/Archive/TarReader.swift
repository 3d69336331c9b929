import CArchive
public import Foundation

/// Reads a tar archive (ustar, pax or GNU) from a file, compressed with any filter libarchive
/// recognizes (gzip and zstd among them), one entry at a time.
///
/// ```swift
/// let reader = try TarReader(path: "layer.tar.gz")
/// while let header = try reader.next() {
///     let bytes = try reader.readData()
/// }
/// ```
public final class TarReader {
    /// The archive file's path.
    public let path: String
    /// Warnings libarchive reported for entries it could still read (an unknown PAX keyword,
    /// a name it could not translate), in order.
    public private(set) var warnings: [String] = []

    private enum State {
        case beforeFirstEntry
        case inEntry
        case ended
        /// An error made the archive unreadable; the error's description.
        case failed(String)
    }

    private let handle: ReadHandle
    private var state = State.beforeFirstEntry
    /// The current entry's size, to size the read buffer.
    private var currentSize: Int64 = 0

    /// Opens the archive at `path`.
    ///
    /// - Throws: ``ArchiveError`` naming `path` when it cannot be opened.
    public init(path: String) throws {
        self.path = path
        let operation = "cannot open archive"
        handle = try ReadHandle(operation: operation, path: path)
        let archive = handle.pointer
        // Some filters are only available through external programs, which is a warning.
        try check(
            archive_read_support_filter_all(archive), archive, operation, path: path,
            accepting: .warning)
        try check(archive_read_support_format_tar(archive), archive, operation, path: path)
        try withUTF8Locale {
            try check(
                archive_read_open_filename(archive, path, archiveChunkSize), archive,
                operation, path: path)
        }
    }

    /// Moves to the next entry and returns its header; nil after the last one.
    ///
    /// The previous entry's unread contents are skipped.
    ///
    /// - Throws: ``ArchiveError`` naming the archive when it is damaged or not a tar archive.
    public func next() throws -> TarEntryHeader? {
        // Names are converted through the locale's character set: make it UTF-8.
        try withUTF8Locale { try nextHeader() }
    }

    private func nextHeader() throws -> TarEntryHeader? {
        switch state {
        case .ended:
            return nil
        case .failed(let reason):
            throw ArchiveError(
                code: .fatal, message: "an earlier error stopped the reading (\(reason))",
                operation: "cannot read the next entry of", path: path)
        case .beforeFirstEntry, .inEntry:
            break
        }
        var entry: OpaquePointer?
        let result = try call(
            archive_read_next_header(handle.pointer, &entry), "cannot read the next entry of",
            accepting: [.endOfArchive, .warning])
        if result == Int(ARCHIVE_EOF) {
            state = .ended
            return nil
        }
        if result == Int(ARCHIVE_WARN) {
            warnings.append(archiveErrorText(handle.pointer))
        }
        guard let entry else {
            let error = ArchiveError(
                code: .fatal, message: "libarchive returned no entry",
                operation: "cannot read the next entry of", path: path)
            state = .failed(error.description)
            throw error
        }
        state = .inEntry
        // The entry belongs to the read handle and changes with the next call: copy it now.
        let header = Self.header(of: entry)
        currentSize = header.size
        return header
    }

    /// Reads the rest of the current entry's contents.
    ///
    /// - Returns: the bytes; empty for entries other than files, and when they were read
    ///   already.
    /// - Throws: ``ArchiveError`` naming the archive when it is truncated or damaged.
    public func readData() throws -> Data {
        var data = Data()
        try readData { data.append(contentsOf: $0) }
        return data
    }

    /// Hands the rest of the current entry's contents to `sink`, a chunk (up to 1 MiB) at a
    /// time, so memory use does not grow with the entry.
    ///
    /// - Parameter sink: receives each chunk; the buffer is valid only during the call.
    /// - Throws: ``ArchiveError`` naming the archive when it is truncated or damaged, or the
    ///   error `sink` threw.
    public func readData(into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch state {
        case .inEntry:
            break
        case .beforeFirstEntry, .ended:
            throw ArchiveError(
                code: .failed, message: "there is no current entry; call next() first",
                operation: "cannot read the contents of an entry in", path: path)
        case .failed(let reason):
            throw ArchiveError(
                code: .fatal, message: "an earlier error stopped the reading (\(reason))",
                operation: "cannot read the contents of an entry in", path: path)
        }
        // Small entries need no full-size buffer; a size of 0 still needs a read to see the end.
        let capacity = Int(min(Int64(archiveChunkSize), max(currentSize, 4096)))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        guard let base = buffer.baseAddress else { return }
        while true {
            let count = try call(
                archive_read_data(handle.pointer, base, buffer.count),
                "cannot read the contents of an entry in", accepting: .byteCount)
            if count == 0 { return }
            try sink(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Reads every entry of the archive at `path` with its contents, for tests and small
    /// archives (every file's contents are held in memory).
    ///
    /// - Parameter path: the archive file.
    /// - Returns: the entries in archive order.
    /// - Throws: ``ArchiveError`` naming `path`.
    public static func entries(ofFile path: String) throws -> [(
        header: TarEntryHeader, data: Data
    )] {
        let reader = try TarReader(path: path)
        var entries: [(header: TarEntryHeader, data: Data)] = []
        while let header = try reader.next() {
            entries.append((header, try reader.readData()))
        }
        return entries
    }

    /// ``check(_:_:_:path:accepting:)`` for this reader: names the archive, and a fatal error
    /// ends the reading.
    @discardableResult
    private func call(
        _ result: some BinaryInteger, _ operation: @autoclosure () -> String,
        accepting: ArchiveSuccess
    ) throws -> Int {
        do {
            return try check(result, handle.pointer, operation(), path: path, accepting: accepting)
        } catch let error as ArchiveError {
            if error.code == .fatal { state = .failed(error.description) }
            throw error
        }
    }

    private static func header(of entry: OpaquePointer) -> TarEntryHeader {
        let kind: TarEntryHeader.Kind
        var linkTarget: String?
        if let hardlink = text(archive_entry_hardlink_utf8(entry), archive_entry_hardlink(entry)) {
            kind = .hardlink
            linkTarget = hardlink
        } else {
            switch archive_entry_filetype(entry) {
            case SHIPML_AE_IFREG.rawValue: kind = .file
            case SHIPML_AE_IFDIR.rawValue: kind = .directory
            case SHIPML_AE_IFLNK.rawValue:
                kind = .symlink
                linkTarget = text(archive_entry_symlink_utf8(entry), archive_entry_symlink(entry))
            default: kind = .other
            }
        }
        let seconds = Double(archive_entry_mtime(entry))
        let nanoseconds = Double(archive_entry_mtime_nsec(entry))
        return TarEntryHeader(
            path: text(archive_entry_pathname_utf8(entry), archive_entry_pathname(entry)) ?? "",
            kind: kind,
            size: archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : 0,
            mode: UInt32(archive_entry_perm(entry)),
            mtime: Date(timeIntervalSince1970: seconds + nanoseconds / 1_000_000_000),
            uid: archive_entry_uid(entry),
            gid: archive_entry_gid(entry),
            userName: text(archive_entry_uname_utf8(entry), archive_entry_uname(entry)) ?? "",
            groupName: text(archive_entry_gname_utf8(entry), archive_entry_gname(entry)) ?? "",
            linkTarget: linkTarget)
    }

    /// The UTF-8 form of an entry string when libarchive can make it, else the stored bytes
    /// decoded as UTF-8 (invalid sequences replaced); nil when the entry has none.
    private static func text(
        _ utf8: UnsafePointer<CChar>?, _ stored: @autoclosure () -> UnsafePointer<CChar>?
    ) -> String? {
        if let utf8 { return String(cString: utf8) }
        return stored().map { String(cString: $0) }
    }
}

@available(*, unavailable, message: "a TarReader is used by one task at a time")
extension TarReader: Sendable {}
