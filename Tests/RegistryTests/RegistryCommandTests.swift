import Foundation
import ShipMLTestSupport
import ShipModel
import Testing

/// The built `shipml` against the real registry: output, JSON and exit codes.
@Suite(.enabled(if: testRegistry != nil, "SHIPML_TEST_REGISTRY is not set: run scripts/test"))
struct RegistryCommandTests {
    let address = testRegistry ?? "127.0.0.1:1"

    struct Report: Decodable {
        var digest: String
        var blobs: Int
        var transferred: Int
        var skipped: Int
        var mounted: Int
        var tags: [String]
    }

    func shipml(_ arguments: [String], in scratch: ScratchDirectory) throws -> ProcessResult {
        try ShipMLExecutable.run(arguments, in: scratch.path)
    }

    @Test func aPlainHTTPRegistryIsNamedOnceWithTheFlagThatReachesIt() throws {
        let scratch = try ScratchDirectory()
        _ = try TestImage.make(in: scratch)
        let repository = "\(address)/test/plain-\(UUID().uuidString.prefix(8).lowercased())"
        let refused = try shipml(["push", "oci:layout:v1", repository, "-v"], in: scratch)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("answers plain HTTP"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--plain-http"))
        // One try, not six: the TLS handshake is attempted once.
        let attempts = refused.stderr.components(separatedBy: "> GET").count - 1
        #expect(attempts == 1, "\(refused.stderr)")

        // shipml.yaml says it once for the host.
        _ = try scratch.write(
            "shipml.yaml",
            """
            apiVersion: shipml/v1
            model: {name: m, version: "1", path: model}
            environments: [{name: dev}]
            registries:
              "\(address)": {plainHTTP: true}

            """)
        let pushed = try shipml(["push", "oci:layout:v1", repository], in: scratch)
        #expect(pushed.status == 0, "\(pushed.stderr)")
    }

    @Test func pushInspectCopyPullAndTags() throws {
        let scratch = try ScratchDirectory()
        let image = try TestImage.make(in: scratch)
        let repository = "\(address)/test/cli-\(UUID().uuidString.prefix(8).lowercased())"

        let push = try shipml(
            ["push", "oci:layout:v1", repository, "--tag", "stable", "--plain-http", "--json"],
            in: scratch)
        #expect(push.status == 0, "\(push.stderr)")
        let pushed = try JSONDecoder().decode(Report.self, from: push.stdoutData)
        #expect(pushed.digest == image.root.digest.description)
        #expect(pushed.tags == ["v1", "stable"])
        #expect(pushed.transferred == 3)

        let inspect = try shipml(["inspect", "\(repository):stable", "--plain-http"], in: scratch)
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains(image.root.digest.description))

        let copy = try shipml(
            ["copy", "\(repository):v1", "\(repository)-copy:v1", "--plain-http", "--json"],
            in: scratch)
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(try JSONDecoder().decode(Report.self, from: copy.stdoutData).mounted == 3)

        let pull = try shipml(
            ["pull", "\(repository)-copy:v1", "oci:pulled:mine", "--plain-http"], in: scratch)
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(try LayoutChecker.problems(in: scratch.path("pulled")).isEmpty)

        let tags = try shipml(["tags", repository, "--plain-http", "--json"], in: scratch)
        #expect(
            try JSONDecoder().decode([String].self, from: tags.stdoutData).sorted() == [
                "stable", "v1",
            ])
    }

    @Test func chunkSizeSplitsLargeBlobs() throws {
        let scratch = try ScratchDirectory()
        _ = try TestImage.make(in: scratch, layerSizes: [3 << 20])
        let repository = "\(address)/test/chunks-\(UUID().uuidString.prefix(8).lowercased())"
        let push = try shipml(
            [
                "push", "oci:layout:v1", "\(repository):v1", "--plain-http", "--chunk-size", "1",
                "-v",
            ],
            in: scratch)
        #expect(push.status == 0, "\(push.stderr)")
        #expect(push.stderr.components(separatedBy: "> PATCH ").count - 1 == 3)
        let bad = try shipml(
            ["push", "oci:layout:v1", repository, "--chunk-size", "0"], in: scratch)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--chunk-size must be 1 to 4096"))
    }

    @Test func exitCodesSayWhoseFaultItIs() throws {
        let scratch = try ScratchDirectory()
        _ = try TestImage.make(in: scratch)
        let missing = try shipml(
            [
                "pull", "\(address)/test/none-\(UUID().uuidString.prefix(6).lowercased()):v1",
                "oci:x:v1",
                "--plain-http",
            ], in: scratch)
        #expect(missing.status == 2)
        #expect(
            missing.stderr.contains("no manifest v1")
                || missing.stderr.contains("no such repository"))

        let port = try RegistryServer.freePort()
        let down = try shipml(
            [
                "push", "oci:layout:v1", "127.0.0.1:\(port)/ml/x:v1", "--plain-http", "--retries",
                "1",
            ],
            in: scratch)
        #expect(down.status == 3)
        #expect(down.stderr.contains("cannot reach 127.0.0.1:\(port)"))

        let usage = try shipml(["push", "oci:layout:v1", "oci:other:v1"], in: scratch)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("shipml copy"))
    }
}
