import Foundation
import ShipMLTestSupport
import Testing

@testable import Registry

/// The address of the docker-registry that `.ci/run` (through `scripts/with-registry`) starts
/// on loopback; the registry tests are skipped, and say so, when it is not set.
let testRegistry = ProcessInfo.processInfo.environment["SHIPML_TEST_REGISTRY"]

/// The transport against a real OCI registry, the one the registry client will be built on.
@Suite(.enabled(if: testRegistry != nil, "SHIPML_TEST_REGISTRY is not set: run scripts/test"))
struct RegistrySmokeTests {
    let base = "http://\(testRegistry ?? "127.0.0.1:1")"
    let client = HTTPClient(options: .init(version: "0.0.0-test"))

    @Test func theVersionCheckAnswers() throws {
        let response = try client.send(HTTPRequest(.get, url: "\(base)/v2/"))
        #expect(response.status == 200)
        #expect(response.headers["Docker-Distribution-API-Version"] == "registry/2.0")
    }

    /// A monolithic blob upload (POST, then PUT with the digest), then HEAD and GET it back.
    @Test func aBlobGoesUpAndComesBack() throws {
        let blob = Data("shipml registry smoke test \(UUID().uuidString)\n".utf8)
        let digest = try sha256Hex(blob)
        let repository = "smoke/blob-\(UUID().uuidString.prefix(8).lowercased())"

        let start = try client.send(
            HTTPRequest(.post, url: "\(base)/v2/\(repository)/blobs/uploads/"))
        #expect(start.status == 202)
        let location = try #require(start.headers["Location"])
        let uploadURL = location.hasPrefix("http") ? location : base + location
        let separator = uploadURL.contains("?") ? "&" : "?"
        let put = try client.send(
            HTTPRequest(
                .put, url: "\(uploadURL)\(separator)digest=sha256:\(digest)",
                headers: ["Content-Type": "application/octet-stream"], body: .data(blob)))
        #expect(put.status == 201)
        #expect(put.headers["Docker-Content-Digest"] == "sha256:\(digest)")

        let head = try client.send(
            HTTPRequest(.head, url: "\(base)/v2/\(repository)/blobs/sha256:\(digest)"))
        #expect(head.status == 200)
        #expect(head.headers["Content-Length"] == "\(blob.count)")
        let get = try client.send(
            HTTPRequest(.get, url: "\(base)/v2/\(repository)/blobs/sha256:\(digest)"))
        #expect(get.body == blob)
    }

    /// The digest the registry checks, computed by coreutils so the test trusts no code of ours.
    private func sha256Hex(_ data: Data) throws -> String {
        let result = try ProcessRunner.run(["sha256sum"], input: data)
        return String(result.stdout.prefix(64))
    }
}
