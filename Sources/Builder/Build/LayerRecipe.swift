public import ShipModel

/// How to make a layer's bytes again, exactly: its plan and tar settings. A build to a registry
/// computes every digest first without writing a blob, then streams only the layers the
/// registry lacks, made a second time from their recipes.
public struct LayerRecipe: Sendable {
    let plan: LayerPlan
    let settings: LayerWriter.Settings
    /// The digest and size the first pass computed.
    public let digest: Digest
    public let size: Int64

    /// Streams the layer's bytes to `body`, then checks that they are the bytes the first pass
    /// hashed.
    ///
    /// - Throws: what `body` throws; ``LayoutError`` when a model file changed in between, or
    ///   cannot be read.
    public func write(to body: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        let result = try LayerStream(index: 0, plan: plan, settings: settings).write(to: body)
        guard result.digest == digest, result.size == size else {
            throw LayoutError(
                path: plan.files.first?.sourcePath ?? ".",
                reason:
                    "the model changed while it was being pushed: the layer is now \(result.digest.map(\.description) ?? "?"), it was \(digest)"
            )
        }
    }
}

/// Hands a layer's bytes on as they are made, hashing them (or only counting them: the
/// digest it then commits is the empty input's, and nobody reads it).
final class StreamingSink: BlobSink {
    private let body: (UnsafeRawBufferPointer) throws -> Void
    private let hashing: Bool
    private var hasher = SHA256Hasher()
    private var size: Int64 = 0

    init(_ body: @escaping (UnsafeRawBufferPointer) throws -> Void, hashing: Bool = true) {
        self.body = body
        self.hashing = hashing
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if hashing { hasher.update(bytes) }
        size += Int64(bytes.count)
        try body(bytes)
    }

    func commit() throws -> (Digest, Int64) { (Digest(sha256: hasher.finalize()), size) }
    func abort() {}
}
