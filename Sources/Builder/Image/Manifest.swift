public import Foundation
public import ShipModel

/// An OCI image manifest: a config blob and layers, or an artifact with an `artifactType`.
public struct Manifest: Codable, Sendable, Equatable {
    public var schemaVersion: Int = 2
    public var mediaType: MediaType = .imageManifest
    public var artifactType: MediaType?
    public var config: Descriptor
    public var layers: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?

    public init(
        artifactType: MediaType? = nil, config: Descriptor, layers: [Descriptor],
        subject: Descriptor? = nil, annotations: [String: String]? = nil
    ) {
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, mediaType, artifactType, config, layers, subject, annotations
    }

    /// Decodes a manifest another tool wrote: `mediaType` is only a SHOULD in the image spec.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decodeIfPresent(Int.self, forKey: .schemaVersion) ?? 2
        mediaType =
            try container.decodeIfPresent(MediaType.self, forKey: .mediaType) ?? .imageManifest
        artifactType = try container.decodeIfPresent(MediaType.self, forKey: .artifactType)
        config = try container.decode(Descriptor.self, forKey: .config)
        layers = try container.decodeIfPresent([Descriptor].self, forKey: .layers) ?? []
        subject = try container.decodeIfPresent(Descriptor.self, forKey: .subject)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
    }
}

/// An OCI image index: the `index.json` of a layout, or a multi-platform image.
public struct ImageIndex: Codable, Sendable, Equatable {
    public var schemaVersion: Int = 2
    public var mediaType: MediaType? = .imageIndex
    public var manifests: [Descriptor]
    public var annotations: [String: String]?

    public init(manifests: [Descriptor] = [], annotations: [String: String]? = nil) {
        self.manifests = manifests
        self.annotations = annotations
    }
}

/// The annotation keys shipml writes and reads.
public enum AnnotationKey {
    public static let refName = "org.opencontainers.image.ref.name"
    public static let created = "org.opencontainers.image.created"
    public static let version = "org.opencontainers.image.version"
    public static let revision = "org.opencontainers.image.revision"
    public static let source = "org.opencontainers.image.source"
    public static let title = "org.opencontainers.image.title"
    public static let description = "org.opencontainers.image.description"
    public static let licenses = "org.opencontainers.image.licenses"
    public static let authors = "org.opencontainers.image.authors"
    public static let baseName = "org.opencontainers.image.base.name"
    public static let baseDigest = "org.opencontainers.image.base.digest"
    /// ModelPack: the file (or directory) a layer holds, relative to the model's root.
    public static let modelFilePath = "org.cncf.model.filepath"
    /// ModelPack: JSON of the file's name, mode, uid, gid, size, mtime and tar typeflag.
    public static let modelFileMetadata = "org.cncf.model.file.metadata+json"
    /// ModelPack: "true" when the layer's media type was guessed from the file's name.
    public static let modelFileMediaTypeUntested = "org.cncf.model.file.mediatype.untested"
    public static let shipmlModelName = "dev.shipml.model.name"
    public static let shipmlModelVersion = "dev.shipml.model.version"
}

/// JSON as shipml writes it into blobs: keys sorted, no escaped slashes, so the same value
/// always gives the same bytes and the same digest.
public enum CanonicalJSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}
