import ArgumentParser
import Builder
import Foundation
import Registry
import ShipKit
import ShipModel

/// `shipml copy`: copy an image between registries, repositories or layouts.
struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an image or artifact between registries, repositories and layouts.",
        discussion: """
            Within one registry, blobs are mounted from the source repository (nothing is
            downloaded); between registries they pass through a temporary directory, one
            blob at a time per transfer, so memory stays small. oci: to registry is a push,
            registry to oci: a pull.

            Examples:
              shipml copy registry.example.com/ml/staging:1.0.0 \\
                registry.example.com/ml/prod:1.0.0
              shipml copy registry-a.example/ml/model:v1 registry-b.example/ml/model:v1
              shipml copy oci:build/layout:v1 localhost:5000/ml/model:v1 --plain-http
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var transfer: TransferOptions
    @OptionGroup var layoutOptions: LayoutOptions

    @Argument(help: "oci:PATH[:TAG] or HOST/REPO[:TAG|@DIGEST].")
    var source: String

    @Argument(help: "oci:PATH[:TAG] or HOST/REPO[:TAG].")
    var destination: String

    @Option(help: "Another tag to set (repeatable).")
    var tag: [String] = []

    @Flag(help: "Show a progress line even when standard error is not a terminal.")
    var progress = false

    func run() throws {
        Console.configure(global)
        let report: TransferReport
        switch (try parseReference(source), try parseReference(destination)) {
        case (.layout(let path, let sourceTag), .registry(let target)):
            let (layout, root) = try openLayoutImage(path, tag: sourceTag)
            report = try pushImage(
                layout: layout, root: root, to: target,
                tags: pushTags(target: target, sourceTag: sourceTag, extra: tag), mountFrom: [],
                registry: registry, transfer: transfer, global: global, progress: progress)
        case (.registry(let origin), .layout(let path, let tag)):
            report = try pullImage(
                origin, into: path, tag: tag ?? origin.tag, registry: registry, transfer: transfer,
                global: global,
                progress: progress,
                durability: layoutOptions.resolved(environment: ProcessInfo.processInfo.environment)
            )
        case (.registry(let origin), .registry(let target)):
            report = try copyBetweenRegistries(origin, target)
        case (.layout(let from, let fromTag), .layout(let to, let toTag)):
            report = try copyBetweenLayouts(from, fromTag, to, toTag ?? fromTag)
        }
        printReport(report, global: global, verb: "copied")
    }

    private func copyBetweenRegistries(
        _ origin: RegistryReference, _ target: RegistryReference
    ) throws -> TransferReport {
        let settings = try registry.settings(global: global, transfer: transfer)
        let credentials = try settings.credentials()
        let sourceSession = settings.session(for: origin.host, credentials: credentials)
        let sameRegistry = origin.host == target.host
        let targetSession =
            sameRegistry
            ? sourceSession : settings.session(for: target.host, credentials: credentials)
        let from = RemoteRepository(session: sourceSession, name: origin.repository)
        let to = RemoteRepository(session: targetSession, name: target.repository)
        let staging = NSTemporaryDirectory() + "shipml-copy-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let display = TransferProgress(verb: "copying", requested: progress, global: global)
        defer { display.finish() }
        do {
            let top = try from.manifest(origin.manifestReference)
            let graph = try ImageGraph.walk(top.descriptor) { descriptor in
                descriptor.digest == top.digest
                    ? top.data : try from.manifest(descriptor.digest.description).data
            }
            let layout = try ImageLayout.open(staging, create: true)
            let pusher = Pusher(
                repository: to, jobs: transfer.jobs,
                mountFrom: sameRegistry ? [origin.repository] : [],
                locations: registry.locations(), events: display.handle)
            let tags = pushTags(target: target, sourceTag: origin.tag, extra: tag)
            return try pusher.push(graph, tags: tags) { blob in
                // Only blobs the destination lacks and cannot mount come through here.
                let writer = try layout.beginBlob()
                do {
                    try from.download(
                        blob.digest, size: blob.size,
                        restart: { try writer.truncate() },
                        sink: { try writer.write($0) })
                    try writer.commit(expecting: blob.digest)
                } catch {
                    writer.abort()
                    throw error
                }
                return .file(.init(path: layout.blobPath(blob.digest), length: blob.size))
            }
        } catch let error as RegistryError {
            throw registryFailure(error)
        } catch let error as LayoutError {
            throw CommandFailure.environment(error.description)
        }
    }

    private func copyBetweenLayouts(
        _ from: String, _ fromTag: String?, _ to: String, _ toTag: String?
    ) throws -> TransferReport {
        do {
            let source = try ImageLayout.open(from, create: false)
            let target = try ImageLayout.open(
                to, create: true,
                durability: layoutOptions.resolved(environment: ProcessInfo.processInfo.environment)
            )
            let root = try source.resolve(fromTag)
            let graph = try ImageGraph.walk(root) { try source.readBlob($0) }
            var copied = 0
            var bytes: Int64 = 0
            for blob in graph.blobs where !target.hasBlob(blob.digest, size: blob.size) {
                try target.copyBlob(blob, from: source)
                copied += 1
                bytes += blob.size
            }
            for node in graph.manifests {
                _ = try target.writeBlob(node.data, mediaType: node.descriptor.mediaType)
            }
            if let toTag { try target.tag(root, as: toTag) }
            return TransferReport(
                reference: "oci:\(to)\(toTag.map { ":\($0)" } ?? "")", digest: root.digest,
                mediaType: root.mediaType, tags: toTag.map { [$0] } ?? [],
                blobs: graph.blobs.count, transferred: copied, transferredBytes: bytes,
                skipped: graph.blobs.count - copied, mounted: 0, manifests: graph.manifests.count)
        } catch let error as LayoutError {
            throw CommandFailure.badInput(error.description)
        } catch let error as RegistryError {
            throw registryFailure(error)
        }
    }
}
