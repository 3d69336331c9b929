public import Builder
import Foundation
public import Registry
import ShipFiles
public import ShipModel

/// Sees a transfer's progress: the command line draws it on one line.
public protocol TransferObserver: Sendable {
    func handle(_ event: TransferEvent)
    func finish()
}

/// `shipml build`: package a model directory as an OCI artifact or image, into a layout or
/// straight to a registry.
public enum BuildService {
    /// What a build is asked; what is left nil comes from the project file when there is one.
    public struct Request: Sendable {
        public var modelDirectory: String?
        /// `oci:PATH[:TAG]` or `HOST/REPO[:TAG]`.
        public var to: String?
        public var format: PackagingFormat?
        public var base: String?
        public var compression: LayerCompression?
        public var name: String?
        public var dryRun = false
        public var noCache = false
        /// fsync or not; nil: `SHIPML_DURABILITY`, else fsync.
        public var durability: Durability?
        /// Refuse to move the version's tag to other bytes, as an immutable tag would
        /// (`shipml release`, unless `--force`).
        public var immutableTag = false
        public var registry: RegistrySettings

        public init(registry: RegistrySettings = RegistrySettings()) {
            self.registry = registry
        }
    }

    /// What a build made.
    public struct Outcome: Sendable {
        public var result: BuildResult
        /// `oci:PATH:TAG` or `HOST/REPO:TAG`; nil for a dry run.
        public var reference: String?
        /// The manifest by digest: `oci:PATH@sha256:…` or `HOST/REPO@sha256:…`.
        public var pinned: String?
        /// What the push sent, for a build to a registry.
        public var pushed: TransferReport?
        /// The tags pushed, for a build to a registry.
        public var pushedTags: [String]
        /// `HOST/REPO` for a build to a registry.
        public var pushedTo: String?
        public var seconds: Double
        public var dryRun: Bool
    }

