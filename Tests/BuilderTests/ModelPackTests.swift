import Foundation
import ShipMLTestSupport
import ShipModel
import Testing

@testable import Builder

/// A small model with the shape of a Hugging Face checkpoint: two weight shards, an index,
/// configuration, tokenizer, a model card, code and a dataset.
func writeSampleModel(
    in scratch: ScratchDirectory, at directory: String = "model", reversed: Bool = false
) throws -> String {
    var files: [(String, Data)] = [
        ("model-00001-of-00002.safetensors", Data(repeating: 1, count: 300_000)),
        ("model-00002-of-00002.safetensors", Data(repeating: 2, count: 200_000)),
        ("model.safetensors.index.json", Data(#"{"weight_map":{}}"#.utf8)),
        ("config.json", Data(#"{"architectures":["BertModel"]}"#.utf8)),
        ("tokenizer/tokenizer.json", Data(#"{"version":"1.0"}"#.utf8)),
        ("README.md", Data("# sample\n".utf8)),
        ("LICENSE", Data("Apache-2.0\n".utf8)),
        ("src/serve.py", Data("print('hi')\n".utf8)),
        ("data/eval.csv", Data("a,b\n1,2\n".utf8)),
    ]
    if reversed { files.reverse() }
    for (path, data) in files { try scratch.write("\(directory)/\(path)", data) }
    return scratch.path(directory)
}

func options(_ compression: LayerCompression = .none) -> BuildOptions {
    var options = BuildOptions(
        modelName: "sample", version: "1.0.0", created: Date(timeIntervalSince1970: 1_700_000_000),
        entryTime: Date(timeIntervalSince1970: 1_700_000_000))
    options.compression = compression
    return options
}

@Suite("ModelPack artifacts")
struct ModelPackTests {
    @Test(arguments: [LayerCompression.none, .gzip, .zstd])
    func buildsAValidLayoutThatSkopeoReads(compression: LayerCompression) throws {
        let scratch = try ScratchDirectory()
        let model = try ModelDirectory.scan(try writeSampleModel(in: scratch))
        let layout = try ImageLayout.open(scratch.path("layout"), create: true)
        let result = try ModelPackager.build(model, into: layout, options: options(compression))
        try layout.tag(result.manifestDescriptor, as: "1.0.0")

        #expect(try LayoutChecker.problems(in: scratch.path("layout")).isEmpty)
        #expect(result.manifest.artifactType == .modelManifest)
        #expect(result.manifest.config.mediaType == .modelConfig)
        let weights = result.layers.filter {
            $0.descriptor.mediaType == MediaType.modelWeight.compressed(compression)
        }
        #expect(weights.count == 2, "one layer per shard")
        #expect(
            weights.map { $0.descriptor.annotations?[AnnotationKey.modelFilePath] }
                == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        let kinds = result.layers.map { $0.descriptor.mediaType.rawValue }
        #expect(kinds.contains(MediaType.modelWeightConfig.compressed(compression).rawValue))
        #expect(kinds.contains(MediaType.modelDoc.compressed(compression).rawValue))
        #expect(kinds.contains(MediaType.modelCode.compressed(compression).rawValue))
        #expect(kinds.contains(MediaType.modelDataset.compressed(compression).rawValue))

        let config = try CanonicalJSON.decode(
            ModelPackConfig.self, from: layout.readBlob(result.manifest.config))
        #expect(config.modelfs.diffIds == result.layers.map(\.diffID.description))
        #expect(config.descriptor.name == "sample")
        #expect(config.descriptor.createdAt == "2023-11-14T22:13:20Z")
        #expect(config.config.format == "safetensors")

        for layer in result.layers {
            let blob = layout.blobPath(layer.descriptor.digest)
            if compression == .none {
                #expect(layer.diffID == layer.descriptor.digest)
            } else {
                // The diffID is the digest of the uncompressed tar: ask the real tools.
                let tool = compression == .gzip ? ["gzip", "-dc", blob] : ["zstd", "-dcq", blob]
                let tar = try ProcessRunner.run(tool)
                #expect(tar.status == 0)
                let digest = try ProcessRunner.run(["sha256sum"], input: tar.stdoutData)
                #expect("sha256:" + digest.stdout.prefix(64) == layer.diffID.description)
            }
        }

        if ProcessRunner.which("skopeo") != nil {
            let inspect = try ProcessRunner.run(
                ["skopeo", "inspect", "--raw", "oci:\(scratch.path("layout")):1.0.0"])
            #expect(inspect.status == 0, "\(inspect.stderr)")
            #expect(inspect.stdout.contains("application/vnd.cncf.model.manifest.v1+json"))
            let copy = try ProcessRunner.run(
                [
                    "skopeo", "copy", "oci:\(scratch.path("layout")):1.0.0",
                    "dir:\(scratch.path("copy"))",
                ])
            #expect(copy.status == 0, "\(copy.stderr)")
        }
    }

    @Test func skippingTheFlushWritesTheSameWholeBlobs() throws {
        let scratch = try ScratchDirectory()
        let model = try ModelDirectory.scan(try writeSampleModel(in: scratch))
        var digests: [Digest] = []
        for durability in Durability.allCases {
            let path = scratch.path("layout-\(durability.rawValue)")
            let layout = try ImageLayout.open(path, create: true, durability: durability)
            #expect(layout.durability == durability)
            let result = try ModelPackager.build(model, into: layout, options: options(.zstd))
            try layout.tag(result.manifestDescriptor, as: "1.0.0")
            #expect(try LayoutChecker.problems(in: path).isEmpty)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: "\(path)/.shipml-tmp") == [])
            digests.append(result.manifestDescriptor.digest)
        }
        #expect(Set(digests).count == 1)
    }

    @Test func theSameFilesGiveTheSameDigestsWhateverTheirTimesModesAndOrder() throws {
        let scratch = try ScratchDirectory()
        let first = try writeSampleModel(in: scratch, at: "a")
        let second = try writeSampleModel(in: scratch, at: "b", reversed: true)
        // Different mtimes and permission bits on the second copy.
        for path in try FileManager.default.subpathsOfDirectory(atPath: second) {
            let full = second + "/" + path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if !isDirectory.boolValue {
                try FileManager.default.setAttributes(
                    [
                        .modificationDate: Date(timeIntervalSince1970: 86_400),
                        .posixPermissions: 0o600,
                    ],
                    ofItemAtPath: full)
            }
        }
        let a = try ModelPackager.build(
            try ModelDirectory.scan(first), into: nil, options: options())
        let b = try ModelPackager.build(
            try ModelDirectory.scan(second), into: nil, options: options())
        #expect(a.manifestDescriptor.digest == b.manifestDescriptor.digest)
        #expect(a.layers.map(\.descriptor.digest) == b.layers.map(\.descriptor.digest))
    }

    @Test func anUnchangedShardKeepsItsDigestWhenAnotherChanges() throws {
        let scratch = try ScratchDirectory()
        let directory = try writeSampleModel(in: scratch)
        let before = try ModelPackager.build(
            try ModelDirectory.scan(directory), into: nil, options: options())
        try scratch.write(
            "model/model-00002-of-00002.safetensors", Data(repeating: 9, count: 200_000))
        let after = try ModelPackager.build(
            try ModelDirectory.scan(directory), into: nil, options: options())
        #expect(before.layers[0].descriptor.digest == after.layers[0].descriptor.digest)
        #expect(before.layers[1].descriptor.digest != after.layers[1].descriptor.digest)
    }

    @Test func aDryRunGivesTheDigestsOfARealBuildAndWritesNothing() throws {
        let scratch = try ScratchDirectory()
        let model = try ModelDirectory.scan(try writeSampleModel(in: scratch))
        let layout = try ImageLayout.open(scratch.path("layout"), create: true)
        var dry = options(.zstd)
        dry.dryRun = true
        let planned = try ModelPackager.build(model, into: nil, options: dry)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.path("layout/blobs/sha256"))
                .isEmpty)
        let real = try ModelPackager.build(model, into: layout, options: options(.zstd))
        #expect(planned.manifestDescriptor.digest == real.manifestDescriptor.digest)
    }

    @Test func theCacheSkipsReadingAnUnchangedModel() throws {
        let scratch = try ScratchDirectory()
        let directory = try writeSampleModel(in: scratch)
        let layout = try ImageLayout.open(scratch.path("layout"), create: true)
        var cached = options()
        cached.cache = LayerCache(directory: scratch.path("cache"))
        let first = try ModelPackager.build(
            try ModelDirectory.scan(directory), into: layout, options: cached)
        #expect(first.layers.allSatisfy { !$0.cached })
        let second = try ModelPackager.build(
            try ModelDirectory.scan(directory), into: layout, options: cached)
        #expect(second.layers.allSatisfy { $0.cached })
        #expect(second.bytesRead == 0)
        #expect(second.manifestDescriptor.digest == first.manifestDescriptor.digest)

        // A touched file is read again; its content did not change, so neither does the digest.
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 5)],
            ofItemAtPath: directory + "/model-00001-of-00002.safetensors")
        let third = try ModelPackager.build(
            try ModelDirectory.scan(directory), into: layout, options: cached)
        #expect(third.layers.filter { !$0.cached }.count == 1)
        #expect(third.manifestDescriptor.digest == first.manifestDescriptor.digest)

        // A cache entry whose blob is gone from the target layout is not trusted.
        let other = try ImageLayout.open(scratch.path("other"), create: true)
        let fourth = try ModelPackager.build(
            try ModelDirectory.scan(directory), into: other, options: cached)
        #expect(fourth.layers.allSatisfy { !$0.cached })
        #expect(try LayoutChecker.problems(in: scratch.path("other")).isEmpty)
    }

    @Test func tagsShareOneLayoutAndReplaceOnlyThemselves() throws {
        let scratch = try ScratchDirectory()
        let directory = try writeSampleModel(in: scratch)
        let layout = try ImageLayout.open(scratch.path("layout"), create: true)
        let model = try ModelDirectory.scan(directory)
        let one = try ModelPackager.build(model, into: layout, options: options())
        try layout.tag(one.manifestDescriptor, as: "v1")
        var zstd = options(.zstd)
        zstd.version = "2.0.0"
        let two = try ModelPackager.build(model, into: layout, options: zstd)
        try layout.tag(two.manifestDescriptor, as: "v2")
        try layout.tag(two.manifestDescriptor, as: "v1")
        let index = try layout.readIndex()
        #expect(index.manifests.count == 2)
        #expect(try layout.resolve("v1").digest == two.manifestDescriptor.digest)
        #expect(throws: LayoutError.self) { try layout.resolve("v3") }
        #expect(throws: LayoutError.self) { try layout.resolve(nil) }
    }

    @Test func aFailedLayerLeavesNoTemporaryBlob() throws {
        let scratch = try ScratchDirectory()
        let directory = try writeSampleModel(in: scratch)
        let model = try ModelDirectory.scan(directory)
        try FileManager.default.removeItem(atPath: directory + "/model-00002-of-00002.safetensors")
        let layout = try ImageLayout.open(scratch.path("layout"), create: true)
        #expect(throws: (any Error).self) {
            try ModelPackager.build(model, into: layout, options: options())
        }
        #expect(try LayoutChecker.problems(in: scratch.path("layout")).isEmpty)
    }

    @Test func layoutsThatAreNotLayoutsAreRefused() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("full/file.txt", "x")
        #expect(throws: LayoutError.self) {
            try ImageLayout.open(scratch.path("full"), create: true)
        }
        #expect(throws: LayoutError.self) {
            try ImageLayout.open(scratch.path("none"), create: false)
        }
        try scratch.write("bad/oci-layout", "{\"imageLayoutVersion\": \"9\"}")
        #expect(throws: LayoutError.self) {
            try ImageLayout.open(scratch.path("bad"), create: true)
        }
    }
}
