public import Builder
import Foundation
import ShipModel

/// Pulls an image from a repository into an OCI layout. Every blob is written under a
/// temporary name, checked against its digest and size, and only then renamed into place; the
/// tag in `index.json` is set last, when everything it names is there.
public struct Puller: Sendable {
    public let repository: RemoteRepository
    public let jobs: Int
    /// Records where each blob was seen, for later mounts.
    public let locations: BlobLocations?
    public let events: (@Sendable (TransferEvent) -> Void)?

    public init(
        repository: RemoteRepository, jobs: Int = 4, locations: BlobLocations? = nil,
        events: (@Sendable (TransferEvent) -> Void)? = nil
    ) {
        self.repository = repository
        self.jobs = max(1, jobs)
        self.locations = locations
        self.events = events
    }

    /// Pulls `reference` (a tag or a digest) into `layout` and names it `tag` in `index.json`
    /// (with no tag, the content is stored but not named).
    public func pull(
        _ reference: String, into layout: ImageLayout, tag: String?
    ) throws -> TransferReport {
        try repository.checkAPI()
        let top = try repository.manifest(reference)
        var fetched: [Digest: Data] = [top.digest: top.data]
        let graph = try ImageGraph.walk(top.descriptor) { descriptor in
            if let data = fetched[descriptor.digest] { return data }
            let manifest = try repository.manifest(descriptor.digest.description)
            guard manifest.data.count == descriptor.size else {
                throw RegistryError(
                    .digestMismatch,
                    "manifest \(descriptor.digest) has \(manifest.data.count) bytes, its index says \(descriptor.size)"
                )
            }
            fetched[descriptor.digest] = manifest.data
            return manifest.data
        }
        events?(.started(blobs: graph.blobs.count, bytes: graph.blobBytes))
        let counts = Pusher.Counts()
        try Parallel.forEach(graph.blobs, jobs: jobs) { blob in
            locations?.record(
                blob.digest, on: repository.session.endpoint.host, in: repository.name)
            if layout.hasBlob(blob.digest, size: blob.size) {
                counts.add(skipped: 1)
                events?(.blobDone(blob, how: "exists"))
                return
            }
            try fetch(blob, into: layout)
            counts.add(transferred: 1, bytes: blob.size)
            events?(.blobDone(blob, how: "pulled"))
        }
        for node in graph.manifests {
            do {
                let written = try layout.writeBlob(node.data, mediaType: node.descriptor.mediaType)
                guard written.digest == node.descriptor.digest else {
                    throw RegistryError(
                        .digestMismatch, "manifest \(node.descriptor.digest) changed while stored")
                }
            } catch let error as LayoutError {
                throw RegistryError(.configuration, error.description)
            }
        }
        let root = top.descriptor
        if let tag {
            do {
                try layout.tag(root, as: tag)
            } catch let error as LayoutError {
                throw RegistryError(.configuration, error.description)
            }
        }
        return TransferReport(
            reference: "oci:\(layout.root)\(tag.map { ":\($0)" } ?? "")", digest: root.digest,
            mediaType: root.mediaType, tags: tag.map { [$0] } ?? [], blobs: graph.blobs.count,
            transferred: counts.transferred, transferredBytes: counts.bytes,
            skipped: counts.skipped, mounted: 0, manifests: graph.manifests.count)
    }

    private func fetch(_ blob: Descriptor, into layout: ImageLayout) throws {
        let holder = WriterHolder()
        defer { holder.writer?.abort() }
        do {
            try repository.download(
                blob.digest, size: blob.size,
                restart: {
                    holder.writer?.abort()
                    holder.writer = try layout.beginBlob()
                },
                sink: { bytes in
                    events?(.bytes(Int64(bytes.count)))
                    try holder.writer?.write(bytes)
                })
            guard let writer = holder.writer else { return }
            let (digest, size) = try writer.commit(expecting: blob.digest)
            holder.writer = nil
            guard size == blob.size else {
                throw RegistryError(
                    .digestMismatch, "blob \(digest) has \(size) bytes, expected \(blob.size)")
            }
        } catch let error as LayoutError {
            throw RegistryError(
                error.reason.contains("expected") ? .digestMismatch : .configuration,
                "pulling blob \(blob.digest) from \(repository.display): \(error)")
        }
    }

    /// The blob being written by one download. Used by one thread only.
    private final class WriterHolder {
        var writer: BlobWriter?
    }
}
