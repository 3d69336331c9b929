public import Foundation

/// One commit of the state repository, as the Promoter reads it.
public struct StateCommit: Sendable, Equatable {
    public var id: String
    public var parents: [String]
    public var message: String
    public var author: Signature
}

/// The state repository as the Promoter needs it: read files at a commit, write a commit that
/// moves the branch only if nobody else moved it, read history. Git (``GitStateRepository``)
/// in production; ``InMemoryStateRepository`` for fast unit tests.
public protocol StateRepository: AnyObject {
    /// The branch's tip, nil while it has no commit.
    func tip() throws -> String?
    /// A file's bytes at a commit, nil when there is no such file.
    func readFile(_ path: String, at commit: String) throws -> Data?
    /// The names of the entries of a directory at a commit (empty when it does not exist).
    func list(_ path: String, at commit: String) throws -> [String]
    /// Writes `files` and removes `removing` on top of `parent`'s tree, and moves the branch
    /// to the new commit only if it still points at `parent`.
    /// - Throws: ``StateConflict`` when the branch moved; other errors as they come.
    func commit(
        writing files: [String: Data], removing: Set<String>, parent: String?, message: String,
        author: Signature
    ) throws -> String
    /// One commit, nil when the repository has no commit with that id.
    func commit(_ id: String) throws -> StateCommit?
    /// Commits from `start` back, newest first, at most `limit`.
    func log(from start: String, limit: Int?) throws -> [StateCommit]
    /// Commits from `start` back, newest first, each read only when `body` asks for it by
    /// returning true.
    func walk(from start: String, _ body: (StateCommit) throws -> Bool) throws
}

/// The branch moved under a writer: fetch, re-apply, try again.
public struct StateConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public let expected: String?
    public var description: String {
        "the state branch moved (expected \(expected.map { String($0.prefix(12)) } ?? "no commit")); another promotion landed first"
    }
}

/// The state in a git repository, on one branch, written through libgit2 (no working tree is
/// touched).
public final class GitStateRepository: StateRepository {
    public let repository: GitRepository
    /// The full reference name, e.g. `refs/heads/main`.
    public let branch: String

    public init(_ repository: GitRepository, branch: String = "refs/heads/main") {
        self.repository = repository
        self.branch = branch
    }

    public func tip() throws -> String? {
        try repository.referenceTarget(branch)?.description
    }

    public func readFile(_ path: String, at commit: String) throws -> Data? {
        try repository.readFile(path, at: ObjectID(commit))
    }

    public func list(_ path: String, at commit: String) throws -> [String] {
        do {
            return try repository.listTree(at: ObjectID(commit), path: path).map(\.name)
        } catch let error as GitError where error.code == .notFound {
            return []
        }
    }

    public func commit(
        writing files: [String: Data], removing: Set<String>, parent: String?, message: String,
        author: Signature
    ) throws -> String {
        let parentID = try parent.map { try ObjectID($0) }
        let tree = try repository.writeTree(files, base: parentID, removing: removing)
        do {
            return try repository.commit(
                tree: tree, parents: parentID.map { [$0] } ?? [], message: message,
                author: author, updating: branch
            ).description
        } catch let error as GitError
            where [.modified, .exists, .notFound].contains(error.code)
        {
            throw StateConflict(expected: parent)
        }
    }

    public func commit(_ id: String) throws -> StateCommit? {
        guard let oid = try? ObjectID(id) else { return nil }
        do {
            return Self.stateCommit(try repository.commit(oid))
        } catch let error as GitError where error.code == .notFound {
            return nil
        }
    }

    public func log(from start: String, limit: Int?) throws -> [StateCommit] {
        try repository.log(from: ObjectID(start), limit: limit).map(Self.stateCommit)
    }

    public func walk(from start: String, _ body: (StateCommit) throws -> Bool) throws {
        try repository.walk(from: ObjectID(start)) { try body(Self.stateCommit($0)) }
    }

    private static func stateCommit(_ commit: CommitInfo) -> StateCommit {
        StateCommit(
            id: commit.id.description, parents: commit.parents.map(\.description),
            message: commit.message, author: commit.author)
    }
}

/// The state in memory, for unit tests of promotion logic. Not thread-safe.
public final class InMemoryStateRepository: StateRepository {
    private struct Commit {
        var files: [String: Data]
        var record: StateCommit
    }
    private var commits: [String: Commit] = [:]
    private var branchTip: String?

    public init() {}

    public func tip() throws -> String? { branchTip }

    public func readFile(_ path: String, at commit: String) throws -> Data? {
        commits[commit]?.files[path]
    }

    public func list(_ path: String, at commit: String) throws -> [String] {
        let prefix = path.isEmpty ? "" : path + "/"
        let names = (commits[commit]?.files.keys ?? [:].keys).compactMap { file -> String? in
            guard file.hasPrefix(prefix) else { return nil }
            return file.dropFirst(prefix.count).split(separator: "/").first.map(String.init)
        }
        return Array(Set(names)).sorted()
    }

    public func commit(
        writing files: [String: Data], removing: Set<String>, parent: String?, message: String,
        author: Signature
    ) throws -> String {
        guard parent == branchTip else { throw StateConflict(expected: parent) }
        var tree = parent.flatMap { commits[$0]?.files } ?? [:]
        for path in removing {
            tree = tree.filter { $0.key != path && !$0.key.hasPrefix(path + "/") }
        }
        tree.merge(files) { _, new in new }
        let id = String(format: "%040x", commits.count + 1)
        commits[id] = Commit(
            files: tree,
            record: StateCommit(
                id: id, parents: parent.map { [$0] } ?? [], message: message, author: author))
        branchTip = id
        return id
    }

    public func commit(_ id: String) throws -> StateCommit? { commits[id]?.record }

    public func log(from start: String, limit: Int?) throws -> [StateCommit] {
        var result: [StateCommit] = []
        try walk(from: start) { commit in
            guard limit.map({ result.count < $0 }) ?? true else { return false }
            result.append(commit)
            return true
        }
        return result
    }

    public func walk(from start: String, _ body: (StateCommit) throws -> Bool) throws {
        var next: String? = start
        while let id = next, let commit = commits[id], try body(commit.record) {
            next = commit.record.parents.first
        }
    }
}
