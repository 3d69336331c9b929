import ArgumentParser
import Builder
import Foundation
import Registry
import ShipKit
import ShipModel

/// `shipml attach`: push files as an OCI artifact that refers to a release.
struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach files (a validation report, a blessing) to an image as an OCI referrer.",
        usage: """
            shipml attach [<options>] <subject> <files> ...
                          --artifact-type <artifact-type>
            """,
        discussion: """
            Pushes an artifact manifest whose subject is the image, with one layer per
            file. In a registry without the referrers API the artifact is also listed in
            the index tagged sha256-<digest of the image>, as the distribution spec's
            fallback says; in an OCI layout it is kept as an untagged entry of index.json.
            The same files give the same artifact digest (the created annotation comes from
            SOURCE_DATE_EPOCH, never the clock), so attaching again changes nothing.

            Examples:
              shipml attach registry.example.com/ml/sentiment:1.0.0 report.json \\
                --artifact-type application/vnd.shipml.validation.report.v1+json
              shipml attach oci:build/layout:1.0.0 blessing.json \\
                --artifact-type application/vnd.in-toto+json
              shipml referrers registry.example.com/ml/sentiment:1.0.0
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryOptions

    @Argument(help: "The image: HOST/REPO:TAG, HOST/REPO@DIGEST or oci:PATH[:TAG].")
    var subject: String

    @Argument(help: "The files to attach.")
    var files: [String]

    @Option(help: "The artifact's type, a media type.")
    var artifactType: String

    @Option(help: "The media type of each file.")
    var mediaType = "application/octet-stream"

    @Option(help: ArgumentHelp("A manifest annotation (repeatable).", valueName: "key=value"))
    var annotation: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to attach") }
        for type in [artifactType, mediaType] where !Self.isMediaType(type) {
            throw ValidationError(
                "\"\(type)\" is not a media type (type/subtype, e.g. application/json)")
        }
        for pair in annotation where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--annotation \"\(pair)\": expected key=value")
        }
    }

    static func isMediaType(_ text: String) -> Bool { AttachService.isMediaType(text) }

    func run() throws {
        Console.configure(global)
        var request = AttachService.Request(
            subject: subject, files: files, artifactType: artifactType,
            registry: try registry.settings(global: global))
        request.mediaType = mediaType
        request.annotations = annotation
        let outcome = try AttachService.run(request)
        if global.json {
            struct Report: Encodable {
                var subject: Descriptor
                var referrer: Descriptor
            }
            Console.data(
                JSONOutput.encode(Report(subject: outcome.subject, referrer: outcome.referrer)))
        } else {
            Console.output(
                "attached \(outcome.referrer.digest) (\(artifactType)) to \(outcome.subject.digest)"
            )
        }
    }
}

/// `shipml referrers`: list the artifacts that refer to an image.
struct Referrers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referrers",
        abstract: "List the artifacts (reports, blessings, signatures) attached to an image.",
        discussion: """
            Asks the registry's referrers API, and falls back to the sha256-<digest> tag
            index for registries without it; in an OCI layout, reads index.json.

            Examples:
              shipml referrers registry.example.com/ml/sentiment:1.0.0
              shipml referrers oci:build/layout:1.0.0 \\
                --artifact-type application/vnd.in-toto+json --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryOptions

    @Argument(help: "The image: HOST/REPO:TAG, HOST/REPO@DIGEST or oci:PATH[:TAG].")
    var subject: String

    @Option(help: "Only artifacts of this type.")
    var artifactType: String?

    func run() throws {
        Console.configure(global)
        let type = artifactType.map { MediaType($0) }
        let found: [Descriptor]
        switch try parseReference(subject) {
        case .layout(let path, let tag):
            do {
                let layout = try ImageLayout.open(path, create: false)
                found = try layout.referrers(of: layout.resolve(tag).digest, artifactType: type)
            } catch let error as LayoutError {
                throw CommandFailure.badInput(error.description)
            }
        case .registry(let reference):
            let repository = try remoteRepository(reference, registry: registry, global: global)
            do {
                let target = try resolveSubject(reference, in: repository)
                found = try ReferrersClient(repository: repository).list(
                    target.digest, artifactType: type)
            } catch let error as RegistryError {
                throw registryFailure(error)
            }
        }
        if global.json {
            Console.data(JSONOutput.encode(found))
            return
        }
        for referrer in found {
            Console.output(
                "\(referrer.digest)  \(referrer.artifactType?.rawValue ?? "(no type)")  \(formatBytes(referrer.size))"
            )
        }
    }
}

func remoteRepository(
    _ reference: RegistryReference, registry: RegistryOptions, global: GlobalOptions
) throws -> RemoteRepository {
    try registry.settings(global: global).repository(reference)
}

/// The descriptor of the manifest a reference names.
func resolveSubject(_ reference: RegistryReference, in repository: RemoteRepository) throws
    -> Descriptor
{
    let fetched = try repository.manifest(reference.manifestReference)
    return fetched.descriptor
}
