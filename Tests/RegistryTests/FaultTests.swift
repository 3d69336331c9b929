import Builder
import Foundation
import ShipMLTestSupport
import ShipModel
import Testing

@testable import Registry

/// Pushes through a proxy that injects 500s, 429s and dropped connections, and against a
/// registry killed mid-upload: each time the content in the registry ends complete and
/// verified, and a push run again sends only what is missing.
@Suite(.serialized)
struct FaultTests {
    static let fast = RetryPolicy(attempts: 6, baseDelay: .milliseconds(20))
    /// Every blob over 1000 bytes goes up in 64 KiB chunks.
    static let smallChunks: RegistryQuirks = {
        var quirks = RegistryQuirks.standard
        quirks.monolithicLimit = 1000
        quirks.chunkSize = 64 << 10
        return quirks
    }()

    /// The registry's copy, fetched by skopeo and checked by an independent reader.
    func verify(_ address: String, _ name: String, _ image: TestImage, _ scratch: ScratchDirectory)
        throws
    {
        let copied = try ProcessRunner.run([
            "skopeo", "copy", "--src-tls-verify=false", "docker://\(address)/\(name):v1",
            "oci:\(scratch.path("verify")):v1",
        ])
        #expect(copied.succeeded, "\(copied.stderr)")
        #expect(try LayoutChecker.problems(in: scratch.path("verify")).isEmpty)
        let raw = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://\(address)/\(name):v1",
        ])
        #expect(raw.stdoutData == image.manifestData)
    }

    @Test func fiveHundredsTooManyRequestsAndDropsAreRetried() throws {
        let registry = try RegistryServer()
        let seen = Counter()
        let proxy = try FaultProxy(upstream: registry.address) { request in
            // The first try of every upload start, blob PUT and manifest PUT fails, each way.
            // Keyed by what is uploaded, not by the upload's URL (a restart gets a new one).
            let digest = request.target.components(separatedBy: "digest=").dropFirst().first ?? ""
            let path = request.target.contains("/blobs/uploads/") ? "upload" : request.target
            let key = "\(request.method) \(path) \(digest)"
            guard seen.first(key) else { return .pass }
            switch request.method {
            case "POST": return .answer(503, [])
            case "PUT" where request.target.contains("/manifests/"):
                return .answer(429, [("Retry-After", "0")])
            case "PUT": return .dropMidBody
            case "HEAD": return .answer(500, [])
            default: return .pass
            }
        }
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [150_000, 40_000])
        let recording = RecordingSession(proxy.address, retry: Self.fast)
        let report = try Pusher(repository: recording.repository("ml/faults")).push(
            from: image.layout, root: image.root, tags: ["v1"])
        #expect(report.transferred == 3)
        #expect(proxy.events.contains { $0.contains("-> answer(503") })
        #expect(proxy.events.contains { $0.contains("-> answer(429") })
        #expect(proxy.events.contains { $0.contains("-> dropMidBody") })
        try verify(registry.address, "ml/faults", image, scratch)
    }

    @Test func aChunkedUploadResumesWhereTheRegistryStopped() throws {
        let registry = try RegistryServer()
        let patches = Counter()
        let proxy = try FaultProxy(upstream: registry.address) { request in
            guard request.method == "PATCH" else { return .pass }
            // The third chunk's connection breaks halfway.
            return patches.next() == 3 ? .dropMidBody : .pass
        }
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [400_000])
        let recording = RecordingSession(proxy.address, retry: Self.fast, quirks: Self.smallChunks)
        _ = try Pusher(repository: recording.repository("ml/resume")).push(
            from: image.layout, root: image.root, tags: ["v1"])
        let requests = recording.requests
        // It asked the upload where it stood and went on from there: no second POST.
        #expect(requests.contains { $0.hasPrefix("> GET ") && $0.contains("/blobs/uploads/") })
        let posts = requests.filter { $0.hasPrefix("> POST ") }
        #expect(posts.count == 2, "one upload for the layer, one for the config: \(requests)")
        let chunkCount = (400_000 + 65_535) / 65_536
        #expect(requests.filter { $0.hasPrefix("> PATCH ") }.count == chunkCount + 1)
        try verify(registry.address, "ml/resume", image, scratch)
    }

    /// A 416 to a chunk: the client asks where the upload stands and sends from there.
    @Test func aRangeNotSatisfiableChunkIsResentFromTheReportedOffset() throws {
        let registry = try RegistryServer()
        let patches = Counter()
        let proxy = try FaultProxy(upstream: registry.address) { request in
            guard request.method == "PATCH", patches.next() == 2 else { return .pass }
            return .answer(416, [])
        }
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [200_000])
        let recording = RecordingSession(proxy.address, retry: Self.fast, quirks: Self.smallChunks)
        _ = try Pusher(repository: recording.repository("ml/range")).push(
            from: image.layout, root: image.root, tags: ["v1"])
        let requests = recording.requests
        #expect(requests.contains { $0.hasPrefix("> GET ") && $0.contains("/blobs/uploads/") })
        #expect(
            requests.filter { $0.hasPrefix("> PATCH ") }.count == (200_000 + 65_535) / 65_536 + 1)
        try verify(registry.address, "ml/range", image, scratch)
    }

    @Test func aRegistryKilledMidUploadAndRestartedStillGetsEverything() throws {
        let registry = try RegistryServer()
        let patches = Counter()
        let proxy = try FaultProxy(upstream: registry.address) { request in
            guard request.method == "PATCH", patches.next() == 2 else { return .pass }
            registry.kill()
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) {
                try? registry.restart()
            }
            return .drop
        }
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [300_000])
        let recording = RecordingSession(
            proxy.address, retry: RetryPolicy(attempts: 8, baseDelay: .milliseconds(100)),
            quirks: Self.smallChunks)
        _ = try Pusher(repository: recording.repository("ml/killed")).push(
            from: image.layout, root: image.root, tags: ["v1"])
        // The upload outlived the registry: it was asked where it stood and resumed, so only
        // the broken chunk was sent twice (a restart would send every chunk again).
        let requests = recording.requests
        #expect(requests.contains { $0.hasPrefix("> GET ") && $0.contains("/blobs/uploads/") })
        let chunkCount = (300_000 + 65_535) / 65_536
        #expect(
            requests.filter { $0.hasPrefix("> PATCH ") }.count == chunkCount + 1,
            "\(recording.all)")
        try verify(registry.address, "ml/killed", image, scratch)
    }

    @Test func anInterruptedPushRunAgainSendsOnlyWhatIsMissing() throws {
        let registry = try RegistryServer()
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [1000, 2000, 3000])
        // The first push loses its manifest: every manifest PUT fails.
        let failing = try FaultProxy(upstream: registry.address) { request in
            request.method == "PUT" && request.target.contains("/manifests/")
                ? .answer(500, []) : .pass
        }
        #expect(throws: RegistryError.self) {
            _ = try Pusher(
                repository: RecordingSession(failing.address, retry: .none).repository("ml/again")
            ).push(from: image.layout, root: image.root, tags: ["v1"])
        }
        // No tag names incomplete content: the tag does not exist yet.
        let probe = RecordingSession(registry.address)
        #expect(try probe.repository("ml/again").manifestDescriptor("v1") == nil)
        let report = try Pusher(
            repository: RecordingSession(registry.address).repository("ml/again")
        )
        .push(from: image.layout, root: image.root, tags: ["v1"])
        #expect(report.transferred == 0)
        #expect(report.skipped == 4)
        try verify(registry.address, "ml/again", image, scratch)
    }
}

/// Counts under a lock, for proxy rules called from several threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    private var keys: Set<String> = []

    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }

    /// True the first time `key` is seen.
    func first(_ key: String) -> Bool { lock.withLock { keys.insert(key).inserted } }
}
