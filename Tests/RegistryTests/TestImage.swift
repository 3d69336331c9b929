import Builder
import Foundation
import Registry
import ShipMLTestSupport
import ShipModel

/// A small image written into a layout for the registry tests: a config and layers of random
/// bytes (so no two tests share a blob by accident).
struct TestImage {
    let layout: ImageLayout
    let root: Descriptor
    let manifest: Manifest
    let manifestData: Data
    let layers: [Data]

    static func make(
        in scratch: ScratchDirectory, name: String = "layout", tag: String = "v1",
        layerSizes: [Int] = [1000, 200_000]
    ) throws -> TestImage {
        let layout = try ImageLayout.open(scratch.path(name), create: true)
        let layers = layerSizes.map { size in
            Data((0..<size).map { _ in UInt8.random(in: 0...255) })
        }
        let config = try layout.writeBlob(
            Data("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"\(UUID())\"}".utf8),
            mediaType: .imageConfig)
        let descriptors = try layers.map { try layout.writeBlob($0, mediaType: .layer) }
        let manifest = Manifest(config: config, layers: descriptors)
        let data = try CanonicalJSON.encode(manifest)
        let root = try layout.writeBlob(data, mediaType: .imageManifest)
        try layout.tag(root, as: tag)
        return TestImage(
            layout: layout, root: root, manifest: manifest, manifestData: data, layers: layers)
    }
}

/// A session with a registry over plain HTTP, anonymous unless given a credential, retrying
/// quickly; its request lines are recorded.
final class RecordingSession: @unchecked Sendable {
    let session: RegistrySession
    private let lock = NSLock()
    private var lines: [String] = []

    init(
        _ address: String, credential: Credential? = nil, retry: RetryPolicy? = nil,
        quirks: RegistryQuirks? = nil
    ) {
        let box = RecorderBox()
        session = RegistrySession(
            endpoint: RegistryEndpoint(host: address, plainHTTP: true),
            credentials: StaticCredentials(credential),
            options: HTTPClient.Options(version: "0.0.0-test"),
            retry: retry ?? RetryPolicy(attempts: 4, baseDelay: .milliseconds(20)),
            quirks: quirks, log: { line in box.append(line) })
        box.target = self
    }

    func record(_ line: String) { lock.withLock { lines.append(line) } }
    var requests: [String] { lock.withLock { lines.filter { $0.hasPrefix("> ") } } }
    var all: [String] { lock.withLock { lines } }

    func repository(_ name: String) -> RemoteRepository {
        RemoteRepository(session: session, name: name)
    }
}

/// Forwards log lines to the session recorder once it exists. `@unchecked Sendable`: `target`
/// is set once, before any request is sent.
final class RecorderBox: @unchecked Sendable {
    weak var target: RecordingSession?
    func append(_ line: String) { target?.record(line) }
}

/// A fresh repository name, so tests sharing a registry never see each other's content.
func uniqueRepository(_ prefix: String) -> String {
    "test/\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}
