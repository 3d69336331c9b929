import Builder
import Foundation
import Registry
public import ShipModel

/// `shipml attach`: push files as an OCI artifact whose subject is an image, into a layout or
/// a registry.
public enum AttachService {
    public struct Request: Sendable {
        /// `HOST/REPO:TAG`, `HOST/REPO@DIGEST` or `oci:PATH[:TAG]`.
        public var subject: String
        public var files: [String]
        public var artifactType: String
        public var mediaType = "application/octet-stream"
        /// `key=value` pairs.
        public var annotations: [String] = []
        public var registry: RegistrySettings

        public init(
            subject: String, files: [String], artifactType: String,
            registry: RegistrySettings = RegistrySettings()
        ) {
            self.subject = subject
            self.files = files
            self.artifactType = artifactType
            self.registry = registry
        }
    }

    public struct Outcome: Sendable {
        public var subject: Descriptor
        public var referrer: Descriptor
    }

    /// Whether `text` reads as a media type (`type/subtype`).
    public static func isMediaType(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && !$0.contains(" ") }
    }

    public static func run(_ request: Request) throws -> Outcome {
        var artifactFiles: [ReferrerArtifact.File] = []
        for path in request.files {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ShipKitError.badInput("\(path): cannot read the file")
            }
            artifactFiles.append(
                .init(
                    name: (path as NSString).lastPathComponent,
                    mediaType: MediaType(request.mediaType), data: data))
        }
        var annotations: [String: String] = [:]
        for pair in request.annotations {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let key = parts.first, !key.isEmpty else {
                throw ShipKitError.badInput("--annotation \"\(pair)\": expected key=value")
            }
            annotations[String(key)] = parts.count > 1 ? String(parts[1]) : ""
        }
        if annotations[AnnotationKey.created] == nil,
            let epoch = request.registry.environment["SOURCE_DATE_EPOCH"],
            let seconds = Double(epoch)
        {
            annotations[AnnotationKey.created] = Timestamp.rfc3339(
                Date(timeIntervalSince1970: seconds))
        }
        let artifact = ReferrerArtifact(
            artifactType: MediaType(request.artifactType), files: artifactFiles,
            annotations: annotations)
        let reference: ImageReference
        do {
            reference = try ImageReference(parsing: request.subject)
        } catch {
            throw ShipKitError.badInput("\(error)")
        }
        switch reference {
        case .layout(let path, let tag):
            do {
                let layout = try ImageLayout.open(path, create: false)
                let target = try layout.resolve(tag)
                return Outcome(subject: target, referrer: try layout.attach(artifact, to: target))
            } catch let error as LayoutError {
                throw ShipKitError.badInput(error.description)
            }
        case .registry(let reference):
            let repository = try request.registry.repository(reference)
            do {
                let target = try repository.manifest(reference.manifestReference).descriptor
                return Outcome(
                    subject: target,
                    referrer: try ReferrersClient(repository: repository).attach(
                        artifact, to: target))
            } catch let error as RegistryError {
                throw ShipKitError.wrapping(error)
            }
        }
    }
}
