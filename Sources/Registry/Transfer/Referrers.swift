public import Builder
public import Foundation
public import ShipModel

/// An artifact that refers to another manifest (its `subject`): a validation report, a
/// blessing, a signature. OCI 1.1: an image manifest with an `artifactType`, the empty config,
/// one layer per file.
public struct ReferrerArtifact: Sendable {
    public var artifactType: MediaType
    public var files: [File]
    public var annotations: [String: String]

    public struct File: Sendable {
        /// The file's name, recorded as `org.opencontainers.image.title`.
        public var name: String
        public var mediaType: MediaType
        public var data: Data

        public init(name: String, mediaType: MediaType, data: Data) {
            self.name = name
            self.mediaType = mediaType
            self.data = data
        }
    }

    public init(artifactType: MediaType, files: [File], annotations: [String: String] = [:]) {
        self.artifactType = artifactType
        self.files = files
        self.annotations = annotations
    }

    /// The empty JSON config (`{}`) the image spec prescribes for artifacts without one.
    public static let emptyConfig = Data("{}".utf8)

    /// The manifest that refers to `subject`, and its blobs (the empty config, then the
    /// files). The same inputs give the same bytes.
    public func manifest(subject: Descriptor) throws -> (data: Data, blobs: [(Descriptor, Data)]) {
        let config = Descriptor(
            mediaType: .emptyJSON, digest: Digest(sha256: SHA256Hasher.hash(Self.emptyConfig)),
            size: 2)
        var blobs: [(Descriptor, Data)] = [(config, Self.emptyConfig)]
        for file in files {
            var descriptor = Descriptor(
                mediaType: file.mediaType, digest: Digest(sha256: SHA256Hasher.hash(file.data)),
                size: Int64(file.data.count))
            descriptor.annotations = [AnnotationKey.title: file.name]
            blobs.append((descriptor, file.data))
        }
        var subjectReference = subject
        subjectReference.annotations = nil
        subjectReference.artifactType = nil
        let manifest = Manifest(
            artifactType: artifactType, config: config, layers: blobs.dropFirst().map(\.0),
            subject: subjectReference, annotations: annotations.isEmpty ? nil : annotations)
        return (try CanonicalJSON.encode(manifest), blobs)
    }
}

/// Attaching and listing referrers in a registry: the referrers API where the registry has
/// it, else the distribution spec's fallback, an index under the tag `sha256-<hex>`.
public struct ReferrersClient: Sendable {
    public let repository: RemoteRepository

    public init(repository: RemoteRepository) { self.repository = repository }

    /// The fallback tag of a subject: `sha256-<hex>`.
    public static func fallbackTag(_ subject: Digest) -> String {
        "\(subject.algorithm)-\(subject.encoded)"
    }

    /// Pushes `artifact` as a referrer of `subject` and returns its descriptor. When the
    /// registry does not confirm the subject (`OCI-Subject`), the fallback index is updated.
    @discardableResult
    public func attach(_ artifact: ReferrerArtifact, to subject: Descriptor) throws -> Descriptor {
        try repository.checkAPI(forPush: true)
        let (data, blobs) = try artifact.manifest(subject: subject)
        for (descriptor, bytes) in blobs
        where try repository.blobSize(descriptor.digest, forPush: true) != descriptor.size {
            try repository.upload(descriptor.digest, size: descriptor.size, from: .data(bytes))
        }
        var descriptor = Descriptor(
            mediaType: .imageManifest, digest: Digest(sha256: SHA256Hasher.hash(data)),
            size: Int64(data.count))
        descriptor.artifactType = artifact.artifactType
        descriptor.annotations = artifact.annotations.isEmpty ? nil : artifact.annotations
        let confirmed = try repository.putManifestReportingSubject(
            data, mediaType: .imageManifest, reference: descriptor.digest.description)
        if !confirmed { try addToFallbackIndex(descriptor, subject: subject.digest) }
        return descriptor
    }

    private func addToFallbackIndex(_ referrer: Descriptor, subject: Digest) throws {
        let tag = Self.fallbackTag(subject)
        var index = ImageIndex()
        if try repository.manifestDescriptor(tag) != nil {
            let existing = try repository.manifest(tag)
            do {
                index = try JSONDecoder().decode(ImageIndex.self, from: existing.data)
            } catch {
                throw RegistryError(
                    .protocolViolation, "\(repository.display):\(tag) is not an image index")
            }
        }
        guard !index.manifests.contains(where: { $0.digest == referrer.digest }) else { return }
        index.manifests.append(referrer)
        try repository.putManifest(
            try CanonicalJSON.encode(index), mediaType: .imageIndex, reference: tag)
    }

    /// The referrers of `subject`, optionally only those of one artifact type: from the
    /// referrers API, else from the fallback tag, else none.
    public func list(_ subject: Digest, artifactType: MediaType? = nil) throws -> [Descriptor] {
        let what = "listing referrers of \(subject) in \(repository.display)"
        var url = repository.session.endpoint.url(repository.name, "referrers/\(subject)")
        if let artifactType {
            url += "?artifactType=\(RegistrySession.formEncode(artifactType.rawValue))"
        }
        let response = try repository.session.send(
            HTTPRequest(.get, url: url, headers: ["Accept": MediaType.imageIndex.rawValue]),
            scopes: [.pull(repository.name)], what: what)
        var found: [Descriptor]
        if response.status == 200 {
            guard let index = try? JSONDecoder().decode(ImageIndex.self, from: response.body) else {
                throw RegistryError(.protocolViolation, "\(what): the answer is not an index")
            }
            found = index.manifests
        } else if response.status == 404 {
            guard try repository.manifestDescriptor(Self.fallbackTag(subject)) != nil else {
                return []
            }
            let fallback = try repository.manifest(Self.fallbackTag(subject))
            found =
                (try? JSONDecoder().decode(ImageIndex.self, from: fallback.data))?.manifests ?? []
        } else {
            throw RegistryError.from(response, what)
        }
        // A registry may ignore the filter (it says so with OCI-Filters-Applied); filter here.
        if let artifactType { found = found.filter { $0.artifactType == artifactType } }
        return found
    }
}

extension ImageLayout {
    /// Stores `artifact` as a referrer of `subject` in the layout: its blobs, and an untagged
    /// entry in `index.json` (as ORAS keeps referrers in a layout). Idempotent.
    @discardableResult
    public func attach(_ artifact: ReferrerArtifact, to subject: Descriptor) throws -> Descriptor {
        let (data, blobs) = try artifact.manifest(subject: subject)
        for (descriptor, bytes) in blobs where !hasBlob(descriptor.digest, size: descriptor.size) {
            _ = try writeBlob(bytes, mediaType: descriptor.mediaType)
        }
        var descriptor = try writeBlob(data, mediaType: .imageManifest)
        descriptor.artifactType = artifact.artifactType
        descriptor.annotations = artifact.annotations.isEmpty ? nil : artifact.annotations
        try addUntagged(descriptor)
        return descriptor
    }

    /// The referrers of `subject` in the layout: manifests in `index.json` whose `subject` is
    /// it.
    public func referrers(of subject: Digest, artifactType: MediaType? = nil) throws
        -> [Descriptor]
    {
        try readIndex().manifests.filter { entry in
            guard entry.mediaType == .imageManifest,
                artifactType == nil || entry.artifactType == artifactType,
                let data = try? readBlob(entry),
                let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
            else { return false }
            return manifest.subject?.digest == subject
        }
    }
}
