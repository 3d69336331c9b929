import Builder
import Foundation
import ShipMLTestSupport
import ShipModel
import Testing

@testable import Registry

/// Attaching reports to a release and listing them, in a registry and in a layout.
struct ReferrersTests {
    static let reportType = MediaType("application/vnd.shipml.validation.report.v1+json")

    static func report(_ text: String) -> ReferrerArtifact {
        ReferrerArtifact(
            artifactType: reportType,
            files: [
                .init(
                    name: "report.json", mediaType: MediaType("application/json"),
                    data: Data(text.utf8))
            ])
    }

    @Test func theSameFilesGiveTheSameArtifact() throws {
        let subject = Descriptor(
            mediaType: .imageManifest, digest: Digest(sha256: SHA256Hasher.hash(Data("x".utf8))),
            size: 1)
        let first = try Self.report("{}").manifest(subject: subject)
        let second = try Self.report("{}").manifest(subject: subject)
        #expect(first.data == second.data)
        let manifest = try JSONDecoder().decode(Manifest.self, from: first.data)
        #expect(manifest.artifactType == Self.reportType)
        #expect(manifest.subject?.digest == subject.digest)
        #expect(manifest.config.mediaType == .emptyJSON)
        #expect(
            manifest.config.digest.encoded
                == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        #expect(manifest.layers.first?.annotations?[AnnotationKey.title] == "report.json")
    }

    @Test func aLayoutKeepsReferrersBesideItsTags() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch)
        let attached = try image.layout.attach(Self.report("{\"a\":1}"), to: image.root)
        try image.layout.attach(Self.report("{\"a\":1}"), to: image.root)
        #expect(
            try image.layout.referrers(of: image.root.digest).map(\.digest) == [attached.digest])
        #expect(
            try image.layout.referrers(of: image.root.digest, artifactType: MediaType("x/y"))
                .isEmpty)
        // The tag still resolves, and the layout is still one skopeo reads.
        #expect(try image.layout.resolve(nil).digest == image.root.digest)
        #expect(try LayoutChecker.problems(in: image.layout.root).isEmpty)
        let inspected = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "oci:\(image.layout.root):v1",
        ])
        #expect(inspected.succeeded, "\(inspected.stderr)")
    }

    @Test(.enabled(if: testRegistry != nil, "SHIPML_TEST_REGISTRY is not set"))
    func aRegistryWithoutTheAPIGetsTheFallbackTag() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [10])
        let name = uniqueRepository("referrers")
        let repository = RecordingSession(testRegistry ?? "").repository(name)
        _ = try Pusher(repository: repository).push(
            from: image.layout, root: image.root, tags: ["v1"])
        let client = ReferrersClient(repository: repository)
        let report = try client.attach(Self.report("{\"ok\":true}"), to: image.root)
        let blessing = try client.attach(
            ReferrerArtifact(
                artifactType: MediaType("application/vnd.in-toto+json"),
                files: [
                    .init(
                        name: "blessing.json", mediaType: MediaType("application/json"),
                        data: Data("{}".utf8))
                ]),
            to: image.root)
        try client.attach(Self.report("{\"ok\":true}"), to: image.root)

        let all = try client.list(image.root.digest)
        #expect(Set(all.map(\.digest)) == [report.digest, blessing.digest])
        #expect(all.count == 2)
        #expect(
            try client.list(image.root.digest, artifactType: Self.reportType).map(\.digest) == [
                report.digest
            ])
        let tags = try repository.tags()
        #expect(tags.contains(ReferrersClient.fallbackTag(image.root.digest)))
        // The artifact itself is what skopeo fetches by digest.
        let raw = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "--tls-verify=false",
            "docker://\(testRegistry ?? "")/\(name)@\(report.digest)",
        ])
        #expect(raw.succeeded, "\(raw.stderr)")
        let manifest = try JSONDecoder().decode(Manifest.self, from: raw.stdoutData)
        #expect(manifest.subject?.digest == image.root.digest)
    }

    /// A registry with the referrers API (a loopback server plays one) is asked directly, and a
    /// filter it did not apply is applied here.
    @Test func theReferrersAPIIsUsedWhenThere() throws {
        let server = try LoopbackHTTPServer()
        let subject = Digest(sha256: SHA256Hasher.hash(Data("subject".utf8)))
        var first = Descriptor(
            mediaType: .imageManifest, digest: Digest(sha256: SHA256Hasher.hash(Data("a".utf8))),
            size: 10)
        first.artifactType = Self.reportType
        var second = Descriptor(
            mediaType: .imageManifest, digest: Digest(sha256: SHA256Hasher.hash(Data("b".utf8))),
            size: 20)
        second.artifactType = MediaType("application/vnd.other")
        let body = try CanonicalJSON.encode(ImageIndex(manifests: [first, second]))
        server.setRoute(
            "/v2/ml/m/referrers/\(subject)", method: "GET",
            response: .init(
                status: 200, headers: [.init("Content-Type", MediaType.imageIndex.rawValue)],
                body: body))
        let recording = RecordingSession("127.0.0.1:\(server.port)")
        let client = ReferrersClient(repository: recording.repository("ml/m"))
        #expect(try client.list(subject).map(\.digest) == [first.digest, second.digest])
        #expect(
            try client.list(subject, artifactType: Self.reportType).map(\.digest) == [first.digest])
        #expect(!recording.requests.contains { $0.contains("sha256-") })
    }
}
