import Foundation
import Promoter
import ShipMLTestSupport
import Testing

@Suite("GitRepository: push and fetch")
struct GitRemoteTests {
    let scratch: ScratchDirectory

    init() throws {
        scratch = try ScratchDirectory(prefix: "shipml-git-remote")
    }

    @Test func pushesToABareRemoteAndFetchesBack() throws {
        let remote = try makeBareRemote(in: scratch)
        let local = try GitRepository.create(at: scratch.path("local"))
        let first = try local.commitFiles(
            ["releases/prod.json": #"{"version": "1.0.0"}"#], message: "promote 1.0.0 to prod",
            parent: nil)
        let second = try local.commitFiles(
            ["releases/prod.json": #"{"version": "1.1.0"}"#, "models/demo/card.md": "# demo"],
            message: "promote 1.1.0 to prod", parent: first)

        try local.push(to: remote, refspecs: ["refs/heads/main:refs/heads/main"])

        // The real git sees the history and the files.
        #expect(
            try gitCLI("--git-dir=\(remote)", "log", "--format=%s", "main")
                == "promote 1.1.0 to prod\npromote 1.0.0 to prod\n")
        #expect(
            try gitCLI("--git-dir=\(remote)", "show", "main:releases/prod.json")
                == #"{"version": "1.1.0"}"#)
        #expect(try gitCLI("--git-dir=\(remote)", "rev-parse", "main") == "\(second)\n")
        #expect(try gitCLI("--git-dir=\(remote)", "fsck", "--strict").isEmpty)

        // A fresh repository fetches it back over a file:// URL.
        let fresh = try GitRepository.create(at: scratch.path("fresh"))
        try fresh.fetch(
            from: "file://\(remote)", refspecs: ["+refs/heads/main:refs/remotes/origin/main"])
        #expect(try fresh.resolve("refs/remotes/origin/main") == second)
        #expect(try fresh.text("models/demo/card.md", at: second) == "# demo")
        #expect(try fresh.log(from: second).map(\.id) == [second, first])
        #expect(try fresh.commit(second).author == releaseBot)
    }

    @Test func aFastForwardPushUpdatesTheRemote() throws {
        let remote = try makeBareRemote(in: scratch)
        let local = try GitRepository.create(at: scratch.path("local"))
        let first = try local.commitFiles(["v": "1"], message: "first", parent: nil)
        try local.push(to: "file://\(remote)", refspecs: ["refs/heads/main"])
        let second = try local.commitFiles(["v": "2"], message: "second", parent: first)
        try local.push(to: "file://\(remote)", refspecs: ["refs/heads/main"])
        #expect(try gitCLI("--git-dir=\(remote)", "rev-parse", "main") == "\(second)\n")
    }

    @Test func aNonFastForwardPushIsRejected() throws {
        let remote = try makeBareRemote(in: scratch)
        let alice = try GitRepository.create(at: scratch.path("alice"))
        let base = try alice.commitFiles(["v": "base"], message: "base", parent: nil)
        try alice.push(to: remote, refspecs: ["refs/heads/main:refs/heads/main"])

        // Bob starts from the same base ...
        let bob = try GitRepository.create(at: scratch.path("bob"))
        try bob.fetch(from: remote, refspecs: ["refs/heads/main:refs/heads/main"])
        #expect(try bob.resolve("refs/heads/main") == base)

        // ... Alice moves the remote on, then Bob pushes a sibling of her commit.
        let alices = try alice.commitFiles(["v": "alice"], message: "alice", parent: base)
        try alice.push(to: remote, refspecs: ["refs/heads/main:refs/heads/main"])
        _ = try bob.commitFiles(["v": "bob"], message: "bob", parent: base)

        // Bob lacks Alice's commit: libgit2 refuses before sending anything.
        let error = try #require(throws: GitError.self) {
            try bob.push(to: remote, refspecs: ["refs/heads/main:refs/heads/main"])
        }
        #expect(error.code == .nonFastForward)
        #expect(error.description.hasPrefix("git: cannot push refs/heads/main:refs/heads/main to"))
        #expect(error.description.contains("not present locally"))
        #expect(error.description.contains("fetch"))
        #expect(try gitCLI("--git-dir=\(remote)", "rev-parse", "main") == "\(alices)\n")

        // Having fetched Alice's commit without building on it, Bob is still refused.
        try bob.fetch(from: remote, refspecs: ["+refs/heads/main:refs/remotes/origin/main"])
        #expect(try bob.resolve("refs/remotes/origin/main") == alices)
        let diverged = try #require(throws: GitError.self) {
            try bob.push(to: remote, refspecs: ["refs/heads/main:refs/heads/main"])
        }
        #expect(diverged.code == .nonFastForward)
        #expect(diverged.description.contains("non-fastforwardable"))
        #expect(try gitCLI("--git-dir=\(remote)", "rev-parse", "main") == "\(alices)\n")

        // A repository that never saw the remote's commits is rejected as well.
        let carol = try GitRepository.create(at: scratch.path("carol"))
        _ = try carol.commitFiles(["v": "carol"], message: "carol", parent: nil)
        let unrelated = try #require(throws: GitError.self) {
            try carol.push(to: remote, refspecs: ["refs/heads/main:refs/heads/main"])
        }
        #expect(unrelated.code == .nonFastForward)
        #expect(try gitCLI("--git-dir=\(remote)", "rev-parse", "main") == "\(alices)\n")
    }

    @Test func aReferenceTheRemoteRefusesIsReported() throws {
        let remote = try makeBareRemote(in: scratch)
        let local = try GitRepository.create(at: scratch.path("local"))
        _ = try local.commitFiles(["v": "1"], message: "first", parent: nil)
        // Another writer holds the remote's lock on main: the remote must refuse the update.
        try Data().write(to: URL(fileURLWithPath: "\(remote)/refs/heads/main.lock"))

        let error = try #require(throws: GitError.self) {
            try local.push(to: remote, refspecs: ["refs/heads/main:refs/heads/main"])
        }
        #expect(error.description.contains("the remote rejected refs/heads/main ("))
        let result = try ProcessRunner.run([
            "git", "--git-dir=\(remote)", "rev-parse", "--verify", "main",
        ])
        #expect(!result.succeeded)
    }

    @Test func pushingToANonRepositoryFails() throws {
        let local = try GitRepository.create(at: scratch.path("local"))
        _ = try local.commitFiles(["v": "1"], message: "first", parent: nil)
        let nowhere = scratch.path("nowhere")
        let error = try #require(throws: GitError.self) {
            try local.push(to: nowhere, refspecs: ["refs/heads/main"])
        }
        #expect(error.code == .notFound)
        #expect(
            error.description
                == "git: cannot push refs/heads/main to \(nowhere): no such directory")

        // A directory that is not a bare repository is refused by libgit2 itself.
        let notBare = try GitRepository.create(at: scratch.path("not-bare"))
        let bareError = try #require(throws: GitError.self) {
            try local.push(to: notBare.path, refspecs: ["refs/heads/main"])
        }
        #expect(bareError.code == .bareRepository)
        #expect(bareError.description.contains("non-bare"))
    }

    @Test func fetchingFromAMissingPathFails() throws {
        let local = try GitRepository.create(at: scratch.path("local"))
        let nowhere = scratch.path("nowhere.git")
        let error = try #require(throws: GitError.self) {
            try local.fetch(from: nowhere, refspecs: ["refs/heads/main:refs/heads/main"])
        }
        #expect(error.description.hasPrefix("git: cannot fetch refs/heads/main:refs/heads/main"))
        #expect(error.description.contains(nowhere))
    }
}
