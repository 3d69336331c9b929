import Foundation
import ShipMLTestSupport
import Testing

/// `shipml release` over a project `shipml init --deploy kustomize` writes, with its state in
/// a bare repository: release, an idempotent re-release, a failing validation that stops it, a
/// promotion refused by a gate and then allowed, a rollback, and lint findings.
@Suite("shipml release, end to end")
struct ReleaseCommandTests {
    static let environment: [String: String?] = [
        "SOURCE_DATE_EPOCH": "1700000000", "GIT_AUTHOR_NAME": "ci",
        "GIT_AUTHOR_EMAIL": "ci@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
    ]

    /// The init project, with staging gated by one approval and its state in remote.git.
    static func makeProject(_ scratch: ScratchDirectory) throws -> String {
        let remote = scratch.path("remote.git")
        let initialise = try ShipMLExecutable.run(
            ["init", "project", "--name", "sentiment", "--deploy", "kustomize"], in: scratch.path)
        try #require(initialise.status == 0, "\(initialise.stderr)")
        let file = scratch.path("project/shipml.yaml")
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(
            of:
                "      requireValidation: true\n      soak: 1h                 # time the release must have run in dev\n",
            with: "      requireValidation: true\n      approvals: 1\n")
        text = text.replacingOccurrences(
            of: "  repository: .shipml/state", with: "  repository: file://\(remote)")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let bare = try ProcessRunner.run([
            "git", "init", "--quiet", "--bare", "--initial-branch=main", remote,
        ])
        try #require(bare.succeeded)
        return remote
    }

    static func run(_ arguments: [String], in scratch: ScratchDirectory, as user: String = "ci")
        throws -> ProcessResult
    {
        var environment = Self.environment
        environment["GIT_AUTHOR_NAME"] = user
        return try ShipMLExecutable.run(
            arguments, in: scratch.path("project"), environment: environment)
    }

    static func commits(_ remote: String) throws -> [String] {
        let log = try ProcessRunner.run(["git", "--git-dir", remote, "log", "--format=%s", "main"])
        return log.stdout.split(separator: "\n").map(String.init)
    }

