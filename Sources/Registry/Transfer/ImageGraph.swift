import Builder
public import Foundation
public import ShipModel

/// An image's content in push order: the blobs (configs and layers), then the manifests with
/// every child before its index, so a registry never holds a manifest whose content is missing.
public struct ImageGraph: Sendable {
    /// A manifest or index and its bytes.
    public struct Node: Sendable {
        public var descriptor: Descriptor
        public var data: Data

        public init(descriptor: Descriptor, data: Data) {
            self.descriptor = descriptor
            self.data = data
        }
    }

    /// Every distinct blob that is not a manifest.
    public var blobs: [Descriptor] = []
    /// Manifests, children before parents; the last is the root.
    public var manifests: [Node] = []

    public var root: Node? { manifests.last }

    /// A graph of one manifest and its blobs, as a build made them.
    public init(blobs: [Descriptor] = [], manifests: [Node] = []) {
        self.blobs = blobs
        self.manifests = manifests
    }

    /// Every byte the blobs hold.
    public var blobBytes: Int64 { blobs.reduce(0) { $0 + $1.size } }

    /// Walks an image from its root, reading each manifest with `read`.
    ///
    /// - Throws: ``RegistryError`` `.protocolViolation` when a manifest cannot be decoded,
    ///   and whatever `read` throws.
    public static func walk(
        _ root: Descriptor, read: (Descriptor) throws -> Data
    ) throws -> ImageGraph {
        var graph = ImageGraph()
        var seenBlobs: Set<Digest> = []
        var seenManifests: Set<Digest> = []
        func visit(_ descriptor: Descriptor, depth: Int) throws {
            guard depth < 8 else {
                throw RegistryError(
                    .protocolViolation, "\(descriptor.digest): indexes nested too deeply")
            }
            guard seenManifests.insert(descriptor.digest).inserted else { return }
            let data = try read(descriptor)
            if isIndex(descriptor.mediaType, data) {
                let index: ImageIndex
                do {
                    index = try JSONDecoder().decode(ImageIndex.self, from: data)
                } catch {
                    throw RegistryError(
                        .protocolViolation, "index \(descriptor.digest) does not decode: \(error)")
                }
                for child in index.manifests { try visit(child, depth: depth + 1) }
            } else {
                let manifest: Manifest
                do {
                    manifest = try JSONDecoder().decode(Manifest.self, from: data)
                } catch {
                    throw RegistryError(
                        .protocolViolation,
                        "manifest \(descriptor.digest) does not decode: \(error)")
                }
                for blob in [manifest.config] + manifest.layers
                where seenBlobs.insert(blob.digest).inserted {
                    graph.blobs.append(blob)
                }
            }
            var node = descriptor
            node.annotations = nil
            graph.manifests.append(Node(descriptor: node, data: data))
        }
        try visit(root, depth: 0)
        return graph
    }

    public static func isIndex(_ mediaType: MediaType, _ data: Data) -> Bool {
        if mediaType == .imageIndex || mediaType == .dockerManifestList { return true }
        if mediaType == .imageManifest || mediaType == .dockerManifest { return false }
        struct Sniff: Decodable { var manifests: [Descriptor]? }
        return (try? JSONDecoder().decode(Sniff.self, from: data))?.manifests != nil
    }
}
