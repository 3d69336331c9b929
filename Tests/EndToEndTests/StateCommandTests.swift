import Foundation
import ShipMLTestSupport
import Testing

/// `shipml status` and `shipml history` read a state repository the git CLI wrote.
struct StateCommandTests {
    func release(_ environment: String, _ version: String, _ byte: Character) -> String {
        """
        apiVersion: shipml.dev/v1
        kind: Release
        model:
          name: sentiment
          version: '\(version)'
        environment: \(environment)
        artifact:
          reference: registry.example/ml/sentiment@sha256:\(String(repeating: byte, count: 64))
          digest: sha256:\(String(repeating: byte, count: 64))
        promotedAt: '2026-11-29T06:00:00Z'
        promotedBy: Release Bot <bot@example.com>

        """
    }

    func git(_ arguments: [String], in directory: String) throws {
        let result = try ProcessRunner.run(
            ["git"] + arguments, in: directory,
            environment: [
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                "GIT_AUTHOR_NAME": "Release Bot", "GIT_AUTHOR_EMAIL": "bot@example.com",
                "GIT_COMMITTER_NAME": "Release Bot", "GIT_COMMITTER_EMAIL": "bot@example.com",
            ])
        try #require(result.succeeded, "git \(arguments): \(result.stderr)")
    }

    @Test func statusAndHistoryReadTheRepository() throws {
        let scratch = try ScratchDirectory()
        let state = scratch.path("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try git(["init", "--quiet", "--initial-branch=main"], in: state)
        let steps: [(String, String, Character, String)] = [
            ("staging", "1.1.0", "a", "first"), ("prod", "1.1.0", "a", "after soak"),
            ("staging", "1.2.0", "c", "new data"),
        ]
        for (environment, version, byte, reason) in steps {
            _ = try scratch.write(
                "state/environments/\(environment)/sentiment/release.yaml",
                release(environment, version, byte))
            try git(["add", "-A"], in: state)
            try git(
                [
                    "commit", "--quiet", "-m", "promote(sentiment): \(version) → \(environment)",
                    "-m",
                    "Shipml-Release: sha256:\(String(repeating: byte, count: 64))\nShipml-Reason: \(reason)",
                ], in: state)
        }
        try git(["commit", "--quiet", "--allow-empty", "-m", "docs: not a promotion"], in: state)

        let status = try ShipMLExecutable.run(
            ["status", "--state", state, "--json"], in: scratch.path)
        #expect(status.status == 0, "\(status.stderr)")
        let releases = try #require(
            try JSONSerialization.jsonObject(with: status.stdoutData) as? [[String: Any]])
        #expect(releases.map { $0["environment"] as? String } == ["prod", "staging"])
        #expect((releases[1]["model"] as? [String: String])?["version"] == "1.2.0")

        let history = try ShipMLExecutable.run(
            ["history", "--state", state, "--env", "staging"], in: scratch.path)
        #expect(history.status == 0, "\(history.stderr)")
        let lines = history.stdout.split(separator: "\n")
        // A header, then one row per promotion, newest first.
        #expect(lines.count == 3, "\(history.stdout)")
        #expect(lines.first?.hasPrefix("COMMIT") == true)
        #expect(lines.dropFirst().first?.contains("promote(sentiment): 1.2.0 → staging") == true)
        #expect(lines.dropFirst().first?.contains("new data") == true)

        let limited = try ShipMLExecutable.run(
            ["history", "--state", state, "--limit", "1", "--json"], in: scratch.path)
        let entries = try #require(
            try JSONSerialization.jsonObject(with: limited.stdoutData) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect((entries[0]["trailers"] as? [String: String])?["Shipml-Reason"] == "new data")
    }

    @Test func aBrokenReleaseFileIsNamed() throws {
        let scratch = try ScratchDirectory()
        let state = scratch.path("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try git(["init", "--quiet", "--initial-branch=main"], in: state)
        _ = try scratch.write(
            "state/environments/prod/m/release.yaml", "apiVersion: shipml.dev/v2\nkind: Release\n")
        try git(["add", "-A"], in: state)
        try git(["commit", "--quiet", "-m", "by hand"], in: state)
        let status = try ShipMLExecutable.run(["status", "--state", state], in: scratch.path)
        #expect(status.status == 2)
        #expect(status.stderr.contains("environments/prod/m/release.yaml: apiVersion"))
        let missing = try ShipMLExecutable.run(
            ["status", "--state", scratch.path("nope")], in: scratch.path)
        #expect(missing.status == 2)
    }

    /// A leaf command line is parsed without the whole command tree; help, the version and
    /// usage errors still come from the root, named as `shipml <command>`.
    @Test func usageAndHelpAreTheRootCommandsWording() throws {
        let scratch = try ScratchDirectory()
        let bad = try ShipMLExecutable.run(["history", "--limit", "0"], in: scratch.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--limit must be at least 1"))
        #expect(bad.stderr.contains("Usage: shipml history"), "\(bad.stderr)")
        let unknown = try ShipMLExecutable.run(["status", "--bogus"], in: scratch.path)
        #expect(unknown.status == 2 && unknown.stderr.contains("Unknown option '--bogus'"))
        let help = try ShipMLExecutable.run(["history", "--env", "x", "--help"], in: scratch.path)
        #expect(help.status == 0 && help.stdout.contains("USAGE: shipml history"))
        let version = try ShipMLExecutable.run(["--version"], in: scratch.path)
        #expect(version.status == 0 && version.stdout.first?.isNumber == true)
    }
}