    @Test func releaseIsIdempotentAndPromotesThroughItsGates() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch)

        let first = try Self.run(["release", "--json"], in: scratch)
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: first.stdoutData) as? [String: Any])
        #expect(summary["released"] as? Bool == true)
        #expect(summary["changed"] as? Bool == true)
        let steps = try #require(summary["steps"] as? [[String: Any]])
        #expect(steps.map { $0["name"] as? String } == ["validate", "build", "attach", "promote"])
        #expect(steps.allSatisfy { ($0["seconds"] as? Double).map { $0 >= 0 } == true })
        let artifact = try #require(summary["artifact"] as? String)
        #expect(artifact.hasPrefix("oci:.shipml/oci@sha256:"))
        #expect(try Self.commits(remote) == ["promote(sentiment): 0.1.0 → dev"])
        #expect(try LayoutChecker.problems(in: scratch.path("project/.shipml/oci")).isEmpty)
        let referrers = try Self.run(["referrers", "oci:.shipml/oci:0.1.0"], in: scratch)
        #expect(referrers.stdout.contains("application/vnd.in-toto+json"), "\(referrers.stdout)")
        #expect(referrers.stdout.contains("application/sarif+json"))

        // The same inputs again: nothing built, nothing committed, and it says so.
        let again = try Self.run(["release"], in: scratch)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("nothing new"), "\(again.stdout)")
        #expect(again.stdout.contains("no commit"))
        #expect(try Self.commits(remote).count == 1)

        // staging wants an approval, and not from the promoter.
        let digest = String(artifact.split(separator: "@").last ?? "")
        let refused = try Self.run(["promote", "--to", "staging"], in: scratch)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("approvals"), "\(refused.stderr)")
        let approved = try Self.run(
            ["approve", "--env", "staging", "--release", digest, "--reason", "looked good"],
            in: scratch, as: "reviewer")
        #expect(approved.status == 0, "\(approved.stderr)")
        let promoted = try Self.run(["promote", "--to", "staging"], in: scratch)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        #expect(try Self.commits(remote).first == "promote(sentiment): 0.1.0 → staging")

        // A new version lands in dev; rolling dev back restores 0.1.0 as a new commit.
        let file = scratch.path("project/shipml.yaml")
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "version: 0.1.0", with: "version: 0.2.0")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let second = try Self.run(["release"], in: scratch)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try Self.commits(remote).first == "promote(sentiment): 0.2.0 → dev")
        let rollback = try Self.run(
            ["rollback", "--env", "dev", "--reason", "0.2.0 misbehaves"], in: scratch)
        #expect(rollback.status == 0, "\(rollback.stderr)")
        let history = try Self.commits(remote)
        // dev, the approval, staging, dev again, the rollback.
        #expect(history.count == 5, "\(history)")
        #expect(history.first?.contains("0.1.0") == true, "\(history)")
        let table = try Self.run(["status"], in: scratch)
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(rows.first?.first == "ENVIRONMENT", "a header: \(table.stdout)")
        let running = rows.dropFirst().filter { !$0.contains("nothing") }.compactMap {
            $0.first.map(String.init)
        }
        #expect(running == ["dev", "staging"], "in the project's order: \(table.stdout)")
        let status = try Self.run(["status", "--json"], in: scratch)
        #expect(status.stdout.contains("\"0.1.0\""), "\(status.stdout)")
        let fsck = try ProcessRunner.run(["git", "--git-dir", remote, "fsck", "--strict"])
        #expect(fsck.succeeded, "\(fsck.stderr)")
    }

    @Test func aVersionThatWouldNameOtherBytesIsRefusedUnlessForced() throws {
        let scratch = try ScratchDirectory()
        try Self.makeProject(scratch)
        let first = try Self.run(["release"], in: scratch)
        #expect(first.status == 0, "\(first.stderr)")
        // The same version, other files: an immutable tag would refuse the push.
        let readme = scratch.path("project/model/README.md")
        let text = try String(contentsOfFile: readme, encoding: .utf8) + "\nRetrained.\n"
        try text.write(toFile: readme, atomically: true, encoding: .utf8)
        let refused = try Self.run(["release"], in: scratch)
        #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.stdout.contains("already names sha256:"), "\(refused.stdout)")
        #expect(refused.stdout.contains("--force"))
        let forced = try Self.run(["release", "--force"], in: scratch)
        #expect(forced.status == 0, "\(forced.stderr)")
    }

    @Test func aModelThatFailsValidationIsNotBuiltOrRecorded() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch)
        let file = scratch.path("project/shipml.yaml")
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "min: 0.90 ", with: "min: 0.99 ")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        var environment = Self.environment
        environment["GITHUB_ACTIONS"] = "true"
        environment["GITHUB_STEP_SUMMARY"] = scratch.path("summary.md")
        let result = try ShipMLExecutable.run(
            ["release"], in: scratch.path("project"), environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout.contains("::error title=shipml release::validate: FAILED"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("project/.shipml/oci")))
        #expect(try Self.commits(remote).isEmpty)
        let summary = try String(contentsOfFile: scratch.path("summary.md"), encoding: .utf8)
        #expect(summary.contains("| validate | failed |"))
    }

    @Test func lintFindsWhatTheDevOverlayLeavesOut() throws {
        let scratch = try ScratchDirectory()
        _ = try Self.makeProject(scratch)
        let lint = try Self.run(
            ["lint", "deploy/kustomize/overlays/dev", "--env", "prod", "--json"], in: scratch)
        #expect(lint.status == 1, "dev's overlay is not production-ready: \(lint.stdout)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: lint.stdoutData) as? [String: Any])
        let rules = (report["findings"] as? [[String: Any]] ?? []).compactMap {
            $0["rule"] as? String
        }
        #expect(rules.contains("replicas"))
        #expect(rules.contains("image-digest"))
    }
}
