import Builder
import Foundation
import ShipMLTestSupport
import ShipModel
import Testing

@testable import Registry

/// Push, pull and copy against the real docker-registry `.ci/run` starts, checked by skopeo.
@Suite(.enabled(if: testRegistry != nil, "SHIPML_TEST_REGISTRY is not set: run scripts/test"))
struct PushPullTests {
    let address = testRegistry ?? "127.0.0.1:1"

    @Test func skopeoReadsWhatShipmlPushed() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch)
        let recording = RecordingSession(address)
        let name = uniqueRepository("push")
        let report = try Pusher(repository: recording.repository(name)).push(
            from: image.layout, root: image.root, tags: ["v1", "stable"])
        #expect(report.transferred == 3)
        #expect(report.transferredBytes == image.manifest.config.size + 201_000)
        #expect(report.digest == image.root.digest)

        for tag in ["v1", "stable"] {
            let raw = try ProcessRunner.run([
                "skopeo", "inspect", "--raw", "--tls-verify=false",
                "docker://\(address)/\(name):\(tag)",
            ])
            #expect(raw.succeeded, "\(raw.stderr)")
            #expect(raw.stdoutData == image.manifestData)
        }
        let copied = try ProcessRunner.run([
            "skopeo", "copy", "--src-tls-verify=false", "docker://\(address)/\(name):v1",
            "oci:\(scratch.path("from-skopeo")):v1",
        ])
        #expect(copied.succeeded, "\(copied.stderr)")
        #expect(try LayoutChecker.problems(in: scratch.path("from-skopeo")).isEmpty)
    }

    @Test func aSecondPushSendsNoBlobAndNoManifest() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch)
        let name = uniqueRepository("repush")
        _ = try Pusher(repository: RecordingSession(address).repository(name)).push(
            from: image.layout, root: image.root, tags: ["v1"])
        let again = RecordingSession(address)
        let report = try Pusher(repository: again.repository(name)).push(
            from: image.layout, root: image.root, tags: ["v1"])
        #expect(report.transferred == 0)
        #expect(report.skipped == 3)
        #expect(report.manifests == 0)
        // The API check, then only HEADs: nothing was uploaded or written.
        #expect(again.requests.first?.hasSuffix("/v2/") == true)
        #expect(
            again.requests.dropFirst().allSatisfy { $0.hasPrefix("> HEAD ") }, "\(again.requests)")
    }

    @Test func pullsWhatSkopeoPushedAndVerifiesIt() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch)
        let name = uniqueRepository("pull")
        let pushed = try ProcessRunner.run([
            "skopeo", "copy", "--dest-tls-verify=false", "oci:\(scratch.path("layout")):v1",
            "docker://\(address)/\(name):v1",
        ])
        try #require(pushed.succeeded, "\(pushed.stderr)")

        let target = try ImageLayout.open(scratch.path("pulled"), create: true)
        let report = try Puller(repository: RecordingSession(address).repository(name)).pull(
            "v1", into: target, tag: "copy")
        #expect(report.transferred == 3)
        #expect(try LayoutChecker.problems(in: scratch.path("pulled")).isEmpty)
        // skopeo compresses layers on the way to a registry: compare with what it stored.
        let raw = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://\(address)/\(name):v1",
        ])
        let root = try target.resolve("copy")
        #expect(try target.readBlob(root) == raw.stdoutData)
        let manifest = try CanonicalJSON.decode(Manifest.self, from: target.readBlob(root))
        #expect(manifest.layers.count == image.layers.count)
        for layer in manifest.layers {
            #expect(try target.readBlob(layer).count == layer.size)
        }
        // Pulled again into the same layout: nothing is fetched.
        let again = try Puller(repository: RecordingSession(address).repository(name)).pull(
            "v1", into: target, tag: "copy")
        #expect(again.transferred == 0)
        #expect(again.skipped == 3)
    }

    @Test func pullByDigestChecksTheDigest() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch)
        let name = uniqueRepository("digest")
        _ = try Pusher(repository: RecordingSession(address).repository(name)).push(
            from: image.layout, root: image.root, tags: ["v1"])
        let target = try ImageLayout.open(scratch.path("pulled"), create: true)
        let report = try Puller(repository: RecordingSession(address).repository(name)).pull(
            image.root.digest.description, into: target, tag: "pinned")
        #expect(report.digest == image.root.digest)
        #expect(try target.resolve("pinned").digest == image.root.digest)
    }

    @Test func copyingWithinARegistryMountsEveryBlob() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch)
        let source = uniqueRepository("mount-from")
        let target = uniqueRepository("mount-to")
        _ = try Pusher(repository: RecordingSession(address).repository(source)).push(
            from: image.layout, root: image.root, tags: ["v1"])
        let graph = try ImageGraph.walk(image.root) { try image.layout.readBlob($0) }
        let report = try Pusher(
            repository: RecordingSession(address).repository(target), mountFrom: [source]
        ).push(graph, tags: ["v1"]) { blob in
            Issue.record("blob \(blob.digest) was read instead of mounted")
            throw RegistryError(.configuration, "unexpected read")
        }
        #expect(report.mounted == 3)
        #expect(report.transferred == 0)
        let raw = try RecordingSession(address).repository(target).manifest("v1")
        #expect(raw.data == image.manifestData)
    }

    /// A second repository of the same registry gets the blobs by mount, found in the record
    /// of where the first push put them.
    @Test func aPushMountsBlobsItPushedElsewhereBefore() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch)
        let locations = BlobLocations(directory: scratch.path("cache"))
        let first = uniqueRepository("first")
        let second = uniqueRepository("second")
        _ = try Pusher(
            repository: RecordingSession(address).repository(first), locations: locations
        )
        .push(from: image.layout, root: image.root, tags: ["v1"])
        #expect(
            locations.repositories(holding: image.manifest.layers[0].digest, on: address) == [first]
        )
        let report = try Pusher(
            repository: RecordingSession(address).repository(second), locations: locations
        ).push(from: image.layout, root: image.root, tags: ["v1"])
        #expect(report.mounted == 3)
        #expect(report.transferred == 0)
        #expect(
            locations.repositories(holding: image.manifest.layers[0].digest, on: address)
                == [second, first])
    }

    @Test func aLargeBlobGoesUpInChunks() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch, layerSizes: [300_000])
        var quirks = RegistryQuirks.standard
        quirks.monolithicLimit = 1000
        quirks.chunkSize = 64 << 10
        let recording = RecordingSession(address, quirks: quirks)
        let name = uniqueRepository("chunked")
        _ = try Pusher(repository: recording.repository(name)).push(
            from: image.layout, root: image.root, tags: ["v1"])
        let patches = recording.requests.filter { $0.hasPrefix("> PATCH ") }
        #expect(patches.count == (300_000 + 65_535) / 65_536)
        var received = Data()
        let layer = image.manifest.layers[0]
        try recording.repository(name).download(
            layer.digest, size: layer.size, restart: { received = Data() },
            sink: { received.append(contentsOf: $0) })
        #expect(received == image.layers[0])
    }

    @Test func missingThingsAreNamedPrecisely() throws {
        let repository = RecordingSession(address).repository(uniqueRepository("missing"))
        let error = try #require(throws: RegistryError.self) {
            _ = try repository.manifest("v9")
        }
        #expect(error.kind == .manifestUnknown || error.kind == .nameUnknown)
        #expect(error.description.contains("v9"))
        let scratch = try ScratchDirectory()
        let layout = try ImageLayout.open(scratch.path("x"), create: true)
        #expect(throws: RegistryError.self) {
            _ = try Puller(repository: repository).pull("v9", into: layout, tag: "v9")
        }
        #expect(try layout.readIndex().manifests.isEmpty)
    }
}

