import Foundation
import ShipFiles
public import ShipModel

#if canImport(Glibc)
    import Glibc
#endif

/// Writes one blob into a layout: bytes go to a temporary file while SHA-256 is computed, and
/// ``commit(expecting:)`` fsyncs and renames it to its digest. A writer that is not committed
/// removes its temporary file, so a failed or killed build never leaves a blob whose name
/// does not match its bytes.
public final class BlobWriter {
    /// Where finished blobs go (`blobs/sha256`).
    private let directory: String
    private let temporaryPath: String
    private var fd: Int32
    private var hasher = SHA256Hasher()
    /// How many bytes have been written.
    public private(set) var size: Int64 = 0
    private var finished = false
    /// Flushes written data to disk in the background while the build goes on, so the fsync
    /// at the end has little left to wait for.
    private let flusher = DispatchQueue(label: "shipml.blob-flush")
    private var unflushed: Int64 = 0
    private static let flushEvery: Int64 = 32 << 20
    private let flushes: Bool

    /// - Parameters:
    ///   - directory: where the finished blob is renamed to.
    ///   - temporaryDirectory: where it is written until then, on the same file system and
    ///     outside `blobs/`, so a killed build never leaves a partial file among the blobs.
    ///   - flushes: whether the blob reaches the disk before it is renamed (see ``Durability``).
    init(directory: String, temporaryDirectory: String, flushes: Bool = true) throws {
        self.directory = directory
        self.flushes = flushes
        var template = Array("\(temporaryDirectory)/blob-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard fd >= 0 else {
            throw LayoutError(
                path: directory, reason: "cannot create a temporary blob (\(errnoText(errno)))")
        }
        self.fd = fd
        temporaryPath = String(
            decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        flusher.sync {}
        if !finished {
            close(fd)
            unlink(temporaryPath)
        }
    }

    /// Appends bytes to the blob.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        hasher.update(bytes)
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                let reason =
                    errno == ENOSPC
                    ? "no space left on the device; free some and build again"
                    : "cannot write (\(errnoText(errno)))"
                throw LayoutError(path: directory, reason: reason)
            }
            offset += written
        }
        size += Int64(bytes.count)
        unflushed += Int64(bytes.count)
        if flushes, unflushed >= Self.flushEvery {
            unflushed = 0
            let fd = fd
            flusher.async { _ = fdatasync(fd) }
        }
    }

    /// Drops what was written and starts the blob again from its first byte (a download that
    /// is retried from the start, say).
    public func truncate() throws {
        flusher.sync {}
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
            throw LayoutError(path: directory, reason: "cannot truncate (\(errnoText(errno)))")
        }
        hasher = SHA256Hasher()
        size = 0
        unflushed = 0
    }

    /// Finishes the blob: checks the digest if one is expected, flushes it to disk and gives
    /// it its name. Returns its digest and size.
    @discardableResult
    public func commit(expecting expected: Digest? = nil) throws -> (Digest, Int64) {
        let digest = Digest(sha256: hasher.finalize())
        if let expected, expected != digest {
            throw LayoutError(
                path: directory, reason: "the blob's content is \(digest), expected \(expected)")
        }
        flusher.sync {}
        guard !flushes || fsync(fd) == 0 else {
            throw LayoutError(path: directory, reason: "cannot flush to disk (\(errnoText(errno)))")
        }
        close(fd)
        finished = true
        let target = "\(directory)/\(digest.encoded)"
        guard rename(temporaryPath, target) == 0 else {
            let reason = errnoText(errno)
            unlink(temporaryPath)
            throw LayoutError(path: target, reason: "cannot rename the blob into place (\(reason))")
        }
        return (digest, size)
    }

    /// Gives up: the temporary file is removed.
    public func abort() {
        guard !finished else { return }
        flusher.sync {}
        finished = true
        close(fd)
        unlink(temporaryPath)
    }
}