    /// Builds (and pushes).
    /// - Parameters:
    ///   - project: The project file, when there is one; its model, image and tags are the
    ///     defaults.
    ///   - progress: Each layer's progress while the model is read.
    ///   - transfer: The push's progress, for a build to a registry.
    public static func run(
        _ request: Request, project loaded: LoadedProject?, log: ShipKitLog = .silent,
        progress: @escaping (BuildProgress) -> Void = { _ in },
        transfer: (any TransferObserver)? = nil
    ) throws -> Outcome {
        let project = loaded?.project
        let environment = request.registry.environment
        guard
            let directory = request.modelDirectory
                ?? project.map({ loaded?.resolve($0.model.path) ?? $0.model.path })
        else {
            throw ShipKitError.badInput(
                "name the model directory (shipml build DIR), or run where shipml.yaml is")
        }
        let format = request.format ?? project?.image.format ?? .modelpack
        let baseText = request.base ?? project?.image.base?.description
        if baseText != nil, format != .modelcar {
            throw ShipKitError.badInput("--base is only used with --format modelcar")
        }
        if format == .modelcar, baseText == nil {
            log.warning(
                "without --base the image has no shell: KServe's modelcar sidecar runs sh and ln in it, "
                    + "so it is not KServe-runnable (it still works as a Kubernetes image volume)")
        }
        let version = project?.model.version ?? "latest"
        let destinationText =
            request.to ?? project.map { "\($0.image.repository.description):\(version)" }
        let destination: ImageReference?
        do {
            destination = try destinationText.map { try ImageReference(parsing: $0) }
        } catch {
            throw ShipKitError.badInput("--to: \(error)")
        }
        if destination == nil, !request.dryRun {
            throw ShipKitError.badInput("say where to write: --to oci:PATH:TAG (or --dry-run)")
        }
        var layoutPath: String?
        var tag: String?
        var remote: RegistryReference?
        switch destination {
        case .layout(let path, let layoutTag)?:
            layoutPath = path
            tag = layoutTag ?? version
        case .registry(let reference)?:
            guard reference.digest == nil else {
                throw ShipKitError.badInput(
                    "--to: a build is pushed to a tag (HOST/REPO:TAG), not to a digest")
            }
            remote = reference
            tag = reference.tag ?? version
        case nil:
            break
        }

        let model: ModelDirectory
        do {
            model = try ModelDirectory.scan(directory)
        } catch {
            throw ShipKitError.badInput("\(error)")
        }
        let provenance = try Provenance.detect(modelDirectory: directory, environment: environment)
        let modelName =
            request.name ?? project?.model.name
            ?? ProjectTemplate.modelName(
                fromDirectoryName: (directory as NSString).lastPathComponent)
        var options = BuildOptions(
            modelName: modelName, version: version, created: provenance.created,
            entryTime: provenance.entryTime)
        options.format = format
        options.compression = request.compression ?? project?.image.compression ?? .none
        options.revision = provenance.revision
        options.source = provenance.source
        options.modelFormat = project?.model.format.flatMap { $0 == .other ? nil : $0.rawValue }
        options.metadata = project?.model.metadata
        options.annotations = project?.image.annotations ?? [:]
        // To a registry: the first pass only computes digests; the push makes the missing
        // layers again and streams them, so no layer blob is written to disk.
        options.dryRun = request.dryRun || remote != nil
        if !request.noCache {
            options.cache = LayerCache.defaultDirectory(environment: environment).map(
                LayerCache.init)
        }

        // To a registry, large layers start uploading while the first pass hashes them.
        let display = remote.map { _ in transfer }.flatMap { $0 }
        defer { display?.finish() }
        let pusher = try remote.map { try makePusher(request.registry, to: $0, events: display) }
        let ahead = request.dryRun ? nil : pusher.map { AheadUploads(pusher: $0) }
        options.observer = ahead

        let started = Date()
        let result: BuildResult
        var transferReport: TransferReport?
        var pushedTags: [String] = []
        do {
            // A dry run writes nothing, not even an empty layout.
            let durability = try resolvedDurability(request.durability, environment)
            let layout = try (request.dryRun ? nil : layoutPath).map {
                try ImageLayout.open($0, create: true, durability: durability)
            }
            let built: BuildResult
            do {
                if format == .modelcar {
                    let baseImage = try baseText.map { try readBase($0) }
                    built = try ModelcarPackager.build(
                        model, base: baseImage, into: layout, options: options,
                        progress: progress)
                } else {
                    built = try ModelPackager.build(
                        model, into: layout, options: options, progress: progress)
                }
            } catch {
                ahead?.abandon()
                _ = ahead?.wait()
                throw error
            }
            if let remote, let tag, let pusher, request.immutableTag {
                let existing = try ShipKitError.catching {
                    try pusher.repository.manifestDescriptor(tag)
                }
                try checkUnchanged(
                    existing?.digest, built.manifestDescriptor.digest,
                    at: "\(remote.host)/\(remote.repository):\(tag)")
            }
            if let layout, let tag, request.immutableTag {
                let existing = try? layout.resolve(tag)
                try checkUnchanged(
                    existing?.digest, built.manifestDescriptor.digest,
                    at: "oci:\(layoutPath ?? ""):\(tag)")
            }
            if let remote, let tag, var pusher, !request.dryRun {
                var tags = [tag]
                if request.to == nil { tags += (project?.image.tags ?? []).filter { $0 != tag } }
                if let ahead, let display {
                    let blobs = [built.manifest.config] + built.manifest.layers
                    display.handle(
                        .started(blobs: blobs.count, bytes: blobs.reduce(0) { $0 + $1.size }))
                    ahead.report(to: { display.handle($0) })
                    let (sent, failures) = ahead.wait()
                    pusher.sentAhead = sent
                    for failure in failures {
                        log.info("uploading ahead gave up (the push sends it): \(failure)")
                    }
                }
                _ = remote
                transferReport = try pushBuild(built, with: pusher, tags: tags)
                pushedTags = tags
                display?.finish()
            }
            if let layout, let tag, !request.dryRun {
                try layout.tag(built.manifestDescriptor, as: tag)
                // The project's extra tags go beside the version when it chose the destination.
                if request.to == nil {
                    for extra in project?.image.tags ?? [] where extra != tag {
                        try layout.tag(built.manifestDescriptor, as: extra)
                    }
                }
            }
            result = built
        } catch let error as LayoutError {
            throw ShipKitError.environment("\(error)")
        } catch let error as ArchiveError {
            throw ShipKitError.environment("\(error)")
        }
        let seconds = Date().timeIntervalSince(started)
        let name: String?
        let pinned: String?
        switch destination {
        case .layout(let path, _)?:
            name = tag.map { "oci:\(path):\($0)" } ?? "oci:\(path)"
            pinned = "oci:\(path)@\(result.manifestDescriptor.digest)"
        case .registry(let remote)?:
            name = "\(remote.host)/\(remote.repository)" + (tag.map { ":\($0)" } ?? "")
            pinned = "\(remote.host)/\(remote.repository)@\(result.manifestDescriptor.digest)"
        default:
            (name, pinned) = (nil, nil)
        }
        return Outcome(
            result: result, reference: request.dryRun ? nil : name,
            pinned: request.dryRun ? nil : pinned, pushed: transferReport,
            pushedTags: pushedTags, pushedTo: remote.map { "\($0.host)/\($0.repository)" },
            seconds: seconds, dryRun: request.dryRun)
    }

