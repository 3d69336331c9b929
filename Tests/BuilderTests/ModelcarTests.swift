import Foundation
import ShipMLTestSupport
import ShipModel
import Testing

@testable import Builder

/// A base image with a shell: Debian's busybox-static as /bin/busybox, with sh and ln linked to
/// it, written as an OCI layout the way `skopeo copy` would leave one.
func makeBusyboxBase(in scratch: ScratchDirectory) throws -> BaseImage {
    let busybox = "/bin/busybox"
    let layout = try ImageLayout.open(scratch.path("base"), create: true)
    var hasher = SHA256Hasher()
    let writer = try layout.beginBlob()
    let tar = try TarWriter(compression: .none) { bytes in
        hasher.update(bytes)
        try writer.write(bytes)
    }
    let epoch = Date(timeIntervalSince1970: 0)
    try tar.addDirectory(path: "bin", mode: 0o755, mtime: epoch)
    try tar.addFile(path: "bin/busybox", from: busybox, mode: 0o755, mtime: epoch)
    for tool in ["sh", "ln", "ls", "sleep"] {
        try tar.addSymlink(path: "bin/\(tool)", target: "busybox", mtime: epoch)
    }
    try tar.addDirectory(path: "tmp", mode: 0o1777, mtime: epoch)
    try tar.finish()
    let (digest, size) = try writer.commit()
    var settings = ImageConfig.Settings()
    settings.env = ["PATH=/bin"]
    settings.cmd = ["/bin/sh"]
    let config = ImageConfig(
        created: "1970-01-01T00:00:00Z", author: nil, architecture: "amd64", os: "linux",
        variant: nil, config: settings, rootfs: .init(diffIDs: [digest.description]),
        history: [.init(created: "1970-01-01T00:00:00Z", createdBy: "busybox-static")])
    let configDescriptor = try layout.writeBlob(
        CanonicalJSON.encode(config), mediaType: .imageConfig)
    let manifest = Manifest(
        config: configDescriptor,
        layers: [Descriptor(mediaType: .layer, digest: digest, size: size)])
    let manifestDescriptor = try layout.writeBlob(
        CanonicalJSON.encode(manifest), mediaType: .imageManifest)
    try layout.tag(manifestDescriptor, as: "latest")
    return try BaseImage.read(
        layout, tag: "latest", reference: "oci:\(scratch.path("base")):latest")
}

@Suite(
    "modelcar images",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/bin/busybox"),
        "busybox-static is not installed"))
