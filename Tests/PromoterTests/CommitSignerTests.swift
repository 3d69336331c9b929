import Foundation
import Promoter
import ShipMLTestSupport
import Testing

struct CommitSignerTests {
    /// What git's settings ask for, as `git commit` would read them.
    @Test func gitSettingsDecide() throws {
        func configured(_ settings: [String: String], key: String? = nil) throws -> CommitSigner? {
            try CommitSigner.configured(signingKey: key, gitConfig: { settings[$0] })
        }
        #expect(try configured([:]) == nil)
        #expect(try configured(["commit.gpgsign": "false", "gpg.format": "ssh"]) == nil)
        #expect(
            try configured([
                "commit.gpgsign": "true", "gpg.format": "ssh", "user.signingkey": "/k",
                "gpg.ssh.program": "/opt/ssh-keygen",
            ]) == CommitSigner(key: "/k", program: "/opt/ssh-keygen"))
        #expect(
            try configured(["gpg.format": "openpgp"], key: "/mine") == CommitSigner(key: "/mine"),
            "shipml.yaml's key wins over git's settings")
        #expect(throws: SigningError.self) {
            try configured(["commit.gpgsign": "yes"])
        }
        #expect(throws: SigningError.self) {
            try configured(["commit.gpgsign": "on", "gpg.format": "ssh"])
        }
    }

    /// A commit signed through libgit2 is one `git verify-commit` accepts; a failing signer
    /// leaves no commit and the branch where it was.
    @Test func aSignedCommitVerifies() throws {
        let scratch = try ScratchDirectory()
        let key = scratch.path("key")
        let made = try ProcessRunner.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key])
        try #require(made.succeeded, "\(made.stderr)")
        let allowed = try scratch.write(
            "allowed", "* " + (try String(contentsOfFile: key + ".pub", encoding: .utf8)))
        let path = scratch.path("repo")
        let repository = try GitRepository.create(at: path, bare: true)
        let tree = try repository.writeTree(["a.txt": Data("a\n".utf8)], base: nil, removing: [])
        let signer = CommitSigner(key: key)
        let commit = try repository.commit(
            tree: tree, parents: [], message: "signed\n", author: releaseBot,
            updating: "refs/heads/main", sign: { try signer.sign($0) })
        let verified = try ProcessRunner.run(
            [
                "git", "--git-dir", path, "-c", "gpg.ssh.allowedSignersFile=\(allowed)",
                "verify-commit", commit.description,
            ], environment: ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"])
        #expect(verified.succeeded, "\(verified.stderr)")
        #expect(verified.stderr.contains("Good \"git\" signature"))

        let missing = CommitSigner(key: scratch.path("nothing"))
        #expect(throws: SigningError.self) {
            _ = try repository.commit(
                tree: tree, parents: [commit], message: "unsigned?\n", author: releaseBot,
                updating: "refs/heads/main", sign: { try missing.sign($0) })
        }
        #expect(try repository.referenceTarget("refs/heads/main") == commit)
    }
}
