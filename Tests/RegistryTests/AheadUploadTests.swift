import Builder
import Foundation
import Registry
import ShipMLTestSupport
import ShipModel
import Testing

/// Uploads begun before the blob's digest is known (`build --to REGISTRY` overlapping its
/// first pass with the upload), against the real registry.
@Suite(.enabled(if: testRegistry != nil, "SHIPML_TEST_REGISTRY is not set: run scripts/test"))
struct AheadUploadTests {
    let address = testRegistry ?? "127.0.0.1:1"

    /// Every blob over 1000 bytes goes up in 64 KiB chunks.
    static let smallChunks = FaultTests.smallChunks

    static func randomBytes(_ count: Int) -> Data {
        Data((0..<count).map { _ in UInt8.random(in: 0...255) })
    }

    static func digest(_ data: Data) -> Digest { Digest(sha256: SHA256Hasher.hash(data)) }

    /// Produces `data` in 10 000-byte writes, returning its size and, when `hashing`, its
    /// digest.
    static func producer(_ data: Data, hashing: Bool = true)
        -> @Sendable (
            (UnsafeRawBufferPointer) throws -> Void
        ) throws -> (Digest?, Int64)
    {
        { write in
            var offset = 0
            while offset < data.count {
                let end = min(offset + 10_000, data.count)
                try data[offset..<end].withUnsafeBytes { try write($0) }
                offset = end
            }
            return (hashing ? digest(data) : nil, Int64(data.count))
        }
    }

    @Test func anUploadBegunBeforeItsDigestFinishesWithTheDigestItLearnsLater() throws {
        let recorder = RecordingSession(address, quirks: Self.smallChunks)
        let repository = recorder.repository(uniqueRepository("ahead"))
        let data = Self.randomBytes(600_000)
        var asked = 0
        // Unknown for the first four chunks, as while the build is still hashing.
        let uploaded = try repository.uploadAhead(
            atLeast: 500_000, produce: Self.producer(data),
            verdict: { wait in
                asked += 1
                if asked <= 4 && !wait { return nil }
                return .finish(Self.digest(data), size: Int64(data.count))
            })
        #expect(uploaded)
        #expect(asked == 5)
        #expect(try repository.blobSize(Self.digest(data)) == Int64(data.count))
        let patches = recorder.requests.filter { $0.hasPrefix("> PATCH") }
        #expect(patches.count == 10, "\(recorder.requests)")  // 600 000 bytes in 64 KiB chunks
        var fetched = Data()
        try repository.download(
            Self.digest(data), size: Int64(data.count), restart: { fetched = Data() },
            sink: { fetched.append(contentsOf: $0) })
        #expect(fetched == data)
    }

    @Test func aCancelledUploadIsDeletedAndLeavesNoBlob() throws {
        let recorder = RecordingSession(address, quirks: Self.smallChunks)
        let repository = recorder.repository(uniqueRepository("ahead-cancel"))
        let data = Self.randomBytes(600_000)
        var asked = 0
        let uploaded = try repository.uploadAhead(
            atLeast: 500_000, produce: Self.producer(data),
            verdict: { _ in
                asked += 1
                return asked <= 2 ? nil : .cancel
            })
        #expect(!uploaded)
        #expect(recorder.requests.filter { $0.hasPrefix("> PATCH") }.count == 2)
        #expect(recorder.requests.contains { $0.hasPrefix("> DELETE") }, "\(recorder.requests)")
        #expect(try repository.blobSize(Self.digest(data)) == nil)
    }

