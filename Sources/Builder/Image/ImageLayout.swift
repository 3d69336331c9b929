public import Foundation
import ShipFiles
public import ShipModel

#if canImport(Glibc)
    import Glibc
#endif

/// How hard a layout works to survive a power loss.
public enum Durability: String, Sendable, CaseIterable {
    /// Every blob is fsynced before it is renamed to its digest (the default).
    case fsync
    /// Blobs are renamed once written, without waiting for the disk. A killed process still
    /// leaves only whole blobs (the kernel keeps what was written); a power loss or a kernel
    /// crash may not. For throwaway disks, such as a CI runner's workspace.
    case none
}

/// An OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`), as skopeo,
/// umoci and ORAS read it. Blobs are written under a temporary name and renamed once their
/// digest is known, so every file under `blobs/` always matches its name; `index.json` is
/// replaced atomically under a lock, so concurrent writers into one layout all land.
public final class ImageLayout: Sendable {
    /// The layout's directory.
    public let root: String
    /// Whether blobs are flushed to disk before they are renamed into place.
    public let durability: Durability

    private init(root: String, durability: Durability) {
        self.root = root
        self.durability = durability
    }

    /// Opens a layout, creating it when `create` is true and it does not exist.
    /// - Parameter durability: `.fsync` (the default) flushes every blob before it gets its
    ///   name, so not even a power loss leaves a blob whose bytes differ from its digest.
    /// - Throws: ``LayoutError`` when the directory is not a layout, or cannot be made one.
    public static func open(_ root: String, create: Bool, durability: Durability = .fsync) throws
        -> ImageLayout
    {
        let layout = ImageLayout(root: root, durability: durability)
        let fileSystem = LocalFileSystem()
        let marker = joinPath(root, "oci-layout")
        if !fileSystem.isFile(marker) {
            guard create else {
                throw LayoutError(
                    path: root,
                    reason: fileSystem.isDirectory(root)
                        ? "is not an OCI image layout (no oci-layout file)" : "no such directory")
            }
            do {
                try fileSystem.createDirectory(at: root)
            } catch let error as FileSystemError {
                throw LayoutError(path: error.path, reason: error.reason)
            }
        }
        // Several builds may create the same layout at once: decide and create under the lock.
        try layout.withLock {
            if fileSystem.isFile(marker) {
                struct Header: Decodable { var imageLayoutVersion: String }
                let data = try layout.read(marker)
                guard let header = try? JSONDecoder().decode(Header.self, from: data),
                    header.imageLayoutVersion == "1.0.0"
                else {
                    throw LayoutError(
                        path: marker, reason: "expected {\"imageLayoutVersion\": \"1.0.0\"}")
                }
            } else {
                let entries = (try? fileSystem.contentsOfDirectory(at: root)) ?? []
                guard entries.allSatisfy({ $0 == lockName || $0 == temporaryName }) else {
                    throw LayoutError(
                        path: root, reason: "exists, is not empty and is not an OCI image layout")
                }
                // The marker and index.json come before blobs/: a build killed in between
                // leaves a layout a reader takes for an empty one, never a half-made one.
                do {
                    try fileSystem.writeText(at: marker, "{\"imageLayoutVersion\":\"1.0.0\"}")
                } catch let error as FileSystemError {
                    throw LayoutError(path: error.path, reason: error.reason)
                }
            }
            if !fileSystem.isFile(layout.indexPath) {
                try layout.writeIndex(ImageIndex())
            }
        }
        try? fileSystem.createDirectory(at: joinPath(root, "blobs/sha256"))
        return layout
    }

    private static let lockName = ".shipml-index.lock"
    private static let temporaryName = ".shipml-tmp"

    var indexPath: String { joinPath(root, "index.json") }

    /// Where a blob lives.
    public func blobPath(_ digest: Digest) -> String {
        joinPath(root, "blobs/\(digest.algorithm)/\(digest.encoded)")
    }

    /// Whether the layout holds a blob of this digest and size.
    public func hasBlob(_ digest: Digest, size: Int64) -> Bool {
        var info = stat()
        return stat(blobPath(digest), &info) == 0 && Int64(info.st_size) == size
    }

    /// Writes a small blob (a manifest, a config) and says what it is.
    public func writeBlob(_ data: Data, mediaType: MediaType) throws -> Descriptor {
        let writer = try beginBlob()
        try data.withUnsafeBytes { try writer.write($0) }
        let (digest, size) = try writer.commit()
        return Descriptor(mediaType: mediaType, digest: digest, size: size)
    }

    /// Starts writing a blob whose digest is learnt as it is written.
    public func beginBlob() throws -> BlobWriter {
        let temporary = joinPath(root, Self.temporaryName)
        try? LocalFileSystem().createDirectory(at: temporary)
        return try BlobWriter(
            directory: joinPath(root, "blobs/sha256"), temporaryDirectory: temporary,
            flushes: durability == .fsync)
    }

