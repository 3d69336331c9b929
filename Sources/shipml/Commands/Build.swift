public import ArgumentParser
import Builder
import Foundation
import Registry
import ShipFiles
import ShipKit
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
    @OptionGroup var transfer: TransferOptions
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

    typealias Outcome = BuildService.Outcome

    func run() throws {
        Console.configure(global)
        var request = BuildService.Request(
            registry: try registry.settings(global: global, transfer: transfer))
        request.modelDirectory = modelDirectory
        request.to = to
        request.format = format
        request.base = base
        request.compression = compression
        request.name = name
        request.dryRun = dryRun
        request.noCache = noCache
        request.durability = layoutOptions.durability
        let loaded = try ProjectAccess.loadIfPresent(global.config)
        let line = ProgressLine(requested: progress, quiet: global.quiet, json: global.json)
        let display = TransferProgress(verb: "pushing", requested: progress, global: global)
        let outcome: Outcome
        do {
            outcome = try BuildService.run(
                request, project: loaded, log: Console.log,
                progress: { step in
                    line.update(
                        "layer \(step.layer)/\(step.layers)  \(formatBytes(step.bytesDone)) / \(formatBytes(step.bytesTotal))"
                    )
                }, transfer: display)
        } catch {
            line.finish()
            throw error
        }
        line.finish()
        report(outcome)
    }

    private func report(_ outcome: Outcome) {
        let result = outcome.result
        let name = outcome.reference
        let seconds = outcome.seconds
        if let pushed = outcome.pushed, let remote = outcome.pushedTo, !global.json {
            Console.output(
                "pushed \(remote):\(outcome.pushedTags.joined(separator: ","))  \(pushed.transferred) of \(pushed.blobs) blobs sent (\(formatBytes(pushed.transferredBytes))), \(pushed.skipped) already there"
            )
        }
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
