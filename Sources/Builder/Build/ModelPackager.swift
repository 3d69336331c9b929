public import Foundation
public import ShipModel

/// What to build and how.
public struct BuildOptions: Sendable {
    public var format: PackagingFormat = .modelpack
    public var compression: LayerCompression = .none
    /// The model's name and version (annotations, config descriptor).
    public var modelName: String
    public var version: String
    /// The build time recorded in annotations and configs; never the clock (see ``Provenance``).
    public var created: Date
    /// The mtime of every tar entry: `SOURCE_DATE_EPOCH`, or 0.
    public var entryTime: Date
    public var revision: String?
    public var source: String?
    /// The model's format, if the project says it (`safetensors`, `gguf`, ...).
    public var modelFormat: String?
    /// Free-form metadata: `family`, `architecture`, `paramSize`, `precision`, `quantization`,
    /// `authors`, `licenses`, `description` feed the ModelPack config.
    public var metadata: ConfigValue?
    /// Extra manifest annotations.
    public var annotations: [String: String] = [:]
    /// Compute digests and the manifest, write no blob.
    public var dryRun = false
    /// Where the rebuild cache lives; nil turns it off.
    public var cache: LayerCache?
    /// Told before and after each layer is hashed (a build to a registry uploads ahead).
    public var observer: (any LayerObserver)?

    public init(modelName: String, version: String, created: Date, entryTime: Date) {
        self.modelName = modelName
        self.version = version
        self.created = created
        self.entryTime = entryTime
    }
}

/// What a build made.
public struct BuildResult: Sendable {
    public var manifest: Manifest
    /// The manifest's descriptor, as `index.json` names it.
    public var manifestDescriptor: Descriptor
    public var layers: [BuiltLayer]
    /// Bytes of model files read (cached layers read none).
    public var bytesRead: Int64
    /// The config's and the manifest's bytes (also when a dry run stored neither).
    public var configData: Data
    public var manifestData: Data
    /// How to make each model layer again, by digest.
    public var recipes: [Digest: LayerRecipe]
    /// Where the base image's layers are, by digest (modelcar).
    public var baseBlobs: [Digest: String] = [:]
    /// Small layers made in memory (the modelcar's `/models` link), by digest.
    public var extraBlobs: [Digest: Data] = [:]
}

/// Progress of a build, for a progress line.
public struct BuildProgress: Sendable {
    public var layer: Int
    public var layers: Int
    public var bytesDone: Int64
    public var bytesTotal: Int64
}

/// Packages a scanned model directory as a CNCF ModelPack artifact.
public enum ModelPackager {
    /// Builds the artifact, writing blobs into `layout` (nil with `dryRun`), and returns the
    /// manifest. Tag it with ``ImageLayout/tag(_:as:)``.
    public static func build(
        _ model: ModelDirectory, into layout: ImageLayout?, options: BuildOptions,
        progress: (BuildProgress) -> Void = { _ in }
    ) throws -> BuildResult {
        let settings = LayerWriter.Settings(
            compression: options.compression, mtime: options.entryTime, pathPrefix: "")
        let built = try LayerBuilding.buildLayers(
            model, settings: settings, into: layout, options: options, progress: progress
        ) { plan in
            plan.modelPackMediaType(options.compression)
        } annotate: { plan in
            annotations(for: plan, options: options)
        }
        let layers = built.layers
        let bytesRead = built.bytesRead

        let config = modelPackConfig(model, layers: layers, options: options)
        let configData = try CanonicalJSON.encode(config)
        let configDescriptor = try store(
            configData, mediaType: .modelConfig, in: layout, dryRun: options.dryRun)
        let manifest = Manifest(
            artifactType: .modelManifest, config: configDescriptor,
            layers: layers.map(\.descriptor), annotations: manifestAnnotations(options))
        let manifestData = try CanonicalJSON.encode(manifest)
        let manifestDescriptor = try store(
            manifestData, mediaType: .imageManifest, in: layout, dryRun: options.dryRun)
        var named = manifestDescriptor
        named.artifactType = .modelManifest
        return BuildResult(
            manifest: manifest, manifestDescriptor: named, layers: layers, bytesRead: bytesRead,
            configData: configData, manifestData: manifestData, recipes: built.recipes)
    }

    static func store(_ data: Data, mediaType: MediaType, in layout: ImageLayout?, dryRun: Bool)
        throws -> Descriptor
    {
        if let layout, !dryRun { return try layout.writeBlob(data, mediaType: mediaType) }
        return Descriptor(
            mediaType: mediaType, digest: Digest(sha256: SHA256Hasher.hash(data)),
            size: Int64(data.count))
    }

