import Foundation
public import ShipModel

/// A base image read from a layout: its manifest, config and where its blobs are.
public struct BaseImage: Sendable {
    public var layout: ImageLayout
    public var reference: String
    public var manifestDescriptor: Descriptor
    public var manifest: Manifest
    public var config: ImageConfig

    /// Reads `tag` from `layout`, choosing the linux/amd64 image of a multi-platform index.
    public static func read(_ layout: ImageLayout, tag: String?, reference: String) throws
        -> BaseImage
    {
        var descriptor = try layout.resolve(tag)
        if descriptor.mediaType == .imageIndex || descriptor.mediaType == .dockerManifestList {
            let index = try CanonicalJSON.decode(ImageIndex.self, from: layout.readBlob(descriptor))
            guard
                let chosen = index.manifests.first(where: {
                    $0.platform?.os == "linux" && $0.platform?.architecture == "amd64"
                }) ?? (index.manifests.count == 1 ? index.manifests.first : nil)
            else {
                throw LayoutError(
                    path: layout.root,
                    reason: "\(reference) is a multi-platform index with no linux/amd64 image")
            }
            descriptor = chosen
        }
        let manifest = try CanonicalJSON.decode(Manifest.self, from: layout.readBlob(descriptor))
        guard
            manifest.config.mediaType == .imageConfig || manifest.config.mediaType == .dockerConfig
        else {
            throw LayoutError(
                path: layout.root,
                reason:
                    "\(reference) is not a runnable image (its config is \(manifest.config.mediaType))"
            )
        }
        let config = try CanonicalJSON.decode(
            ImageConfig.self, from: layout.readBlob(manifest.config))
        return BaseImage(
            layout: layout, reference: reference, manifestDescriptor: descriptor,
            manifest: manifest,
            config: config)
    }
}

/// Packages a model as a runnable image for KServe's modelcar or a Kubernetes image volume:
/// the base image's layers, then the model in layers of its own, reached at `/models`.
///
/// Where the model's top-level names do not clash with a root directory of an image (`bin`,
/// `etc`, ...), its layers are the ModelPack artifact's own tars, byte for byte, with the
/// files at the image's root, and one more tiny layer makes `/models` a relative link to `.`:
/// a layout or registry holding both the artifact and the image stores each weight once, and
/// `/models/FILE` (also through `/proc/PID/root/models`, as KServe's sidecar links it) is the
/// file. Otherwise the files go under `models/` in the tars.
public enum ModelcarPackager {
    /// Where the model's files are in the image.
    public static let modelDirectory = "/models"

    /// Names at an image's root that model files must not take (the FHS, and `models`).
    static let reservedRootNames: Set<String> = [
        "bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt",
        "opt", "proc", "root", "run", "sbin", "srv", "sys", "tmp", "usr", "var", "models",
    ]

    /// Whether the model's layers can be the ModelPack artifact's (files at the image root).
    static func sharesLayers(_ model: ModelDirectory) -> Bool {
        model.files.allSatisfy { file in
            let top = file.path.split(separator: "/").first.map(String.init) ?? file.path
            return !reservedRootNames.contains(top)
        }
    }

    /// The layer that makes `/models` a link to the image root: `models -> .`.
    static func linkLayer(mtime: Date) throws -> Data {
        var data = Data()
        let tar = try TarWriter(compression: .none) { data.append(contentsOf: $0) }
        try tar.addSymlink(path: "models", target: ".", mtime: mtime)
        try tar.finish()
        return data
    }

