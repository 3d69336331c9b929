import Foundation
import ShipMLTestSupport
import Testing

@Suite("shipml build and inspect, end to end")
struct BuildCommandTests {
    func makeModel(_ scratch: ScratchDirectory) throws {
        try scratch.write("model/weights.safetensors", String(repeating: "w", count: 100_000))
        try scratch.write("model/config.json", "{}")
        try scratch.write("model/README.md", "# m\n")
    }

    @Test func buildThenInspect() throws {
        let scratch = try ScratchDirectory()
        try makeModel(scratch)
        let environment = [
            "SOURCE_DATE_EPOCH": "1700000000", "SHIPML_CACHE_DIR": scratch.path("cache"),
        ]
        let build = try ShipMLExecutable.run(
            ["build", "model", "--to", "oci:out:1.0.0", "--json"], in: scratch.path,
            environment: environment)
        #expect(build.status == 0, "\(build.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: build.stdoutData) as? [String: Any])
        let manifest = try #require(report["manifest"] as? [String: Any])
        let digest = try #require(manifest["digest"] as? String)
        #expect(try LayoutChecker.problems(in: scratch.path("out")).isEmpty)

        let again = try ShipMLExecutable.run(
            ["build", "model", "--to", "oci:out:1.0.0"], in: scratch.path, environment: environment)
        #expect(again.status == 0)
        #expect(
            again.stdout.contains("3 of 3 layers from the cache")
                || again.stdout.contains("2 of 2 layers from the cache"), "\(again.stdout)")

        let inspect = try ShipMLExecutable.run(["inspect", "oci:out:1.0.0"], in: scratch.path)
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("manifest    \(digest)"))
        #expect(inspect.stdout.contains("weights.safetensors"))
        #expect(inspect.stdout.contains("org.opencontainers.image.created: 2023-11-14T22:13:20Z"))
        let json = try ShipMLExecutable.run(
            ["inspect", "oci:out:1.0.0", "--json"], in: scratch.path)
        let object = try #require(
            try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        #expect(object["manifestDigest"] as? String == digest)
    }

    @Test func theProjectFileChoosesTheDestinationAndItsTags() throws {
        let scratch = try ScratchDirectory()
        try makeModel(scratch)
        try scratch.write(
            "shipml.yaml",
            """
            apiVersion: shipml/v1
            model: {name: demo, version: 2.1.0, path: model}
            image: {repository: "oci:layouts/demo", compression: zstd, tags: [latest, stable]}
            environments: [{name: dev}]

            """)
        let build = try ShipMLExecutable.run(["build"], in: scratch.path)
        #expect(build.status == 0, "\(build.stderr)")
        let index = try String(
            contentsOfFile: scratch.path("layouts/demo/index.json"), encoding: .utf8)
        for tag in ["2.1.0", "latest", "stable"] {
            #expect(index.contains("\"org.opencontainers.image.ref.name\":\"\(tag)\""), "\(tag)")
        }
        #expect(index.contains("+zstd") == false, "index.json names manifests, not layers")
        let inspect = try ShipMLExecutable.run(
            ["inspect", "oci:layouts/demo:stable"], in: scratch.path)
        #expect(inspect.stdout.contains("application/vnd.cncf.model.weight.v1.tar+zstd"))
        #expect(inspect.stdout.contains("dev.shipml.model.version: 2.1.0"))
    }

    @Test func twoBuildsIntoOneLayoutBothLand() throws {
        let scratch = try ScratchDirectory()
        try makeModel(scratch)
        let results = try [("a", "gzip"), ("b", "zstd"), ("c", "none")].map { tag, compression in
            try ProcessRunner.start(
                [
                    ShipMLExecutable.path, "build", "model", "--to", "oci:shared:\(tag)",
                    "--compression", compression, "--no-cache",
                ],
                in: scratch.path)
        }.map { try $0.wait() }
        for result in results { #expect(result.status == 0, "\(result.stderr)") }
        let index = try String(contentsOfFile: scratch.path("shared/index.json"), encoding: .utf8)
        for tag in ["a", "b", "c"] {
            #expect(index.contains("\"org.opencontainers.image.ref.name\":\"\(tag)\""))
        }
        #expect(try LayoutChecker.problems(in: scratch.path("shared")).isEmpty)
    }

    @Test func aKilledBuildLeavesOnlyWholeBlobs() throws {
        let scratch = try ScratchDirectory()
        try makeModel(scratch)
        for shard in 1...4 {
            try scratch.write(
                "model/shard-\(shard).safetensors", Data(repeating: UInt8(shard), count: 24 << 20))
        }
        for delay in [0.05, 0.2, 0.4] {
            let running = try ProcessRunner.start(
                [
                    ShipMLExecutable.path, "build", "model", "--to", "oci:out:v", "--no-cache",
                    "--compression", "gzip",
                ],
                in: scratch.path)
            Thread.sleep(forTimeInterval: delay)
            running.kill()
            _ = try running.wait()
            if FileManager.default.fileExists(atPath: scratch.path("out/blobs/sha256")) {
                #expect(try LayoutChecker.problems(in: scratch.path("out")).isEmpty)
            }
        }
        let finished = try ShipMLExecutable.run(
            ["build", "model", "--to", "oci:out:v"], in: scratch.path)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try LayoutChecker.problems(in: scratch.path("out")).isEmpty)
    }

    /// A layout on a 4 MiB tmpfs and an 8 MiB model: a clear error, exit 3, and nothing left
    /// behind. Mounting needs root; elsewhere the test says so and passes.
    @Test func aFullDiskIsAClearErrorAndLeavesNoTemporaryFiles() throws {
        let scratch = try ScratchDirectory()
        try makeModel(scratch)
        try scratch.write("model/big.safetensors", Data(repeating: 7, count: 8 << 20))
        let disk = scratch.path("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = try ProcessRunner.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk])
        guard mount.succeeded else {
            print("skipped: cannot mount a small tmpfs here (\(mount.stderr))")
            return
        }
        defer { _ = try? ProcessRunner.run(["umount", disk]) }
        let build = try ShipMLExecutable.run(
            ["build", "model", "--to", "oci:disk/layout:v", "--no-cache"], in: scratch.path)
        #expect(build.status == 3, "\(build.stderr)")
        #expect(build.stderr.contains("no space left on the device"))
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: disk + "/layout/.shipml-tmp")
        #expect(leftovers.isEmpty)
        #expect(try LayoutChecker.problems(in: disk + "/layout").isEmpty)
    }

    @Test func unsafeModelsAreRefusedWithThePath() throws {
        let scratch = try ScratchDirectory()
        try makeModel(scratch)
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path("model/escape"), withDestinationPath: "/etc/passwd")
        let build = try ShipMLExecutable.run(
            ["build", "model", "--to", "oci:out:1"], in: scratch.path)
        #expect(build.status == 2)
        #expect(build.stderr.contains("escape"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out/index.json")))
    }

    @Test func badDestinationsAreUsageErrors() throws {
        let scratch = try ScratchDirectory()
        try makeModel(scratch)
        for arguments in [
            ["build", "model", "--to", "oci:"], ["build", "model"],
            ["build", "nowhere", "--to", "oci:o:1"], ["inspect", "oci:missing:1"],
        ] {
            let result = try ShipMLExecutable.run(arguments, in: scratch.path)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
    }
}
