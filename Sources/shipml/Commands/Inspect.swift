import ArgumentParser
import Builder
import Foundation
import ShipModel

/// `shipml inspect`: show what an image or artifact holds.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an image or artifact: tag, digest, layers, files and annotations.",
        discussion: """
            Reads an OCI image layout, checks the manifest and config against their digests and
            each layer blob's size, and lists the files in each layer.

            Examples:
              shipml inspect oci:build/layout:1.0.0
              shipml inspect oci:build/layout --json     # a layout holding one manifest
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "oci:PATH[:TAG]")
    var reference: String

    func run() throws {
        Console.configure(global)
        let parsed: ImageReference
        do {
            parsed = try ImageReference(parsing: reference)
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
        guard case .layout(let path, let tag) = parsed else {
            throw CommandFailure.badInput(
                "inspecting a registry is not available yet; inspect an oci:PATH[:TAG] layout")
        }
        let inspection: Inspection
        do {
            let layout = try ImageLayout.open(path, create: false)
            inspection = try Inspection.read(layout, tag: tag)
        } catch let error as LayoutError {
            throw CommandFailure.badInput("\(error)")
        }
        if global.json {
            Console.data(JSONOutput.encode(inspection))
            return
        }
        Console.output("\(reference)")
        Console.output("  tag         \(inspection.tag ?? "(none)")")
        Console.output("  manifest    \(inspection.manifestDigest)")
        if let artifactType = inspection.manifest.artifactType {
            Console.output("  artifact    \(artifactType)")
        }
        Console.output(
            "  config      \(inspection.manifest.config.mediaType)  \(inspection.manifest.config.digest)"
        )
        Console.output("  layers")
        for layer in inspection.layers {
            Console.output(
                "    \(layer.digest.encoded.prefix(12))  \(formatBytes(layer.size))  \(layer.mediaType)"
            )
            for file in layer.files { Console.output("      \(file)") }
        }
        let annotations = inspection.manifest.annotations ?? [:]
        if !annotations.isEmpty {
            Console.output("  annotations")
            for key in annotations.keys.sorted() {
                Console.output("    \(key): \(annotations[key] ?? "")")
            }
        }
    }
}

/// What `inspect` found, and prints as JSON.
struct Inspection: Encodable {
    var tag: String?
    var manifestDigest: Digest
    var manifest: Manifest
    var layers: [Layer]

    struct Layer: Encodable {
        var mediaType: MediaType
        var digest: Digest
        var size: Int64
        var annotations: [String: String]?
        /// The files in the layer, read from its tar.
        var files: [String]
    }

    static func read(_ layout: ImageLayout, tag: String?) throws -> Inspection {
        let descriptor = try layout.resolve(tag)
        let manifest = try CanonicalJSON.decode(Manifest.self, from: layout.readBlob(descriptor))
        _ = try layout.readBlob(manifest.config)
        var layers: [Layer] = []
        for layer in manifest.layers {
            guard layout.hasBlob(layer.digest, size: layer.size) else {
                throw LayoutError(
                    path: layout.blobPath(layer.digest), reason: "is missing or has the wrong size")
            }
            var files: [String] = []
            if layer.mediaType.rawValue.contains(".tar") {
                let reader = try TarReader(path: layout.blobPath(layer.digest))
                while let header = try reader.next() {
                    if header.kind != .directory { files.append(header.path) }
                }
            }
            layers.append(
                Layer(
                    mediaType: layer.mediaType, digest: layer.digest, size: layer.size,
                    annotations: layer.annotations, files: files))
        }
        return Inspection(
            tag: tag ?? descriptor.annotations?[AnnotationKey.refName],
            manifestDigest: descriptor.digest,
            manifest: manifest, layers: layers)
    }
}
