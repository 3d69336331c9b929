public import Builder
import Foundation
public import ShipModel

/// What a transfer did, blob by blob.
public struct TransferReport: Sendable, Encodable {
    /// Where the image went (or came from).
    public var reference: String
    /// The root manifest's digest.
    public var digest: Digest
    public var mediaType: MediaType
    /// The tags set.
    public var tags: [String]
    /// Blobs in the image.
    public var blobs: Int
    /// Blobs sent or fetched, and their bytes.
    public var transferred: Int
    public var transferredBytes: Int64
    /// Blobs the other side already had.
    public var skipped: Int
    /// Blobs mounted from another repository of the same registry.
    public var mounted: Int
    /// Manifests written.
    public var manifests: Int

    public init(
        reference: String, digest: Digest, mediaType: MediaType, tags: [String], blobs: Int,
        transferred: Int, transferredBytes: Int64, skipped: Int, mounted: Int, manifests: Int
    ) {
        self.reference = reference
        self.digest = digest
        self.mediaType = mediaType
        self.tags = tags
        self.blobs = blobs
        self.transferred = transferred
        self.transferredBytes = transferredBytes
        self.skipped = skipped
        self.mounted = mounted
        self.manifests = manifests
    }
}

/// One step of a transfer, for progress displays.
public enum TransferEvent: Sendable {
    case started(blobs: Int, bytes: Int64)
    case bytes(Int64)
    case blobDone(Descriptor, how: String)
}

/// Pushes an image from an OCI layout to a repository: blobs in parallel (skipping those the
/// registry has, mounting those another repository of it has), then the manifests, children
/// first, then the tags, so a tag only ever names complete content.
public struct Pusher: Sendable {
    public let repository: RemoteRepository
    /// Parallel blob transfers.
    public let jobs: Int
    /// Repositories of the same registry to try mounting missing blobs from.
    public let mountFrom: [String]
    /// Where blobs were seen before: more repositories to mount from, and updated after.
    public let locations: BlobLocations?
    public let events: (@Sendable (TransferEvent) -> Void)?
    /// Blobs an ``AheadUploads`` sent while the image was built (digest → size): counted as
    /// sent, not as found.
    public var sentAhead: [Digest: Int64] = [:]

    public init(
        repository: RemoteRepository, jobs: Int = 4, mountFrom: [String] = [],
        locations: BlobLocations? = nil, events: (@Sendable (TransferEvent) -> Void)? = nil
    ) {
        self.repository = repository
        self.jobs = max(1, jobs)
        self.mountFrom = mountFrom.filter { $0 != repository.name }
        self.locations = locations
        self.events = events
    }

    /// Pushes the image `root` of `layout`, tagging it with each of `tags` (none: by digest).
    public func push(
        from layout: ImageLayout, root: Descriptor, tags: [String]
    ) throws -> TransferReport {
        let graph = try ImageGraph.walk(root) { descriptor in
            do {
                return try layout.readBlob(descriptor)
            } catch let error as LayoutError {
                throw RegistryError(.configuration, error.description)
            }
        }
        return try push(graph, tags: tags) { blob in
            let path = layout.blobPath(blob.digest)
            guard layout.hasBlob(blob.digest, size: blob.size) else {
                throw RegistryError(
                    .configuration,
                    "\(path): missing or not \(blob.size) bytes; the layout is incomplete")
            }
            return .file(.init(path: path, offset: 0, length: blob.size))
        }
    }