    /// Refuses a version whose tag names other bytes already.
    static func checkUnchanged(_ existing: Digest?, _ built: Digest, at reference: String)
        throws
    {
        guard let existing, existing != built else { return }
        throw ShipKitError.badInput(
            "\(reference) already names \(existing), and this build is \(built): a version's "
                + "bytes do not change. Give the model a new model.version, or pass --force to move the tag"
        )
    }

    /// The flag, else `SHIPML_DURABILITY`, else `.fsync`.
    static func resolvedDurability(_ flag: Durability?, _ environment: [String: String]) throws
        -> Durability
    {
        if let flag { return flag }
        guard let text = environment["SHIPML_DURABILITY"], !text.isEmpty else { return .fsync }
        guard let value = Durability(rawValue: text) else {
            throw ShipKitError.badInput("SHIPML_DURABILITY must be fsync or none, not \(text)")
        }
        return value
    }

    /// Pushes what the first pass computed: the config and manifest from memory, base layers
    /// from the base layout, model layers made again and streamed (only those the registry
    /// lacks).
    private static func makePusher(
        _ settings: RegistrySettings, to remote: RegistryReference,
        events: (any TransferObserver)?
    ) throws -> Pusher {
        let session = settings.session(for: remote.host, credentials: try settings.credentials())
        var handler: (@Sendable (TransferEvent) -> Void)?
        if let events {
            handler = { event in events.handle(event) }
        }
        return Pusher(
            repository: RemoteRepository(session: session, name: remote.repository),
            jobs: settings.jobs, locations: settings.locations(), events: handler)
    }

    private static func pushBuild(_ built: BuildResult, with pusher: Pusher, tags: [String])
        throws -> TransferReport
    {
        var manifest = built.manifestDescriptor
        manifest.artifactType = nil
        let graph = ImageGraph(
            blobs: [built.manifest.config] + built.manifest.layers,
            manifests: [.init(descriptor: manifest, data: built.manifestData)])
        do {
            return try pusher.push(graph, tags: tags) { blob in
                if blob.digest == built.manifest.config.digest { return .data(built.configData) }
                if let data = built.extraBlobs[blob.digest] { return .data(data) }
                if let path = built.baseBlobs[blob.digest] {
                    return .file(.init(path: path, length: blob.size))
                }
                guard let recipe = built.recipes[blob.digest] else {
                    throw RegistryError(.configuration, "no way to make blob \(blob.digest)")
                }
                return .stream { write in
                    try withoutActuallyEscaping(write) { try recipe.write(to: $0) }
                }
            }
        } catch let error as RegistryError {
            throw ShipKitError.wrapping(error)
        }
    }

    private static func readBase(_ text: String) throws -> BaseImage {
        let reference: ImageReference
        do {
            reference = try ImageReference(parsing: text)
        } catch {
            throw ShipKitError.badInput("--base: \(error)")
        }
        guard case .layout(let path, let tag) = reference else {
            throw ShipKitError.badInput(
                "--base: reading a base image from a registry is not available yet; copy it with "
                    + "skopeo copy docker://\(text) oci:base:latest and pass --base oci:base:latest"
            )
        }
        do {
            return try BaseImage.read(
                ImageLayout.open(path, create: false), tag: tag, reference: text)
        } catch let error as LayoutError {
            throw ShipKitError.badInput("--base: \(error)")
        }
    }
}