    /// The model changed between the passes: the bytes made again are not the blob the first
    /// pass hashed. A hashing producer stops before the `PUT`; one that does not is stopped by
    /// the registry's own check. Neither leaves a blob.
    @Test(arguments: [true, false])
    func bytesThatAreNotTheNamedBlobAreNeverCommitted(hashing: Bool) throws {
        let recorder = RecordingSession(address, quirks: Self.smallChunks)
        let repository = recorder.repository(uniqueRepository("ahead-changed"))
        let hashed = Self.randomBytes(300_000)
        var made = hashed
        made[1000] ^= 0xFF
        #expect {
            try repository.uploadAhead(
                atLeast: 200_000, produce: Self.producer(made, hashing: hashing),
                verdict: { _ in .finish(Self.digest(hashed), size: Int64(hashed.count)) })
        } throws: { error in
            (error as? RegistryError)?.kind == .digestMismatch
        }
        let commits = recorder.requests.filter { $0.hasPrefix("> PUT") }
        #expect(commits.count == (hashing ? 0 : 1), "\(recorder.requests)")
        #expect(try repository.blobSize(Self.digest(hashed)) == nil)
        #expect(try repository.blobSize(Self.digest(made)) == nil)
    }

    /// A build's large layer goes up while the build hashes it; the push after it counts it
    /// as sent and sends only the rest; the image is the layout build's, byte for byte.
    @Test func aBuildUploadsItsLargeLayerWhileHashingIt() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("model/config.json", "{\"architectures\": [\"Demo\"]}\n")
        _ = try scratch.write("model/model.safetensors", Self.randomBytes(2_000_000))
        let model = try ModelDirectory.scan(scratch.path("model"))
        var options = BuildOptions(
            modelName: "demo", version: "1", created: Date(timeIntervalSince1970: 1_700_000_000),
            entryTime: Date(timeIntervalSince1970: 1_700_000_000))
        options.dryRun = true
        let recorder = RecordingSession(address, quirks: Self.smallChunks)
        let repository = recorder.repository(uniqueRepository("ahead-build"))
        var pusher = Pusher(repository: repository, jobs: 2)
        let ahead = AheadUploads(pusher: pusher, threshold: 1_000_000)
        options.observer = ahead
        let built = try ModelPackager.build(model, into: nil, options: options)
        let (sent, failures) = ahead.wait()
        #expect(failures.isEmpty, "\(failures)")
        let weights = try #require(built.layers.first { $0.descriptor.size > 2_000_000 })
        #expect(sent == [weights.descriptor.digest: weights.descriptor.size])

        pusher.sentAhead = sent
        var manifest = built.manifestDescriptor
        manifest.artifactType = nil
        let graph = ImageGraph(
            blobs: [built.manifest.config] + built.manifest.layers,
            manifests: [.init(descriptor: manifest, data: built.manifestData)])
        let report = try pusher.push(graph, tags: ["v1"]) { blob in
            if blob.digest == built.manifest.config.digest { return .data(built.configData) }
            let recipe = try #require(built.recipes[blob.digest])
            return .stream { write in
                try withoutActuallyEscaping(write) { try recipe.write(to: $0) }
            }
        }
        #expect(report.transferred == 3 && report.skipped == 0)
        // Each of the three blobs was uploaded once: the weights ahead, the others by the push.
        let uploads = recorder.requests.filter { $0.hasPrefix("> POST") }
        #expect(uploads.count == 3, "\(recorder.requests)")

        var local = options
        local.dryRun = false
        local.observer = nil
        let layout = try ImageLayout.open(scratch.path("layout"), create: true)
        let fromLayout = try ModelPackager.build(model, into: layout, options: local)
        #expect(fromLayout.manifestData == built.manifestData)
        let copied = try ProcessRunner.run([
            "skopeo", "copy", "--src-tls-verify=false",
            "docker://\(address)/\(repository.name):v1", "oci:\(scratch.path("copy")):v1",
        ])
        #expect(copied.succeeded, "\(copied.stderr)")
        #expect(try LayoutChecker.problems(in: scratch.path("copy")).isEmpty)
    }

    /// When the registry already has the layer, the upload ahead stops as soon as the build
    /// knows the digest, and nothing is sent twice.
    @Test func aLayerTheRegistryHasIsNotSentAhead() throws {
        let scratch = try ScratchDirectory()
        let weights = Self.randomBytes(2_000_000)
        _ = try scratch.write("model/model.safetensors", weights)
        let model = try ModelDirectory.scan(scratch.path("model"))
        var options = BuildOptions(
            modelName: "demo", version: "1", created: Date(timeIntervalSince1970: 0),
            entryTime: Date(timeIntervalSince1970: 0))
        options.dryRun = true
        let first = try ModelPackager.build(model, into: nil, options: options)
        let layer = try #require(first.layers.first)
        let recipe = try #require(first.recipes[layer.descriptor.digest])
        let recorder = RecordingSession(address, quirks: Self.smallChunks)
        let repository = recorder.repository(uniqueRepository("ahead-present"))
        try repository.upload(
            layer.descriptor.digest, size: layer.descriptor.size,
            from: .stream { write in
                try withoutActuallyEscaping(write) { try recipe.write(to: $0) }
            })

        let ahead = AheadUploads(pusher: Pusher(repository: repository), threshold: 1_000_000)
        options.observer = ahead
        _ = try ModelPackager.build(model, into: nil, options: options)
        let (sent, failures) = ahead.wait()
        #expect(sent.isEmpty && failures.isEmpty, "\(failures)")
        // Only the first upload was committed; the one begun ahead was deleted.
        #expect(recorder.requests.filter { $0.hasPrefix("> PUT") }.count == 1)
        #expect(recorder.requests.contains { $0.hasPrefix("> DELETE") }, "\(recorder.requests)")
    }

    /// A build that fails (here: a model file vanished after the scan) stops its uploads
    /// ahead; none is committed.
    @Test func aFailedBuildAbandonsItsUploadsAhead() throws {
        let recorder = RecordingSession(address, quirks: Self.smallChunks)
        let repository = recorder.repository(uniqueRepository("ahead-failed"))
        let scratch = try ScratchDirectory()
        let path = try scratch.write("model/model.safetensors", Self.randomBytes(2_000_000))
        let model = try ModelDirectory.scan(scratch.path("model"))
        try FileManager.default.removeItem(atPath: path)
        var options = BuildOptions(
            modelName: "demo", version: "1", created: Date(timeIntervalSince1970: 0),
            entryTime: Date(timeIntervalSince1970: 0))
        options.dryRun = true
        let ahead = AheadUploads(pusher: Pusher(repository: repository), threshold: 1_000_000)
        options.observer = ahead
        #expect(throws: (any Error).self) {
            try ModelPackager.build(model, into: nil, options: options)
        }
        ahead.abandon()
        let (sent, _) = ahead.wait()
        #expect(sent.isEmpty)
        #expect(!recorder.requests.contains { $0.hasPrefix("> PUT") }, "\(recorder.requests)")
    }
}
