import ArgumentParser
import Builder
import Foundation
import Registry
import ShipKit
import ShipModel

/// `shipml pull`: copy an image from a registry into an OCI layout.
struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull an image or artifact from a registry into an OCI layout.",
        discussion: """
            Every blob is checked against its digest and size before it is renamed into the
            layout; blobs the layout already has are not fetched; the tag in index.json is
            set last. An image index (several platforms) is pulled whole.

            Examples:
              shipml pull registry.example.com/ml/sentiment:1.0.0 oci:cache/layout:1.0.0
              shipml pull registry.example.com/ml/sentiment@sha256:… \\
                oci:cache/layout:pinned
              shipml pull localhost:5000/busybox:latest oci:base:busybox --plain-http
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var transfer: TransferOptions
    @OptionGroup var layoutOptions: LayoutOptions

    @Argument(help: "The image: HOST/REPO[:TAG|@DIGEST].")
    var source: String

    @Argument(help: "Where: oci:PATH[:TAG] (the tag defaults to the source's).")
    var destination: String

    @Flag(help: "Show a progress line even when standard error is not a terminal.")
    var progress = false

    func run() throws {
        Console.configure(global)
        guard case .registry(let origin) = try parseReference(source) else {
            throw CommandFailure.badInput("pull reads from a registry: HOST/REPO[:TAG|@DIGEST]")
        }
        guard case .layout(let path, let tag) = try parseReference(destination) else {
            throw CommandFailure.badInput("pull writes an OCI layout: oci:PATH[:TAG]")
        }
        let report = try pullImage(
            origin, into: path, tag: tag ?? origin.tag, registry: registry, transfer: transfer,
            global: global,
            progress: progress,
            durability: layoutOptions.resolved(environment: ProcessInfo.processInfo.environment))
        printReport(report, global: global, verb: "pulled")
    }
}

func pullImage(
    _ origin: RegistryReference, into path: String, tag: String?, registry: RegistryOptions,
    transfer: TransferOptions, global: GlobalOptions, progress: Bool, durability: Durability
) throws -> TransferReport {
    let layout: ImageLayout
    do {
        layout = try ImageLayout.open(
            path, create: true,
            durability: durability)
    } catch let error as LayoutError {
        throw CommandFailure.badInput(error.description)
    }
    let session = try registry.session(for: origin.host, global: global, transfer: transfer)
    let display = TransferProgress(verb: "pulling", requested: progress, global: global)
    defer { display.finish() }
    let puller = Puller(
        repository: RemoteRepository(session: session, name: origin.repository),
        jobs: transfer.jobs, locations: registry.locations(), events: display.handle)
    do {
        return try puller.pull(origin.manifestReference, into: layout, tag: tag)
    } catch let error as RegistryError {
        throw registryFailure(error)
    }
}