    /// Copies a blob from another layout, checking its digest as it streams; the blob is renamed
    /// into place only when it matches.
    public func copyBlob(_ descriptor: Descriptor, from source: ImageLayout) throws {
        guard let input = FileHandle(forReadingAtPath: source.blobPath(descriptor.digest)) else {
            throw LayoutError(
                path: source.blobPath(descriptor.digest), reason: "is missing from \(source.root)")
        }
        defer { try? input.close() }
        let writer = try beginBlob()
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            try chunk.withUnsafeBytes { try writer.write($0) }
        }
        try writer.commit(expecting: descriptor.digest)
    }

    /// Reads a blob and checks it against its digest.
    public func readBlob(_ descriptor: Descriptor) throws -> Data {
        let data = try read(blobPath(descriptor.digest))
        guard Int64(data.count) == descriptor.size else {
            throw LayoutError(
                path: blobPath(descriptor.digest),
                reason: "has \(data.count) bytes; the descriptor says \(descriptor.size)")
        }
        guard Digest(sha256: SHA256Hasher.hash(data)) == descriptor.digest else {
            throw LayoutError(
                path: blobPath(descriptor.digest), reason: "does not match its digest")
        }
        return data
    }

    /// The layout's `index.json`.
    public func readIndex() throws -> ImageIndex {
        let data = try read(indexPath)
        do {
            return try JSONDecoder().decode(ImageIndex.self, from: data)
        } catch {
            throw LayoutError(path: indexPath, reason: "is not a valid OCI image index (\(error))")
        }
    }

    /// Points `tag` at `descriptor` in `index.json`, replacing what the tag named before and
    /// keeping every other entry.
    public func tag(_ descriptor: Descriptor, as tag: String) throws {
        var entry = descriptor
        var annotations = entry.annotations ?? [:]
        annotations[AnnotationKey.refName] = tag
        entry.annotations = annotations
        try withLock {
            var index = try readIndex()
            index.manifests.removeAll { $0.annotations?[AnnotationKey.refName] == tag }
            index.manifests.append(entry)
            try writeIndex(index)
        }
    }

    /// Adds `descriptor` to `index.json` without a tag, unless an untagged entry of that
    /// digest is there already.
    public func addUntagged(_ descriptor: Descriptor) throws {
        try withLock {
            var index = try readIndex()
            let present = index.manifests.contains {
                $0.digest == descriptor.digest && $0.annotations?[AnnotationKey.refName] == nil
            }
            guard !present else { return }
            index.manifests.append(descriptor)
            try writeIndex(index)
        }
    }

    /// The manifest descriptor a tag names; with no tag, the only manifest in the layout.
    public func resolve(_ tag: String?) throws -> Descriptor {
        let index = try readIndex()
        if let tag {
            guard
                let found = index.manifests.last(where: {
                    $0.annotations?[AnnotationKey.refName] == tag
                })
            else {
                let tags = index.manifests.compactMap { $0.annotations?[AnnotationKey.refName] }
                throw LayoutError(
                    path: root,
                    reason:
                        "has no tag \"\(tag)\"; it has \(tags.isEmpty ? "none" : tags.sorted().joined(separator: ", "))"
                )
            }
            return found
        }
        // Referrers (untagged artifacts) do not count when one tagged image is there.
        let tagged = index.manifests.filter { $0.annotations?[AnnotationKey.refName] != nil }
        if index.manifests.count > 1, tagged.count == 1, let only = tagged.first { return only }
        guard index.manifests.count == 1, let only = index.manifests.first else {
            throw LayoutError(
                path: root,
                reason: "holds \(index.manifests.count) manifests; name one with oci:\(root):TAG")
        }
        return only
    }

    private func writeIndex(_ index: ImageIndex) throws {
        do {
            try AtomicFileWriter.write(try CanonicalJSON.encode(index), to: indexPath)
        } catch let error as FileSystemError {
            throw LayoutError(path: error.path, reason: error.reason)
        }
    }

    private func read(_ path: String) throws -> Data {
        do {
            return try LocalFileSystem().readFile(at: path)
        } catch let error as FileSystemError {
            throw LayoutError(path: error.path, reason: error.reason)
        }
    }

    /// Runs `body` holding an exclusive lock on the layout (`flock` on a lock file beside
    /// `index.json`), so read-modify-write of the index by several processes never loses one.
    private func withLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = joinPath(root, Self.lockName)
        let fd = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LayoutError(
                path: lockPath, reason: "cannot open the lock file (\(errnoText(errno)))")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw LayoutError(path: lockPath, reason: "cannot lock (\(errnoText(errno)))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

/// Something wrong with an image layout, naming the file.
public struct LayoutError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
