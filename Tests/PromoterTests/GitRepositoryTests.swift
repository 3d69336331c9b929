import Foundation
import Promoter
import ShipMLTestSupport
import Testing

@Suite("GitRepository: writing and reading")
struct GitRepositoryTests {
    let scratch: ScratchDirectory

    init() throws {
        scratch = try ScratchDirectory(prefix: "shipml-git")
    }

    @Test func createsWorkingAndBareRepositories() throws {
        let work = try GitRepository.create(at: scratch.path("work"))
        #expect(work.path == scratch.path("work"))
        #expect(!work.isBare)

        let bare = try GitRepository.create(at: scratch.path("nested/dirs/bare.git"), bare: true)
        #expect(bare.path == scratch.path("nested/dirs/bare.git"))
        #expect(bare.isBare)

        let reopened = try GitRepository(openingAt: scratch.path("work"))
        #expect(reopened.path == work.path)
        #expect(try gitCLI("symbolic-ref", "HEAD", in: work.path) == "refs/heads/main\n")
    }

    @Test func creatingOverAnExistingRepositoryFails() throws {
        _ = try GitRepository.create(at: scratch.path("repo"))
        let error = try #require(throws: GitError.self) {
            try GitRepository.create(at: scratch.path("repo"))
        }
        #expect(error.code == .exists)
        #expect(
            error.description.hasPrefix("git: cannot create repository at \(scratch.path("repo"))"))
    }

    @Test func commitsNestedFilesAndReadsThemBack() throws {
        let repo = try GitRepository.create(at: scratch.path("repo"))
        let files: [String: Data] = [
            "README.md": Data("# demo\n".utf8),
            "model/config.json": Data(#"{"layers": 2}"#.utf8),
            "model/weights/part-1.bin": Data([0, 1, 2, 255]),
            "releases/prod/state.json": Data(#"{"version": "1.0.0"}"#.utf8),
            "empty.txt": Data(),
        ]
        let tree = try repo.writeTree(files)
        let commit = try repo.commit(
            tree: tree, parents: [], message: "release 1.0.0\n\nfirst release to prod\n",
            author: releaseBot, committer: reviewer, updating: "HEAD")

        #expect(try repo.resolve("HEAD") == commit)
        #expect(try repo.resolve("refs/heads/main") == commit)
        #expect(try repo.referenceTarget("refs/heads/main") == commit)
        #expect(try repo.referenceTarget("refs/heads/other") == nil)
        #expect(try gitCLI("rev-parse", "main", in: repo.path) == "\(commit)\n")

        for (path, data) in files {
            #expect(try repo.readFile(path, at: commit) == data, "\(path)")
        }
        #expect(try repo.readFile("model/missing.json", at: commit) == nil)
        #expect(try repo.readFile("nowhere/at/all", at: commit) == nil)
        #expect(try repo.readFile("README.md", at: tree) == Data("# demo\n".utf8))
        let directoryRead = try #require(throws: GitError.self) {
            try repo.readFile("model", at: commit)
        }
        #expect(directoryRead.description.contains("model"))

        let root = try repo.listTree(at: commit)
        #expect(root.map(\.name) == ["README.md", "empty.txt", "model", "releases"])
        #expect(root.map(\.kind) == [.file, .file, .directory, .directory])
        let model = try repo.listTree(at: commit, path: "model")
        #expect(model.map(\.name) == ["config.json", "weights"])
        #expect(model.map(\.kind) == [.file, .directory])
        #expect(try repo.listTree(at: commit, path: "model/weights/").map(\.name) == ["part-1.bin"])
        let missingDirectory = try #require(throws: GitError.self) {
            try repo.listTree(at: commit, path: "nope")
        }
        #expect(missingDirectory.code == .notFound)

        let info = try repo.commit(commit)
        #expect(info.id == commit)
        #expect(info.tree == tree)
        #expect(info.parents.isEmpty)
        #expect(info.message == "release 1.0.0\n\nfirst release to prod\n")
        #expect(info.summary == "release 1.0.0")
        #expect(info.author == releaseBot)
        #expect(info.committer == reviewer)

        // The real git agrees on every byte and on the author line.
        #expect(try gitCLI("show", "main:model/config.json", in: repo.path) == #"{"layers": 2}"#)
        #expect(
            try gitCLI("log", "-1", "--format=%an <%ae> %at %ai|%cn", in: repo.path)
                == "Release Bot <bot@example.com> 1700000000 2023-11-15 00:13:20 +0200|"
                + "Ada Reviewer\n")
        #expect(try gitCLI("fsck", "--strict", in: repo.path).isEmpty)
    }

    @Test func secondCommitBuildsOnTheFirst() throws {
        let repo = try GitRepository.create(at: scratch.path("repo"))
        let first = try repo.commitFiles(
            ["keep.txt": "kept", "old/gone.txt": "bye", "model/v.txt": "1"], message: "first",
            parent: nil)
        let second = try repo.commitFiles(
            ["model/v.txt": "2", "model/new/deep.txt": "deep"], message: "second",
            parent: first, removing: ["old", "never/there.txt"])

        #expect(try repo.commit(second).parents == [first])
        #expect(try repo.text("keep.txt", at: second) == "kept")
        #expect(try repo.text("model/v.txt", at: second) == "2")
        #expect(try repo.text("model/new/deep.txt", at: second) == "deep")
        #expect(try repo.readFile("old/gone.txt", at: second) == nil)
        #expect(try repo.listTree(at: second).map(\.name) == ["keep.txt", "model"])
        // The first commit is untouched.
        #expect(try repo.text("model/v.txt", at: first) == "1")
        #expect(try repo.text("old/gone.txt", at: first) == "bye")

        let third = try repo.commitFiles(["model/v.txt": "3"], message: "third", parent: second)
        #expect(try repo.log(from: third).map(\.id) == [third, second, first])
        #expect(try repo.log(from: third).map(\.summary) == ["third", "second", "first"])
        #expect(try repo.log(from: third, limit: 2).map(\.id) == [third, second])
        #expect(try repo.log(from: second, limit: 0).isEmpty)
        #expect(
            try gitCLI("log", "--format=%H", in: repo.path)
                == [third, second, first].map { "\($0)\n" }.joined())
        #expect(try gitCLI("fsck", "--strict", in: repo.path).isEmpty)
    }

    @Test func removingLastFileDropsItsDirectory() throws {
        let repo = try GitRepository.create(at: scratch.path("repo"), bare: true)
        let first = try repo.commitFiles(
            ["a/b/c.txt": "c", "top.txt": "t"], message: "first", parent: nil)
        let tree = try repo.writeTree([:], base: first, removing: ["a/b/c.txt"])
        #expect(try repo.listTree(at: tree).map(\.name) == ["top.txt"])
    }

    @Test func movedReferenceIsNotOverwritten() throws {
        let repo = try GitRepository.create(at: scratch.path("repo"))
        let first = try repo.commitFiles(["v": "1"], message: "first", parent: nil)
        let second = try repo.commitFiles(["v": "2"], message: "second", parent: first)

        // A writer that still believes main is at `first` must not move it.
        let stale = try #require(throws: GitError.self) {
            try repo.commitFiles(["v": "stale"], message: "stale", parent: first)
        }
        #expect(stale.code == .modified)
        #expect(stale.description.contains("cannot move refs/heads/main"))
        #expect(try repo.resolve("refs/heads/main") == second)

        // A root commit may only create a branch, never replace one.
        let root = try #require(throws: GitError.self) {
            try repo.commitFiles(["v": "root"], message: "root", parent: nil)
        }
        #expect(root.code == .modified)
        #expect(root.description.contains("expected it not to exist"))
        #expect(try repo.resolve("refs/heads/main") == second)

        // Expecting a branch that does not exist fails too.
        let missing = try #require(throws: GitError.self) {
            try repo.updateReference("refs/heads/release", to: second, expecting: first)
        }
        #expect(missing.code == .notFound)
        #expect(try repo.referenceTarget("refs/heads/release") == nil)

        // And the compare-and-swap succeeds when the expectation holds.
        try repo.updateReference("refs/heads/main", to: first, expecting: second)
        #expect(try repo.resolve("HEAD") == first)
        try repo.updateReference("refs/heads/release", to: second, expecting: nil)
        #expect(try repo.referenceTarget("refs/heads/release") == second)
    }

    @Test(arguments: ["", "/abs/path", "a//b", "a/../b", "./a", "a/", "..", "."])
    func invalidTreePathsAreRejected(path: String) throws {
        let repo = try GitRepository.create(at: scratch.path("repo"), bare: true)
        let error = try #require(throws: GitError.self) {
            try repo.writeTree([path: Data("x".utf8)])
        }
        #expect(error.code == .invalid)
        #expect(error.description.contains("invalid path \"\(path)\""))
    }

    @Test func aPathCannotBeBothFileAndDirectory() throws {
        let repo = try GitRepository.create(at: scratch.path("repo"), bare: true)
        let error = try #require(throws: GitError.self) {
            try repo.writeTree(["a": Data("file".utf8), "a/b": Data("nested".utf8)])
        }
        #expect(error.code == .invalid)
        #expect(error.description.contains("collides"))
    }

    @Test func openingANonRepositoryNamesThePath() throws {
        let empty = scratch.path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let error = try #require(throws: GitError.self) {
            try GitRepository(openingAt: empty)
        }
        #expect(error.code == .notFound)
        #expect(error.description.hasPrefix("git: cannot open repository at \(empty): "))
        #expect(error.message.contains(empty))

        let missing = scratch.path("does/not/exist")
        let missingError = try #require(throws: GitError.self) {
            try GitRepository(openingAt: missing)
        }
        #expect(missingError.description.contains(missing))
    }

    @Test func resolvingAnUnbornBranchFailsClearly() throws {
        let repo = try GitRepository.create(at: scratch.path("repo"))
        let error = try #require(throws: GitError.self) { try repo.resolve("HEAD") }
        #expect(error.code == .notFound)
        #expect(error.description.hasPrefix("git: cannot resolve HEAD: "))
        #expect(try repo.referenceTarget("HEAD") == nil)
    }
}

@Suite("ObjectID")
struct ObjectIDTests {
    @Test func parsesAndPrintsFortyHexDigits() throws {
        let hex = "0123456789abcdef0123456789abcdef01234567"
        let id = try ObjectID(hex)
        #expect(id.description == hex)
        #expect(id.short == "0123456")
        #expect(try ObjectID(hex.uppercased()) == id)
    }

    @Test(
        arguments: [
            "", "abc", String(repeating: "a", count: 39), String(repeating: "a", count: 41),
            String(repeating: "g", count: 40), "0123456789abcdef0123456789abcdef0123456 ",
            "sha1:0123456789abcdef0123456789abcdef0123",
        ])
    func rejectsMalformedText(text: String) throws {
        let error = try #require(throws: GitError.self) { try ObjectID(text) }
        #expect(error.code == .invalid)
        #expect(error.description.hasPrefix("git: invalid object id \"\(text)\": expected"))
    }
}