/// A registry that is not there.
struct UnreachableRegistryTests {
    @Test func aRegistryThatIsDownIsAnEnvironmentError() throws {
        let port = try RegistryServer.freePort()
        let recording = RecordingSession(
            "127.0.0.1:\(port)", retry: RetryPolicy(attempts: 2, baseDelay: .milliseconds(1)))
        let error = try #require(throws: RegistryError.self) {
            _ = try recording.repository("any/thing").manifest("v1")
        }
        #expect(error.kind == .unavailable)
        #expect(error.isEnvironmental)
        #expect(error.description.contains("cannot reach 127.0.0.1:\(port)"))
        #expect(recording.requests.count == 2)
    }
}

/// Tag listing follows `Link` pagination (Debian's registry ignores `n`, so a loopback server
/// plays a registry that pages).
struct TagPaginationTests {
    @Test func everyPageIsFollowed() throws {
        let server = try LoopbackHTTPServer()
        let pages = [
            ("/v2/ml/m/tags/list", ["a", "b"], "</v2/ml/m/tags/page2?n=2&last=b>; rel=\"next\""),
            (
                "/v2/ml/m/tags/page2", ["c", "d"],
                "<http://127.0.0.1:\(server.port)/v2/ml/m/tags/page3?last=d>; rel=\"next\""
            ),
            ("/v2/ml/m/tags/page3", ["e"], nil),
        ]
        for (path, tags, link) in pages {
            let json =
                "{\"name\":\"ml/m\",\"tags\":[\(tags.map { "\"\($0)\"" }.joined(separator: ","))]}"
            var headers = [LoopbackHTTPServer.Header("Content-Type", "application/json")]
            if let link { headers.append(.init("Link", link)) }
            server.setRoute(
                path, method: "GET",
                response: .init(status: 200, headers: headers, body: Data(json.utf8)))
        }
        let recording = RecordingSession("127.0.0.1:\(server.port)")
        #expect(try recording.repository("ml/m").tags(pageSize: 2) == ["a", "b", "c", "d", "e"])
        #expect(recording.requests.count == 3)
    }

    @Test(
        arguments: [
            (
                "<https://r.example/v2/x/tags/list?last=b>; rel=\"next\"",
                "https://r.example/v2/x/tags/list?last=b"
            ),
            ("</v2/x/tags/list?n=2&last=b>; rel=next", "/v2/x/tags/list?n=2&last=b"),
            (
                "<https://r.example/p1>; rel=\"prev\", <https://r.example/p3>; rel=\"next\"",
                "https://r.example/p3"
            ),
            ("<https://r.example/p1>; rel=\"prev\"", nil),
        ] as [(String, String?)])
    func linkHeaders(header: String, next: String?) {
        #expect(RemoteRepository.nextLink(header) == next)
    }
}
