import Foundation
import Promoter
import ShipMLTestSupport
import Testing

/// A fixed author, so commits and their ids are reproducible.
let releaseBot = Signature(
    name: "Release Bot", email: "bot@example.com",
    time: Date(timeIntervalSince1970: 1_700_000_000), timeZoneOffsetMinutes: 120)

/// Another fixed person, for a committer that differs from the author.
let reviewer = Signature(
    name: "Ada Reviewer", email: "ada@example.com",
    time: Date(timeIntervalSince1970: 1_700_000_600), timeZoneOffsetMinutes: -300)

/// Runs the real `git` CLI, isolated from the machine's configuration, and requires success.
/// - Returns: Its standard output.
@discardableResult
func gitCLI(_ arguments: String..., in directory: String? = nil) throws -> String {
    let result = try ProcessRunner.run(
        ["git"] + arguments, in: directory,
        environment: ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"])
    try #require(
        result.succeeded,
        "git \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
    return result.stdout
}

/// Creates a bare remote with the real git CLI, as a server would have it.
func makeBareRemote(in scratch: ScratchDirectory, named name: String = "remote.git") throws
    -> String
{
    let path = scratch.path(name)
    try gitCLI("init", "--quiet", "--bare", "--initial-branch=main", path)
    return path
}

extension GitRepository {
    /// Writes `files` over the tree of `parent` (or from nothing) and commits it on `ref`.
    func commitFiles(
        _ files: [String: String], message: String, parent: ObjectID?,
        removing: Set<String> = [], ref: String = "refs/heads/main"
    ) throws -> ObjectID {
        let tree = try writeTree(
            files.mapValues { Data($0.utf8) }, base: parent, removing: removing)
        return try commit(
            tree: tree, parents: parent.map { [$0] } ?? [], message: message, author: releaseBot,
            updating: ref)
    }

    /// A file's content as text, or `nil` when absent.
    func text(_ path: String, at commit: ObjectID) throws -> String? {
        try readFile(path, at: commit).map { String(decoding: $0, as: UTF8.self) }
    }
}
