import ArgumentParser
import Builder
import Foundation
import Registry
import ShipKit
import ShipModel

/// `shipml inspect`: show what an image or artifact holds.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show an image or artifact: tag, digest, layers, files and annotations.",
        usage: "shipml inspect [<options>] <reference>",
        discussion: """
            Reads an OCI image layout, checks the manifest and config against their digests
            and each layer blob's size, and lists the files in each layer. For a registry
            image, the manifest and config are fetched and checked against their digests;
            layers are listed with their annotations (the files a ModelPack layer holds are
            named there) without downloading them.

            Examples:
              shipml inspect oci:build/layout:1.0.0
              shipml inspect oci:build/layout --json     # a layout holding one manifest
              shipml inspect registry.example.com/ml/sentiment:1.0.0
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryOptions

    @Argument(help: "oci:PATH[:TAG] or HOST/REPO[:TAG|@DIGEST]")
    var reference: String

    func run() throws {
        Console.configure(global)
        let parsed: ImageReference
        do {
            parsed = try ImageReference(parsing: reference)
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
        let inspection: Inspection
        switch parsed {
        case .layout(let path, let tag):
            do {
                let layout = try ImageLayout.open(path, create: false)
                inspection = try Inspection.read(layout, tag: tag)
            } catch let error as LayoutError {
                throw CommandFailure.badInput("\(error)")
            }
        case .registry(let reference):
            let repository = try remoteRepository(reference, registry: registry, global: global)
            do {
                inspection = try Inspection.read(repository, reference: reference)
            } catch let error as RegistryError {
                throw registryFailure(error)
            }
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

    /// Reads a registry image: manifest and config verified, layers listed from the manifest.
    static func read(_ repository: RemoteRepository, reference: RegistryReference) throws
        -> Inspection
    {
        let fetched = try repository.manifest(reference.manifestReference)
        guard !ImageGraph.isIndex(fetched.mediaType, fetched.data) else {
            throw RegistryError(
                .unsupported,
                "\(repository.display):\(reference.manifestReference) is an image index; inspect one of its manifests by digest"
            )
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: fetched.data)
        } catch {
            throw RegistryError(.protocolViolation, "the manifest does not decode: \(error)")
        }
        var config = Data()
        try repository.download(
            manifest.config.digest, size: manifest.config.size, restart: { config = Data() },
            sink: { config.append(contentsOf: $0) })
        guard Digest(sha256: SHA256Hasher.hash(config)) == manifest.config.digest else {
            throw RegistryError(.digestMismatch, "the config does not match its digest")
        }
        let layers = manifest.layers.map { layer in
            Layer(
                mediaType: layer.mediaType, digest: layer.digest, size: layer.size,
                annotations: layer.annotations,
                files: [layer.annotations?[AnnotationKey.modelFilePath]].compactMap { $0 })
        }
        return Inspection(
            tag: reference.tag, manifestDigest: fetched.digest, manifest: manifest, layers: layers)
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
