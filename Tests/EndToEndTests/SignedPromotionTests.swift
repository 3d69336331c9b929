import Foundation
import ShipMLTestSupport
import Testing

/// State commits signed with an SSH key, as git's `gpg.format=ssh` signs them, checked by
/// `git verify-commit`.
struct SignedPromotionTests {
    /// A new ed25519 key pair in the scratch directory, and an allowed-signers file for it.
    static func makeKey(_ scratch: ScratchDirectory) throws -> (key: String, allowed: String) {
        let key = scratch.path("keys/signing")
        try FileManager.default.createDirectory(
            atPath: scratch.path("keys"), withIntermediateDirectories: true)
        let made = try ProcessRunner.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "shipml-test", "-f", key])
        try #require(made.succeeded, "ssh-keygen: \(made.stderr)")
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        let allowed = try scratch.write(
            "keys/allowed_signers", "* namespaces=\"git\" \(publicKey)")
        return (key, allowed)
    }

    /// `git verify-commit` of every commit on the remote's main branch.
    static func verifyAll(_ remote: String, allowed: String) throws -> [String] {
        let commits = try PromoteCommandTests.git(["--git-dir", remote, "rev-list", "main"])
            .split(separator: "\n").map(String.init)
        var failures: [String] = []
        for commit in commits {
            let result = try ProcessRunner.run(
                [
                    "git", "--git-dir", remote, "-c", "gpg.ssh.allowedSignersFile=\(allowed)",
                    "verify-commit", commit,
                ], environment: PromoteCommandTests.gitEnvironment)
            if !result.succeeded || !result.stderr.contains("Good \"git\" signature") {
                failures.append("\(commit): \(result.stderr)")
            }
        }
        return failures
    }

    static func signingKeyLine(_ key: String) -> String { "  signingKey: \(key)\n" }

    @Test func promoteApproveAndRollbackCommitsAreSigned() throws {
        let scratch = try ScratchDirectory()
        let (key, allowed) = try Self.makeKey(scratch)
        let remote = try PromoteCommandTests.makeProject(scratch)
        let project = scratch.path("project/shipml.yaml")
        try (try String(contentsOfFile: project, encoding: .utf8) + Self.signingKeyLine(key))
            .write(toFile: project, atomically: true, encoding: .utf8)

        let steps: [([String], String)] = [
            (["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")], "carol"),
            (["promote", "--to", "staging"], "carol"),
            (
                [
                    "approve", "--env", "prod", "--release",
                    "sha256:" + String(repeating: "a", count: 64),
                ], "alice"
            ),
            (["promote", "--to", "prod"], "carol"),
            (
                [
                    "promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("b"),
                    "--version", "1.3.0",
                ], "carol"
            ),
            (["rollback", "--env", "dev", "--reason", "slow"], "carol"),
        ]
        for (arguments, actor) in steps {
            let result = try PromoteCommandTests.shipml(arguments, in: scratch, as: actor)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        #expect(
            try PromoteCommandTests.git(["--git-dir", remote, "rev-list", "--count", "main"])
                == "6\n")
        #expect(try Self.verifyAll(remote, allowed: allowed).isEmpty)
        try PromoteCommandTests.git(["--git-dir", remote, "fsck", "--strict"])
    }

    /// Without state.signingKey, git's own settings ask for signing, as for `git commit`.
    @Test func gitConfigAsksForSigning() throws {
        let scratch = try ScratchDirectory()
        let (key, allowed) = try Self.makeKey(scratch)
        let remote = try PromoteCommandTests.makeProject(scratch)
        _ = try scratch.write(
            "home/.gitconfig",
            "[commit]\n\tgpgsign = true\n[gpg]\n\tformat = ssh\n[user]\n\tsigningkey = \(key)\n")
        let result = try ShipMLExecutable.run(
            ["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")],
            in: scratch.path("project"),
            environment: [
                "HOME": scratch.path("home"), "GIT_AUTHOR_NAME": "carol",
                "GIT_AUTHOR_EMAIL": "carol@example.com", "GITHUB_ACTOR": nil,
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.verifyAll(remote, allowed: allowed).isEmpty)
    }

    /// Signing asked for and impossible: exit 3, a reason, and no commit at all.
    @Test func aSigningFailureMakesNoCommit() throws {
        let scratch = try ScratchDirectory()
        let remote = try PromoteCommandTests.makeProject(scratch)
        let project = scratch.path("project/shipml.yaml")
        try
            (try String(contentsOfFile: project, encoding: .utf8)
            + Self.signingKeyLine(scratch.path("keys/missing")))
            .write(toFile: project, atomically: true, encoding: .utf8)
        let result = try PromoteCommandTests.shipml(
            ["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")],
            in: scratch)
        #expect(result.status == 3)
        #expect(result.stderr.contains("cannot sign the state commit"), "\(result.stderr)")
        #expect(result.stderr.contains("keys/missing does not exist"), "\(result.stderr)")
        let count = try ProcessRunner.run(
            ["git", "--git-dir", remote, "rev-list", "--count", "main"],
            environment: PromoteCommandTests.gitEnvironment)
        #expect(!count.succeeded || count.stdout == "0\n", "the remote has no commit")

        _ = try scratch.write("home/.gitconfig", "[commit]\n\tgpgsign = true\n")
        let unsigned = try String(contentsOfFile: project, encoding: .utf8)
            .replacingOccurrences(of: Self.signingKeyLine(scratch.path("keys/missing")), with: "")
        try unsigned.write(toFile: project, atomically: true, encoding: .utf8)
        let openpgp = try ShipMLExecutable.run(
            ["promote", "--to", "dev", "--artifact", PromoteCommandTests.artifact("a")],
            in: scratch.path("project"),
            environment: [
                "HOME": scratch.path("home"), "GIT_AUTHOR_NAME": "carol",
                "GIT_AUTHOR_EMAIL": "carol@example.com",
            ])
        #expect(openpgp.status == 3)
        #expect(openpgp.stderr.contains("shipml signs only with SSH keys"), "\(openpgp.stderr)")
    }

    @Test func aBadSigningKeyFieldIsBadInput() throws {
        let scratch = try ScratchDirectory()
        try PromoteCommandTests.makeProject(scratch)
        let project = scratch.path("project/shipml.yaml")
        try (try String(contentsOfFile: project, encoding: .utf8) + "  signingKey: \"\"\n")
            .write(toFile: project, atomically: true, encoding: .utf8)
        let result = try PromoteCommandTests.shipml(["promote", "--to", "dev"], in: scratch)
        #expect(result.status == 2)
        #expect(result.stderr.contains("signingKey"), "\(result.stderr)")
    }
}
