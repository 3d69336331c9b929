import Foundation
import ShipMLTestSupport
import Testing

/// The example project (examples/sentiment) released to the real registry `.ci/run` starts,
/// with its state in a bare repository: release, an idempotent re-release that uploads
/// nothing and commits nothing, promotion through staging and an approval into prod, where the
/// chart is rendered with prod's values and linted.
@Suite(.enabled(if: testRegistry != nil, "SHIPML_TEST_REGISTRY is not set: run scripts/test"))
struct ExampleProjectTests {
    let address = testRegistry ?? "127.0.0.1:1"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test func theExampleReleasesToTheRegistryAndReachesProd() throws {
        let scratch = try ScratchDirectory()
        let project = scratch.path("sentiment")
        let copy = try ProcessRunner.run(["cp", "-RL", Self.root + "/examples/sentiment", project])
        try #require(copy.succeeded, "\(copy.stderr)")
        let generate = try ProcessRunner.run(["python3", "generate.py"], in: project)
        try #require(generate.succeeded, "\(generate.stderr)")
        let remote = scratch.path("state.git")
        try #require(
            try ProcessRunner.run([
                "git", "init", "--quiet", "--bare", "--initial-branch=main", remote,
            ])
            .succeeded)
        let repository = "\(address)/example/sentiment-\(UUID().uuidString.prefix(8).lowercased())"
        let file = project + "/shipml.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(
                of: "repository: oci:.shipml/oci ", with: "repository: \(repository) "
            )
            .replacingOccurrences(
                of: "repository: .shipml/state ", with: "repository: file://\(remote) ")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        var environment: [String: String?] = [
            "SOURCE_DATE_EPOCH": "1700000000", "GIT_AUTHOR_NAME": "ci",
            "GIT_AUTHOR_EMAIL": "ci@example.com", "SHIPML_CACHE_DIR": scratch.path("cache"),
        ]
        func shipml(_ arguments: [String]) throws -> ProcessResult {
            try ShipMLExecutable.run(arguments, in: project, environment: environment)
        }

        let first = try shipml(["release", "--plain-http", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: first.stdoutData) as? [String: Any])
        let artifact = try #require(summary["artifact"] as? String)
        #expect(artifact.hasPrefix(repository + "@sha256:"))
        let inspect = try ProcessRunner.run([
            "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://\(repository):1.0.0",
        ])
        #expect(inspect.succeeded, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("application/vnd.cncf.model.manifest.v1+json"))

        let again = try shipml(["release", "--plain-http"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 of "), "nothing uploaded: \(again.stdout)")
        #expect(again.stdout.contains("nothing new"), "\(again.stdout)")

        #expect(try shipml(["promote", "--to", "staging"]).status == 0)
        let refused = try shipml(["promote", "--to", "prod"])
        #expect(refused.status == 1, "prod wants an approval")
        let digest = String(artifact.split(separator: "@").last ?? "")
        environment["GIT_AUTHOR_NAME"] = "reviewer"
        #expect(try shipml(["approve", "--env", "prod", "--release", digest]).status == 0)
        environment["GIT_AUTHOR_NAME"] = "ci"
        let prod = try shipml(["promote", "--to", "prod"])
        #expect(prod.status == 0, "\(prod.stdout)\(prod.stderr)")
        #expect(prod.stdout.contains("pass  requireLint"), "\(prod.stdout)")

        // prod's manifests in the state repository are the chart rendered with prod's values,
        // pinned to the release.
        let deployment = try ProcessRunner.run([
            "git", "--git-dir", remote, "show",
            "main:environments/prod/sentiment/manifests/model-serving_templates_deployment.yaml",
        ])
        #expect(deployment.succeeded, "\(deployment.stderr)")
        #expect(deployment.stdout.contains("nvidia.com/gpu: 1"))
        #expect(deployment.stdout.contains("reference: \(artifact)"))
    }
}