    /// Pushes a walked image whose blobs `source` provides.
    public func push(
        _ graph: ImageGraph, tags: [String],
        source: (Descriptor) throws -> RemoteRepository.BlobSource
    ) throws -> TransferReport {
        guard let root = graph.root else {
            throw RegistryError(.configuration, "nothing to push: the image has no manifest")
        }
        try repository.checkAPI(forPush: true)
        events?(.started(blobs: graph.blobs.count, bytes: graph.blobBytes))
        let counts = Counts()
        try withoutActuallyEscaping(source) { source in
            try Parallel.forEach(graph.blobs, jobs: jobs) { blob in
                switch try placeWithoutSending(blob) {
                case .exists? where sentAhead[blob.digest] == blob.size:
                    counts.add(transferred: 1, bytes: blob.size)
                    events?(.blobDone(blob, how: "pushed while it was built"))
                    return
                case .exists?:
                    counts.add(skipped: 1)
                    events?(.blobDone(blob, how: "exists"))
                    return
                case .mounted(let other)?:
                    counts.add(mounted: 1)
                    events?(.blobDone(blob, how: "mounted from \(other)"))
                    return
                case nil:
                    break
                }
                try repository.upload(
                    blob.digest, size: blob.size, from: try source(blob),
                    progress: { events?(.bytes($0)) })
                locations?.record(
                    blob.digest, on: repository.session.endpoint.host, in: repository.name)
                counts.add(transferred: 1, bytes: blob.size)
                events?(.blobDone(blob, how: "pushed"))
            }
        }
        var manifests = 0
        for node in graph.manifests.dropLast() {
            if try repository.manifestDescriptor(node.descriptor.digest.description)?.digest
                == node.descriptor.digest
            {
                continue
            }
            try repository.putManifest(
                node.data, mediaType: node.descriptor.mediaType,
                reference: node.descriptor.digest.description)
            manifests += 1
        }
        manifests += try pushRoot(root, tags: tags)
        return TransferReport(
            reference: repository.display, digest: root.descriptor.digest,
            mediaType: root.descriptor.mediaType, tags: tags, blobs: graph.blobs.count,
            transferred: counts.transferred, transferredBytes: counts.bytes,
            skipped: counts.skipped, mounted: counts.mounted, manifests: manifests)
    }

    /// How a blob got into the repository without being sent.
    enum Placement: Equatable {
        case exists
        case mounted(from: String)
    }

    /// Whether the repository has `blob` without sending it: it already does, or a mount from
    /// another repository of the registry worked. Records where the blob is for later mounts.
    func placeWithoutSending(_ blob: Descriptor) throws -> Placement? {
        let host = repository.session.endpoint.host
        if let size = try repository.blobSize(blob.digest, forPush: true),
            size == blob.size || size < 0
        {
            locations?.record(blob.digest, on: host, in: repository.name)
            return .exists
        }
        let known = locations?.repositories(holding: blob.digest, on: host) ?? []
        var candidates = mountFrom
        for other in known where other != repository.name && !candidates.contains(other) {
            candidates.append(other)
        }
        for other in candidates where try repository.mount(blob.digest, from: other) {
            locations?.record(blob.digest, on: host, in: repository.name)
            return .mounted(from: other)
        }
        return nil
    }

    /// Puts the root manifest under each tag, skipping tags that already name it. Uses one
    /// request with `?tag=` for the rest when the registry confirms them with `OCI-Tag`.
    private func pushRoot(_ root: ImageGraph.Node, tags: [String]) throws -> Int {
        let digest = root.descriptor.digest
        var missing: [String] = []
        for tag in tags where try repository.manifestDescriptor(tag)?.digest != digest {
            missing.append(tag)
        }
        if tags.isEmpty {
            if try repository.manifestDescriptor(digest.description)?.digest == digest {
                return 0
            }
            try repository.putManifest(
                root.data, mediaType: root.descriptor.mediaType, reference: digest.description)
            return 1
        }
        guard let first = missing.first else { return 0 }
        let confirmed = try repository.putManifest(
            root.data, mediaType: root.descriptor.mediaType,
            reference: missing.count > 1 ? digest.description : first,
            extraTags: missing.count > 1 ? missing : [])
        var puts = 1
        let remaining = missing.count > 1 ? missing.filter { !confirmed.contains($0) } : []
        for tag in remaining {
            try repository.putManifest(
                root.data, mediaType: root.descriptor.mediaType, reference: tag)
            puts += 1
        }
        return puts
    }

    /// Counters shared by the transfer threads. `@unchecked Sendable`: every field is read and
    /// written under `lock`.
    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var values = (transferred: 0, bytes: Int64(0), skipped: 0, mounted: 0)

        func add(transferred: Int = 0, bytes: Int64 = 0, skipped: Int = 0, mounted: Int = 0) {
            lock.withLock {
                values.transferred += transferred
                values.bytes += bytes
                values.skipped += skipped
                values.mounted += mounted
            }
        }

        var transferred: Int { lock.withLock { values.transferred } }
        var bytes: Int64 { lock.withLock { values.bytes } }
        var skipped: Int { lock.withLock { values.skipped } }
        var mounted: Int { lock.withLock { values.mounted } }
    }
}
