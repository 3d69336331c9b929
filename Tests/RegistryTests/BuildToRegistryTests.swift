import Foundation
import ShipMLTestSupport
import Testing

/// `shipml build --to HOST/REPO:TAG`: digests first, then only missing layers, made again and
/// streamed; the result is byte for byte the image a build into a layout makes.
@Suite(.enabled(if: testRegistry != nil, "SHIPML_TEST_REGISTRY is not set: run scripts/test"))
struct BuildToRegistryTests {
    let address = testRegistry ?? "127.0.0.1:1"

    @Test(arguments: ["none", "gzip", "zstd"])
    func aBuildPushedStraightToTheRegistryIsTheLayoutBuild(compression: String) throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("model/config.json", "{\"architectures\": [\"Demo\"]}\n")
        _ = try scratch.write("model/README.md", "# demo\n")
        _ = try scratch.write(
            "model/model.safetensors", Data((0..<700_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        )
        let repository = "\(address)/test/build-\(UUID().uuidString.prefix(8).lowercased())"
        let environment: [String: String?] = [
            "SOURCE_DATE_EPOCH": "1700000000", "SHIPML_CACHE_DIR": scratch.path("cache"),
        ]
        let common = ["--name", "demo", "--compression", compression]
        let pushed = try ShipMLExecutable.run(
            ["build", "model", "--to", "\(repository):v1", "--plain-http", "--json"] + common,
            in: scratch.path, environment: environment)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        // Nothing was written locally: no layout appeared in the working directory.
        #expect(!FileManager.default.fileExists(atPath: scratch.path("v1")))

        let local = try ShipMLExecutable.run(
            ["build", "model", "--to", "oci:layout:v1", "--no-cache"] + common, in: scratch.path,
            environment: environment)
        #expect(local.status == 0, "\(local.stderr)")
        let remote = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://\(repository):v1",
        ])
        let fromLayout = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "oci:\(scratch.path("layout")):v1",
        ])
        #expect(remote.succeeded, "\(remote.stderr)")
        #expect(remote.stdoutData == fromLayout.stdoutData)
        let copied = try ProcessRunner.run([
            "skopeo", "copy", "--src-tls-verify=false", "docker://\(repository):v1",
            "oci:\(scratch.path("copy")):v1",
        ])
        #expect(copied.succeeded, "\(copied.stderr)")
        #expect(try LayoutChecker.problems(in: scratch.path("copy")).isEmpty)

        // Built again under another tag: every blob is there, none is sent.
        let again = try ShipMLExecutable.run(
            ["build", "model", "--to", "\(repository):v2", "--plain-http"] + common,
            in: scratch.path, environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 of 4 blobs sent"), "\(again.stdout)")
    }

    /// A layer over the 128 MiB threshold starts uploading while the first pass hashes it; the
    /// report counts it as sent, and the image is still the layout build's.
    @Test func aLargeLayerIsPushedWhileItIsBuilt() throws {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("model/config.json", "{\"architectures\": [\"Demo\"]}\n")
        let path = try scratch.write("model/model.safetensors", Data())
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let block = Data((0..<(1 << 20)).map { _ in UInt8.random(in: 0...255) })
        for _ in 0..<129 { try handle.write(contentsOf: block) }
        try handle.close()
        let repository = "\(address)/test/build-ahead-\(UUID().uuidString.prefix(8).lowercased())"
        let environment: [String: String?] = ["SOURCE_DATE_EPOCH": "1700000000"]
        let pushed = try ShipMLExecutable.run(
            [
                "build", "model", "--to", "\(repository):v1", "--plain-http", "--json", "-v",
                "--no-cache", "--name", "demo",
            ], in: scratch.path, environment: environment)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(pushed.stderr.contains("pushed while it was built"), "\(pushed.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(pushed.stdout.utf8))
        let push = try #require((report as? [String: Any])?["pushed"] as? [String: Any])
        // The config, the weights (sent ahead) and the small-files layer: all three counted as sent.
        #expect(push["transferred"] as? Int == 3 && push["skipped"] as? Int == 0, "\(push)")

        let local = try ShipMLExecutable.run(
            ["build", "model", "--to", "oci:layout:v1", "--no-cache", "--name", "demo", "-q"],
            in: scratch.path, environment: environment)
        #expect(local.status == 0, "\(local.stderr)")
        let remote = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://\(repository):v1",
        ])
        let fromLayout = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "oci:\(scratch.path("layout")):v1",
        ])
        #expect(remote.succeeded && remote.stdoutData == fromLayout.stdoutData)
    }
}
