public import ArgumentParser
import Builder
import Foundation
import Registry
import ShipFiles
public import ShipModel

/// `shipml build`: package a model directory as an OCI artifact or image.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Package a model as a ModelPack OCI artifact or a runnable modelcar image.",
        discussion: """
            Writes an OCI image layout (no registry needed), or pushes to a registry
            without writing a blob to disk: a first pass computes every digest, then only
            the layers the registry lacks are made again and streamed to it. Every weight
            file gets a layer of its own; small files of one kind share one. The same files
            give the same digests on any machine: entries sorted, owned by root, modes
            0644/0755, times from SOURCE_DATE_EPOCH (or 0), and the created annotation from
            SOURCE_DATE_EPOCH or the git commit. An unchanged model rebuilds from the cache
            in $SHIPML_CACHE_DIR (~/.cache/shipml) without reading its weights.

            Defaults come from shipml.yaml when there is one: model.path, image.repository
            with model.version as the tag, image.format and image.compression.

            Examples:
              shipml build ./model --to oci:build/layout:1.0.0
              shipml build ./model --to registry.example.com/ml/sentiment:1.0.0
              shipml build --dry-run --json            # digests and manifest only
              SOURCE_DATE_EPOCH=1700000000 shipml build ./model --to oci:out:v1 \\
                --compression zstd
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var layoutOptions: LayoutOptions

    @Argument(help: "The model directory (default: model.path from shipml.yaml).")
    var modelDirectory: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Where to write: oci:PATH:TAG or HOST/REPO:TAG.", valueName: "reference")
    )
    var to: String?

    @Option(
        help:
            "modelpack (an OCI artifact) or modelcar (a runnable image; default from shipml.yaml).")
    var format: PackagingFormat?

    @Option(
        help: ArgumentHelp(
            "modelcar: the base image, oci:PATH:TAG (e.g. one skopeo copy wrote).",
            valueName: "reference"))
    var base: String?

    @Option(help: "none, gzip or zstd (default from shipml.yaml, else none).")
    var compression: LayerCompression?

    @Option(help: "The model's name (default: model.name, else the directory's name).")
    var name: String?

    @Flag(help: "Compute the digests and the manifest; write nothing.")
    var dryRun = false

    @Flag(help: "Read every file again instead of reusing cached layers.")
    var noCache = false

    @Flag(help: "Show a progress line even when standard error is not a terminal.")
    var progress = false

    /// What a build made, for `shipml release`.
    struct Outcome {
        var result: BuildResult
        /// `oci:PATH:TAG` or `HOST/REPO:TAG`; nil for a dry run.
        var reference: String?
        /// The manifest by digest: `oci:PATH@sha256:…` or `HOST/REPO@sha256:…`.
        var pinned: String?
        /// What the push sent, for a build to a registry.
        var pushed: TransferReport?
        var seconds: Double
    }

    func run() throws {
        Console.configure(global)
        let outcome = try perform()
        report(outcome)
    }

    /// Builds (and pushes), printing only progress and warnings.
    func perform() throws -> Outcome {
        let fileSystem = LocalFileSystem()
        let loaded: LoadedProject?
        if fileSystem.isFile(global.config) {
            loaded = try loadProject(global.config)
        } else {
            loaded = nil
        }
        let project = loaded?.project

        guard
            let directory = modelDirectory
                ?? project.map({ loaded?.resolve($0.model.path) ?? $0.model.path })
        else {
            throw CommandFailure.badInput(
                "name the model directory (shipml build DIR), or run where shipml.yaml is")
        }
        let format = format ?? project?.image.format ?? .modelpack
        let baseText = base ?? project?.image.base?.description
        if baseText != nil, format != .modelcar {
            throw CommandFailure.badInput("--base is only used with --format modelcar")
        }
        if format == .modelcar, baseText == nil {
            Console.warning(
                "without --base the image has no shell: KServe's modelcar sidecar runs sh and ln in it, "
                    + "so it is not KServe-runnable (it still works as a Kubernetes image volume)")
        }
        let version = project?.model.version ?? "latest"
        let destinationText = to ?? project.map { "\($0.image.repository.description):\(version)" }
        let destination: ImageReference?
        do {
            destination = try destinationText.map { try ImageReference(parsing: $0) }
        } catch {
            throw CommandFailure.badInput("--to: \(error)")
        }
        if destination == nil, !dryRun {
            throw CommandFailure.badInput("say where to write: --to oci:PATH:TAG (or --dry-run)")
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
                throw CommandFailure.badInput(
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
        } catch let error as ModelDirectoryError {
            throw CommandFailure.badInput("\(error)")
        }
        let environment = ProcessInfo.processInfo.environment
        let provenance = try Provenance.detect(modelDirectory: directory, environment: environment)
        let modelName =
            name ?? project?.model.name
            ?? ProjectTemplate.modelName(
                fromDirectoryName: (directory as NSString).lastPathComponent)
        var options = BuildOptions(
            modelName: modelName, version: version, created: provenance.created,
            entryTime: provenance.entryTime)
        options.format = format
        options.compression = compression ?? project?.image.compression ?? .none
        options.revision = provenance.revision
        options.source = provenance.source
        options.modelFormat = project?.model.format.flatMap { $0 == .other ? nil : $0.rawValue }
        options.metadata = project?.model.metadata
        options.annotations = project?.image.annotations ?? [:]
        // To a registry: the first pass only computes digests; the push makes the missing
        // layers again and streams them, so no layer blob is written to disk.
        options.dryRun = dryRun || remote != nil
        if !noCache {
            options.cache = LayerCache.defaultDirectory(environment: environment).map(
                LayerCache.init)
        }

        // To a registry, large layers start uploading while the first pass hashes them.
        let display = remote.map { _ in
            TransferProgress(verb: "pushing", requested: progress, global: global)
        }
        defer { display?.finish() }
        let pusher = try remote.map { try makePusher(to: $0, events: display?.handle) }
        let ahead = dryRun ? nil : pusher.map { AheadUploads(pusher: $0) }
        options.observer = ahead

        let line = ProgressLine(requested: progress, quiet: global.quiet, json: global.json)
        let started = Date()
        let result: BuildResult
        var transfer: TransferReport?
        do {
            // A dry run writes nothing, not even an empty layout.
            let layout = try (dryRun ? nil : layoutPath).map {
                try ImageLayout.open(
                    $0, create: true,
                    durability: layoutOptions.resolved(environment: environment))
            }
            let show = { (step: BuildProgress) in
                line.update(
                    "layer \(step.layer)/\(step.layers)  \(formatBytes(step.bytesDone)) / \(formatBytes(step.bytesTotal))"
                )
            }
            let built: BuildResult
            do {
                if format == .modelcar {
                    let baseImage = try baseText.map { try readBase($0) }
                    built = try ModelcarPackager.build(
                        model, base: baseImage, into: layout, options: options,
                        progress: show)
                } else {
                    built = try ModelPackager.build(
                        model, into: layout, options: options, progress: show)
                }
            } catch {
                ahead?.abandon()
                _ = ahead?.wait()
                throw error
            }
            line.finish()
            var pushReport: TransferReport?
            defer { transfer = pushReport }
            if let remote, let tag, var pusher, !dryRun {
                var tags = [tag]
                if to == nil { tags += (project?.image.tags ?? []).filter { $0 != tag } }
                if let ahead, let display {
                    let blobs = [built.manifest.config] + built.manifest.layers
                    display.handle(
                        .started(blobs: blobs.count, bytes: blobs.reduce(0) { $0 + $1.size }))
                    ahead.report(to: display.handle)
                    let (sent, failures) = ahead.wait()
                    pusher.sentAhead = sent
                    for failure in failures {
                        Console.info("uploading ahead gave up (the push sends it): \(failure)")
                    }
                }
                let pushed = try pushBuild(built, with: pusher, tags: tags)
                display?.finish()
                pushReport = pushed
                if !global.json && !global.quiet {
                    Console.output(
                        "pushed \(remote.host)/\(remote.repository):\(tags.joined(separator: ","))  \(pushed.transferred) of \(pushed.blobs) blobs sent (\(formatBytes(pushed.transferredBytes))), \(pushed.skipped) already there"
                    )
                }
            }
            if let layout, let tag, !dryRun {
                try layout.tag(built.manifestDescriptor, as: tag)
                // The project's extra tags go beside the version when it chose the destination.
                if to == nil {
                    for extra in project?.image.tags ?? [] where extra != tag {
                        try layout.tag(built.manifestDescriptor, as: extra)
                    }
                }
            }
            result = built
        } catch let error as LayoutError {
            line.finish()
            throw CommandFailure.environment("\(error)")
        } catch let error as ArchiveError {
            line.finish()
            throw CommandFailure.environment("\(error)")
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
            result: result, reference: dryRun ? nil : name, pinned: dryRun ? nil : pinned,
            pushed: transfer, seconds: seconds)
    }

    /// Pushes what the first pass computed: the config and manifest from memory, base layers
    /// from the base layout, model layers made again and streamed (only those the registry
    /// lacks).
    private func makePusher(
        to remote: RegistryReference, events: (@Sendable (TransferEvent) -> Void)?
    ) throws -> Pusher {
        let session = registry.session(
            for: remote.host, global: global, credentials: try registry.credentials())
        return Pusher(
            repository: RemoteRepository(session: session, name: remote.repository),
            jobs: registry.jobs, locations: registry.locations(), events: events)
    }

    private func pushBuild(_ built: BuildResult, with pusher: Pusher, tags: [String])
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
            throw registryFailure(error)
        }
    }

    private func readBase(_ text: String) throws -> BaseImage {
        let reference: ImageReference
        do {
            reference = try ImageReference(parsing: text)
        } catch {
            throw CommandFailure.badInput("--base: \(error)")
        }
        guard case .layout(let path, let tag) = reference else {
            throw CommandFailure.badInput(
                "--base: reading a base image from a registry is not available yet; copy it with "
                    + "skopeo copy docker://\(text) oci:base:latest and pass --base oci:base:latest"
            )
        }
        do {
            return try BaseImage.read(
                ImageLayout.open(path, create: false), tag: tag, reference: text)
        } catch let error as LayoutError {
            throw CommandFailure.badInput("--base: \(error)")
        }
    }

    private func report(_ outcome: Outcome) {
        let result = outcome.result
        let name = outcome.reference
        let seconds = outcome.seconds
        if global.json {
            struct Report: Encodable {
                var reference: String?
                var dryRun: Bool
                var manifest: Descriptor
                var config: Descriptor
                var layers: [BuiltLayer]
                var bytesRead: Int64
                var pushed: TransferReport?
                var seconds: Double
            }
            Console.data(
                JSONOutput.encode(
                    Report(
                        reference: name, dryRun: dryRun, manifest: result.manifestDescriptor,
                        config: result.manifest.config, layers: result.layers,
                        bytesRead: result.bytesRead, pushed: outcome.pushed,
                        seconds: (seconds * 1000).rounded() / 1000)))
            return
        }
        let total = result.layers.reduce(Int64(0)) { $0 + $1.descriptor.size }
        Console.output("\(dryRun ? "would build" : "built") \(name ?? "(dry run)")")
        Console.output(
            "  manifest  \(result.manifestDescriptor.digest)  \(result.layers.count) layers, \(formatBytes(total))"
        )
        for layer in result.layers {
            let path = layer.descriptor.annotations?[AnnotationKey.modelFilePath] ?? ""
            let cached = layer.cached ? "  (cached)" : ""
            Console.output(
                "  \(layer.descriptor.digest.encoded.prefix(12))  \(formatBytes(layer.descriptor.size).padding(toLength: 10, withPad: " ", startingAt: 0))  \(layer.descriptor.mediaType)  \(path)\(cached)"
            )
        }
        let cachedCount = result.layers.filter(\.cached).count
        Console.output(
            "  read \(formatBytes(result.bytesRead)) in \(String(format: "%.2f", seconds)) s"
                + (cachedCount > 0
                    ? "; \(cachedCount) of \(result.layers.count) layers from the cache" : ""))
    }
}

extension PackagingFormat: ExpressibleByArgument {}
extension LayerCompression: ExpressibleByArgument {}