    public static func build(
        _ model: ModelDirectory, base: BaseImage?, into layout: ImageLayout?, options: BuildOptions,
        progress: (BuildProgress) -> Void = { _ in }
    ) throws -> BuildResult {
        var baseLayers: [Descriptor] = []
        if let base {
            for layer in base.manifest.layers {
                var copied = layer
                if copied.mediaType == .dockerLayerGzip { copied.mediaType = .layerGzip }
                if let layout, !options.dryRun, !layout.hasBlob(layer.digest, size: layer.size) {
                    try layout.copyBlob(layer, from: base.layout)
                }
                baseLayers.append(copied)
            }
        }
        let shared = sharesLayers(model)
        var extraBlobs: [Digest: Data] = [:]
        var linkDiffIDs: [String] = []
        if shared {
            let link = try linkLayer(mtime: options.entryTime)
            let descriptor = try ModelPackager.store(
                link, mediaType: .layer, in: layout, dryRun: options.dryRun)
            var annotated = descriptor
            annotated.annotations = [AnnotationKey.title: "models"]
            baseLayers.append(annotated)
            extraBlobs[descriptor.digest] = link
            linkDiffIDs.append(descriptor.digest.description)
        }
        let settings = LayerWriter.Settings(
            compression: options.compression, mtime: options.entryTime,
            pathPrefix: shared ? "" : "models/")
        let built = try LayerBuilding.buildLayers(
            model, settings: settings, into: layout, options: options, progress: progress
        ) { _ in
            MediaType.layer.compressed(options.compression)
        } annotate: { plan in
            // The file a one-file layer holds, or the directory a shared layer's files are in.
            [AnnotationKey.title: plan.filePath == "." ? "models/" : "models/" + plan.filePath]
        }

        let created = Timestamp.rfc3339(options.created)
        var config =
            base?.config
            ?? ImageConfig(
                created: nil, author: nil, architecture: "amd64", os: "linux", variant: nil,
                config: nil, rootfs: .init(diffIDs: []), history: [])
        config.created = created
        config.rootfs.diffIDs += linkDiffIDs + built.layers.map(\.diffID.description)
        var history = config.history ?? []
        if shared {
            history.append(.init(created: created, createdBy: "shipml build: LINK /models -> /"))
        }
        for layer in built.layers {
            let path = layer.descriptor.annotations?[AnnotationKey.title] ?? "models/"
            let target = shared ? String(path.dropFirst("models/".count)) : path
            history.append(
                .init(created: created, createdBy: "shipml build: COPY \(path) /\(target)"))
        }
        config.history = history
        var settingsBlock = config.config ?? ImageConfig.Settings()
        var env = settingsBlock.env ?? []
        env.removeAll { $0.hasPrefix("MODEL_PATH=") }
        env.append("MODEL_PATH=\(modelDirectory)")
        settingsBlock.env = env
        var labels = settingsBlock.labels ?? [:]
        labels[AnnotationKey.title] = options.modelName
        labels[AnnotationKey.version] = options.version
        labels[AnnotationKey.created] = created
        if let revision = options.revision { labels[AnnotationKey.revision] = revision }
        if let source = options.source { labels[AnnotationKey.source] = source }
        settingsBlock.labels = labels
        config.config = settingsBlock

        let configData = try CanonicalJSON.encode(config)
        let configDescriptor = try ModelPackager.store(
            configData, mediaType: .imageConfig, in: layout, dryRun: options.dryRun)
        var annotations = ModelPackager.manifestAnnotations(options)
        if let base {
            annotations[AnnotationKey.baseName] = base.reference
            annotations[AnnotationKey.baseDigest] = base.manifestDescriptor.digest.description
        }
        let manifest = Manifest(
            config: configDescriptor, layers: baseLayers + built.layers.map(\.descriptor),
            annotations: annotations)
        let manifestData = try CanonicalJSON.encode(manifest)
        let manifestDescriptor = try ModelPackager.store(
            manifestData, mediaType: .imageManifest, in: layout, dryRun: options.dryRun)
        var result = BuildResult(
            manifest: manifest, manifestDescriptor: manifestDescriptor, layers: built.layers,
            bytesRead: built.bytesRead, configData: configData, manifestData: manifestData,
            recipes: built.recipes)
        result.extraBlobs = extraBlobs
        if let base {
            for layer in base.manifest.layers {
                result.baseBlobs[layer.digest] = base.layout.blobPath(layer.digest)
            }
        }
        return result
    }
}