struct ModelcarTests {
    @Test func umociUnpacksTheModelUnderModelsBesideTheShell() throws {
        let scratch = try ScratchDirectory()
        let base = try makeBusyboxBase(in: scratch)
        let model = try ModelDirectory.scan(try writeSampleModel(in: scratch))
        let layout = try ImageLayout.open(scratch.path("image"), create: true)
        let result = try ModelcarPackager.build(
            model, base: base, into: layout, options: options(.none))
        try layout.tag(result.manifestDescriptor, as: "1.0.0")
        #expect(try LayoutChecker.problems(in: scratch.path("image")).isEmpty)

        let config = try CanonicalJSON.decode(
            ImageConfig.self, from: layout.readBlob(result.manifest.config))
        #expect(config.rootfs.diffIDs.count == result.manifest.layers.count)
        #expect(
            config.history?.filter { $0.emptyLayer != true }.count == result.manifest.layers.count)
        #expect(config.config?.env?.contains("MODEL_PATH=/models") == true)
        #expect(config.config?.cmd == ["/bin/sh"], "the base's command is kept")
        #expect(
            result.manifest.annotations?[AnnotationKey.baseDigest]
                == base.manifestDescriptor.digest.description)

        guard ProcessRunner.which("umoci") != nil else { return }
        let unpack = try ProcessRunner.run(
            [
                "umoci", "unpack", "--rootless", "--image", "\(scratch.path("image")):1.0.0",
                scratch.path("bundle"),
            ])
        #expect(unpack.status == 0, "\(unpack.stderr)")
        let rootfs = scratch.path("bundle/rootfs")
        #expect(
            FileManager.default.contents(
                atPath: rootfs + "/models/model-00001-of-00002.safetensors")
                == Data(repeating: 1, count: 300_000))
        #expect(
            FileManager.default.contents(atPath: rootfs + "/models/tokenizer/tokenizer.json")
                == Data(#"{"version":"1.0"}"#.utf8))
        #expect(FileManager.default.isExecutableFile(atPath: rootfs + "/bin/busybox"))

        // What KServe's modelcar sidecar runs, in the unpacked image (needs root for chroot).
        if getuid() == 0, ProcessRunner.which("chroot") != nil {
            let run = try ProcessRunner.run(
                [
                    "chroot", rootfs, "/bin/sh", "-c",
                    "ln -sf /models /tmp/linked && ls /tmp/linked/",
                ])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("config.json"))
        }
    }

    @Test func withoutABaseTheImageHoldsOnlyTheModel() throws {
        let scratch = try ScratchDirectory()
        let model = try ModelDirectory.scan(try writeSampleModel(in: scratch))
        let result = try ModelcarPackager.build(model, base: nil, into: nil, options: options())
        // The model's layers and the /models link.
        #expect(result.manifest.layers.count == LayerPlan.plan(model).count + 1)
        #expect(result.manifest.layers.allSatisfy { $0.mediaType == .layer })
        #expect(result.manifest.config.mediaType == .imageConfig)
    }

    /// The ModelPack artifact and the modelcar image of one model share their model layers:
    /// a layout holding both stores each weight once.
    @Test(arguments: [LayerCompression.none, .gzip, .zstd])
    func theArtifactAndTheImageShareTheirWeightBlobs(compression: LayerCompression) throws {
        let scratch = try ScratchDirectory()
        let model = try ModelDirectory.scan(try writeSampleModel(in: scratch))
        let layout = try ImageLayout.open(scratch.path("both"), create: true)
        let artifact = try ModelPackager.build(
            model, into: layout, options: options(compression))
        let image = try ModelcarPackager.build(
            model, base: try makeBusyboxBase(in: scratch), into: layout,
            options: options(compression))
        let artifactLayers = Set(artifact.manifest.layers.map(\.digest))
        let imageLayers = Set(image.manifest.layers.map(\.digest))
        #expect(artifactLayers.isSubset(of: imageLayers))
        let blobs = try FileManager.default.contentsOfDirectory(
            atPath: scratch.path("both/blobs/sha256"))
        let weight = try #require(
            artifact.manifest.layers.first { $0.mediaType.rawValue.contains("weight.v1") })
        #expect(blobs.filter { $0 == weight.digest.encoded }.count == 1)
        let config = try CanonicalJSON.decode(
            ImageConfig.self, from: layout.readBlob(image.manifest.config))
        #expect(config.rootfs.diffIDs.count == image.manifest.layers.count)
        #expect(
            config.history?.contains { $0.createdBy == "shipml build: LINK /models -> /" } == true)
    }

    /// A model whose top-level names are those of an image's root keeps its files under
    /// models/ in layers of its own.
    @Test func aModelThatWouldClashWithTheRootKeepsItsOwnLayers() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("clash/bin/model.safetensors", Data(repeating: 2, count: 1000))
        _ = try scratch.write("clash/config.json", "{}")
        let model = try ModelDirectory.scan(scratch.path("clash"))
        #expect(!ModelcarPackager.sharesLayers(model))
        let artifact = try ModelPackager.build(model, into: nil, options: options())
        let image = try ModelcarPackager.build(model, base: nil, into: nil, options: options())
        #expect(
            Set(artifact.manifest.layers.map(\.digest)).isDisjoint(
                with: image.manifest.layers.map(\.digest)))
        #expect(image.manifest.layers.count == artifact.manifest.layers.count)
    }
}
