import ArgumentParser
import Builder
import Foundation
import Registry
import ShipKit
import ShipModel

/// `shipml push`: copy an image from an OCI layout to a registry.
struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push an image or artifact from an OCI layout to a registry.",
        discussion: """
            Blobs the registry already has are not sent; the others go up in parallel (one
            PUT for a small blob, PATCH chunks for a large one, resumed where the registry
            stopped after a failure). Manifests go up after all their blobs, and tags last,
            so a tag never names incomplete content. Credentials come from --username and
            --password-stdin, SHIPML_REGISTRY_USERNAME and SHIPML_REGISTRY_PASSWORD, or
            docker's config ($DOCKER_CONFIG/config.json, ~/.docker/config.json, credential
            helpers).

            Examples:
              shipml push oci:build/layout:1.0.0 registry.example.com/ml/sentiment:1.0.0
              shipml push oci:build/layout:1.0.0 registry.example.com/ml/sentiment \\
                --tag stable
              shipml push oci:out:v1 localhost:5000/ml/model:v1 --plain-http --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var transfer: TransferOptions

    @Argument(help: "The image to push: oci:PATH[:TAG].")
    var source: String

    @Argument(help: "Where: HOST/REPO[:TAG] (the tag defaults to the source's).")
    var destination: String

    @Option(help: "Another tag to set (repeatable).")
    var tag: [String] = []

    @Option(help: "A repository of the same registry to mount missing blobs from (repeatable).")
    var mountFrom: [String] = []

    @Flag(help: "Show a progress line even when standard error is not a terminal.")
    var progress = false

    func run() throws {
        Console.configure(global)
        guard case .layout(let path, let sourceTag) = try parseReference(source) else {
            throw CommandFailure.badInput(
                "push reads an OCI layout: oci:PATH[:TAG] (to copy between registries, use shipml copy)"
            )
        }
        guard case .registry(let target) = try parseReference(destination) else {
            throw CommandFailure.badInput(
                "push writes to a registry: HOST/REPO[:TAG] (to copy between layouts, use shipml copy)"
            )
        }
        let (layout, root) = try openLayoutImage(path, tag: sourceTag)
        let tags = pushTags(target: target, sourceTag: sourceTag, extra: tag)
        let report = try pushImage(
            layout: layout, root: root, to: target, tags: tags, mountFrom: mountFrom,
            registry: registry, transfer: transfer, global: global, progress: progress)
        printReport(report, global: global, verb: "pushed")
    }
}

/// The tags a push sets: the destination's, else the source's, plus the extra ones.
func pushTags(target: RegistryReference, sourceTag: String?, extra: [String]) -> [String] {
    var tags: [String] = []
    if target.digest == nil, let first = target.tag ?? sourceTag { tags.append(first) }
    for tag in extra where !tags.contains(tag) { tags.append(tag) }
    return tags
}

/// An existing layout and the image `tag` names in it; a problem is bad input (exit 2).
func openLayoutImage(_ path: String, tag: String?) throws -> (ImageLayout, Descriptor) {
    do {
        let layout = try ImageLayout.open(path, create: false)
        return (layout, try layout.resolve(tag))
    } catch let error as LayoutError {
        throw CommandFailure.badInput(error.description)
    }
}

func parseReference(_ text: String) throws -> ImageReference {
    do {
        return try ImageReference(parsing: text)
    } catch {
        throw CommandFailure.badInput("\(error)")
    }
}

/// Pushes with a progress display; registry failures become exit codes.
func pushImage(
    layout: ImageLayout, root: Descriptor, to target: RegistryReference, tags: [String],
    mountFrom: [String], registry: RegistryOptions, transfer: TransferOptions,
    global: GlobalOptions, progress: Bool
) throws -> TransferReport {
    for tag in tags {
        guard (try? ImageReference(parsing: "\(target.host)/\(target.repository):\(tag)")) != nil
        else { throw CommandFailure.badInput("\"\(tag)\" is not a valid tag") }
    }
    let session = try registry.session(for: target.host, global: global, transfer: transfer)
    let display = TransferProgress(verb: "pushing", requested: progress, global: global)
    defer { display.finish() }
    let pusher = Pusher(
        repository: RemoteRepository(session: session, name: target.repository),
        jobs: transfer.jobs, mountFrom: mountFrom, locations: registry.locations(),
        events: display.handle)
    do {
        return try pusher.push(from: layout, root: root, tags: tags)
    } catch let error as RegistryError {
        throw registryFailure(error)
    }
}

func printReport(_ report: TransferReport, global: GlobalOptions, verb: String) {
    if global.json {
        Console.data(JSONOutput.encode(report))
        return
    }
    guard !global.quiet else { return }
    let tags = report.tags.isEmpty ? "" : " as \(report.tags.joined(separator: ", "))"
    Console.output("\(verb) \(report.reference)@\(report.digest)\(tags)")
    var parts = [
        "\(report.transferred) of \(report.blobs) blobs \(verb) (\(formatBytes(report.transferredBytes)))"
    ]
    if report.skipped > 0 { parts.append("\(report.skipped) already there") }
    if report.mounted > 0 { parts.append("\(report.mounted) mounted") }
    Console.output("  " + parts.joined(separator: ", "))
}
