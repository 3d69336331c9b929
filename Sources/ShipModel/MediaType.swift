/// An OCI media type. Known values are static constants; any valid string can be held.
public struct MediaType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    // OCI image spec
    public static let imageIndex = MediaType("application/vnd.oci.image.index.v1+json")
    public static let imageManifest = MediaType("application/vnd.oci.image.manifest.v1+json")
    public static let imageConfig = MediaType("application/vnd.oci.image.config.v1+json")
    public static let layer = MediaType("application/vnd.oci.image.layer.v1.tar")
    public static let layerGzip = MediaType("application/vnd.oci.image.layer.v1.tar+gzip")
    public static let layerZstd = MediaType("application/vnd.oci.image.layer.v1.tar+zstd")
    public static let emptyJSON = MediaType("application/vnd.oci.empty.v1+json")
    public static let imageLayout = MediaType("application/vnd.oci.layout.header.v1+json")

    // Docker schema 2, read when a base image comes from a Docker registry
    public static let dockerManifest = MediaType(
        "application/vnd.docker.distribution.manifest.v2+json")
    public static let dockerManifestList = MediaType(
        "application/vnd.docker.distribution.manifest.list.v2+json")
    public static let dockerConfig = MediaType("application/vnd.docker.container.image.v1+json")
    public static let dockerLayerGzip = MediaType(
        "application/vnd.docker.image.rootfs.diff.tar.gzip")

    // CNCF ModelPack model-spec
    public static let modelManifest = MediaType("application/vnd.cncf.model.manifest.v1+json")
    public static let modelConfig = MediaType("application/vnd.cncf.model.config.v1+json")
    public static let modelWeight = MediaType("application/vnd.cncf.model.weight.v1.tar")
    public static let modelWeightGzip = MediaType("application/vnd.cncf.model.weight.v1.tar+gzip")
    public static let modelWeightZstd = MediaType("application/vnd.cncf.model.weight.v1.tar+zstd")
    public static let modelWeightConfig = MediaType(
        "application/vnd.cncf.model.weight.config.v1.tar")
    public static let modelDoc = MediaType("application/vnd.cncf.model.doc.v1.tar")
    public static let modelCode = MediaType("application/vnd.cncf.model.code.v1.tar")
    public static let modelDataset = MediaType("application/vnd.cncf.model.dataset.v1.tar")
}
