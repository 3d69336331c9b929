public import ShipModel

/// A layer whose bytes can be made before its digest is known: a build to a registry starts
/// uploading a large layer while the first pass is still hashing it.
public struct LayerStream: Sendable {
    /// The layer's place in the build's plan.
    public let index: Int
    let plan: LayerPlan
    let settings: LayerWriter.Settings

    /// A size the layer is at least: the bytes of its files when it is an uncompressed tar,
    /// nil when compression makes the size unknowable before the bytes are made.
    public var minimumSize: Int64? {
        guard settings.compression == .none else { return nil }
        return plan.files.reduce(Int64(0)) { $0 + $1.size }
    }

    /// Makes the layer's bytes and hands them to `body` as they come; returns their size and,
    /// when `hashing`, their digest. An upload whose registry checks the digest it is given
    /// need not hash the bytes again.
    public func write(
        to body: @escaping (UnsafeRawBufferPointer) throws -> Void, hashing: Bool = true
    ) throws -> (digest: Digest?, size: Int64) {
        let result = try LayerWriter.write(
            plan, settings: settings, to: StreamingSink(body, hashing: hashing),
            progress: { _ in })
        return (hashing ? result.digest : nil, result.size)
    }
}

/// Told about each layer a build hashes: before its bytes are read (with a way to make them)
/// and after (with its descriptor). Called on the building thread; cached layers are skipped.
public protocol LayerObserver: Sendable {
    func layerStarting(_ layer: LayerStream)
    func layerFinished(_ index: Int, _ descriptor: Descriptor)
}
