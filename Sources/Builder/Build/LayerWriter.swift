import Foundation
public import ShipModel

/// A layer as built: what the manifest says of it, and its uncompressed digest.
public struct BuiltLayer: Sendable, Equatable, Codable {
    public var descriptor: Descriptor
    /// The digest of the uncompressed tar (the `diffID` of OCI, `diffIds` of ModelPack).
    public var diffID: Digest
    /// Whether the layer came from the rebuild cache without reading its files.
    public var cached: Bool

    public init(descriptor: Descriptor, diffID: Digest, cached: Bool) {
        self.descriptor = descriptor
        self.diffID = diffID
        self.cached = cached
    }
}

/// Where a layer's bytes go: a blob in a layout, or only a hash (`--dry-run`).
protocol BlobSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func commit() throws -> (Digest, Int64)
    func abort()
}

extension BlobWriter: BlobSink {
    func commit() throws -> (Digest, Int64) { try commit(expecting: nil) }
}

/// Hashes and counts without storing anything.
final class HashingSink: BlobSink {
    private var hasher = SHA256Hasher()
    private var size: Int64 = 0

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        size += Int64(bytes.count)
    }

    func commit() throws -> (Digest, Int64) { (Digest(sha256: hasher.finalize()), size) }
    func abort() {}
}

/// What compresses a layer's tar stream.
protocol Compressing: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func finish() throws
}

extension StreamCompressor: Compressing {}
extension ParallelCompressor: Compressing {}

/// Writes the tar of one layer in a single pass over its files: tar framing, the diffID hash,
/// compression and the blob hash all happen as the bytes stream through.
enum LayerWriter {
    /// Tar entries are owned by root, with modes 0644/0755 and one fixed mtime.
    struct Settings: Sendable {
        var compression: LayerCompression
        var mtime: Date
        /// Prepended to every path inside the tar (`models/` for a modelcar image).
        var pathPrefix: String
    }

    static func write(
        _ plan: LayerPlan, settings: Settings, to sink: any BlobSink,
        progress: (Int64) -> Void
    ) throws -> (digest: Digest, diffID: Digest, size: Int64) {
        // Uncompressed, the blob is the tar: its digest is the diffID, hashed once. Compressed,
        // the tar is hashed on another core while this one compresses and writes.
        let diffHasher: BackgroundHasher? = settings.compression == .none ? nil : BackgroundHasher()
        do {
            let compressor: (any Compressing)?
            switch settings.compression {
            case .none: compressor = nil
            case .gzip:
                compressor = ParallelCompressor(gzipLevel: 1) { try sink.write($0) }
            case .zstd:
                // Single-threaded: as fast here for weights (which barely compress), the same
                // bytes as TarWriter's zstd, and zstd's workers would cost ~20 MiB of memory.
                compressor = try StreamCompressor(.zstd(level: 1)) {
                    try sink.write($0)
                }
            }
            let tar = try TarWriter(compression: .none) { bytes in
                diffHasher?.update(bytes)
                if let compressor {
                    try compressor.write(bytes)
                } else {
                    try sink.write(bytes)
                }
            }
            var directories: Set<String> = []
            func addParents(of path: String) throws {
                var parents: [String] = []
                var parent = LayerPlan.parent(path)
                while !parent.isEmpty, !directories.contains(parent) {
                    parents.append(parent)
                    parent = LayerPlan.parent(parent)
                }
                for directory in parents.reversed() {
                    directories.insert(directory)
                    try tar.addDirectory(path: directory, mode: 0o755, mtime: settings.mtime)
                }
            }
            for file in plan.files {
                let path = settings.pathPrefix + file.path
                try addParents(of: path)
                try tar.addFile(
                    path: path, from: file.sourcePath, mode: file.mode, mtime: settings.mtime)
                progress(file.size)
            }
            try tar.finish()
            try compressor?.finish()
            let (digest, size) = try sink.commit()
            return (digest, diffHasher?.finalize() ?? digest, size)
        } catch {
            sink.abort()
            throw error
        }
    }
}
