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
        let sink = StreamingSink(body)
        let result = try LayerWriter.write(plan, settings: settings, to: sink) { _ in }
        guard result.digest == digest, result.size == size else {
            throw LayoutError(
                path: plan.files.first?.sourcePath ?? ".",
                reason:
                    "the model changed while it was being pushed: the layer is now \(result.digest), it was \(digest)"
            )
        }
    }
}

/// Hands a layer's bytes on as they are made, hashing them.
final class StreamingSink: BlobSink {
    private let body: (UnsafeRawBufferPointer) throws -> Void
    private var hasher = SHA256Hasher()
    private var size: Int64 = 0

    init(_ body: @escaping (UnsafeRawBufferPointer) throws -> Void) { self.body = body }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        size += Int64(bytes.count)
        try body(bytes)
    }

    func commit() throws -> (Digest, Int64) { (Digest(sha256: hasher.finalize()), size) }
    func abort() {}
}