    /// `org.cncf.model.filepath`, the file metadata, and a title for one-file layers.
    static func annotations(for plan: LayerPlan, options: BuildOptions) -> [String: String] {
        var annotations = [AnnotationKey.modelFilePath: plan.filePath]
        let single = plan.files.count == 1 ? plan.files.first : nil
        let metadata = FileMetadata(
            name: plan.filePath, mode: single?.mode ?? 0o755, uid: 0, gid: 0,
            size: single?.size ?? 0, mtime: Timestamp.rfc3339(options.entryTime),
            typeflag: single == nil ? 53 : 48)
        if let json = try? CanonicalJSON.encode(metadata) {
            annotations[AnnotationKey.modelFileMetadata] = String(decoding: json, as: UTF8.self)
        }
        if plan.isGuess { annotations[AnnotationKey.modelFileMediaTypeUntested] = "true" }
        if let single { annotations[AnnotationKey.title] = single.path }
        return annotations
    }

    /// The ModelPack file metadata annotation's value.
    struct FileMetadata: Codable {
        var name: String
        var mode: UInt32
        var uid: Int
        var gid: Int
        var size: Int64
        var mtime: String
        var typeflag: UInt8
    }

    static func manifestAnnotations(_ options: BuildOptions) -> [String: String] {
        var annotations = options.annotations
        annotations[AnnotationKey.created] = Timestamp.rfc3339(options.created)
        annotations[AnnotationKey.version] = options.version
        annotations[AnnotationKey.title] = options.modelName
        annotations[AnnotationKey.shipmlModelName] = options.modelName
        annotations[AnnotationKey.shipmlModelVersion] = options.version
        if let revision = options.revision { annotations[AnnotationKey.revision] = revision }
        if let source = options.source { annotations[AnnotationKey.source] = source }
        if let licenses = options.metadata.flatMap({ strings($0["licenses"]) }), !licenses.isEmpty {
            annotations[AnnotationKey.licenses] = licenses.joined(separator: " AND ")
        }
        return annotations
    }

    static func modelPackConfig(
        _ model: ModelDirectory, layers: [BuiltLayer], options: BuildOptions
    ) -> ModelPackConfig {
        let metadata = options.metadata
        func text(_ key: String) -> String? {
            switch metadata?[key] {
            case .string(let value)?: return value
            case .int(let value)?: return String(value)
            case .double(let value)?: return String(value)
            default: return nil
            }
        }
        var descriptor = ModelPackConfig.ModelDescriptor()
        descriptor.name = options.modelName
        descriptor.version = options.version
        descriptor.createdAt = Timestamp.rfc3339(options.created)
        descriptor.revision = options.revision
        descriptor.sourceURL = options.source
        descriptor.family = text("family")
        descriptor.authors = metadata.flatMap { strings($0["authors"]) }
        descriptor.licenses = metadata.flatMap { strings($0["licenses"]) }
        descriptor.title = text("title")
        descriptor.description = text("description")
        descriptor.vendor = text("vendor")
        var settings = ModelPackConfig.ModelSettings()
        settings.architecture = text("architecture")
        settings.format = options.modelFormat ?? inferFormat(model)
        settings.paramSize = text("paramSize")
        settings.precision = text("precision")
        settings.quantization = text("quantization")
        return ModelPackConfig(
            descriptor: descriptor, config: settings,
            modelfs: .init(diffIds: layers.map(\.diffID.description)))
    }

    static func strings(_ value: ConfigValue?) -> [String]? {
        switch value {
        case .string(let one)?: return [one]
        case .list(let many)?:
            return many.compactMap {
                if case .string(let text) = $0 { return text } else { return nil }
            }
        default: return nil
        }
    }

    /// The weight format, from the weight files' extensions when they agree.
    static func inferFormat(_ model: ModelDirectory) -> String? {
        let formats = Set(
            model.files.filter { $0.kind == .weight }.compactMap { file -> String? in
                let name = file.path.lowercased()
                if name.hasSuffix(".safetensors") { return "safetensors" }
                if name.hasSuffix(".gguf") { return "gguf" }
                if name.hasSuffix(".onnx") { return "onnx" }
                if name.hasSuffix(".pt") || name.hasSuffix(".pth") || name.hasSuffix(".bin") {
                    return "pytorch"
                }
                return nil
            })
        return formats.count == 1 ? formats.first : nil
    }
}

/// RFC 3339 times in UTC, as OCI annotations and ModelPack configs write them.
public enum Timestamp {
    public static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
