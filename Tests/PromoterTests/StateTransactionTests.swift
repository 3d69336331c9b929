import Foundation
import Promoter
import ShipMLTestSupport
import Testing

/// No pause between attempts: the tests make the races themselves.
func noPause(_ attempt: Int) {}

/// fetch → decide → commit → publish, when another writer lands in between: the change is
/// decided again on the new tip and lands after the other one; nothing is lost or forced.
struct StateTransactionTests {
    /// Runs a transaction whose first attempt is overtaken by `interfere` (another writer).
    func race(
        _ workspace: StateWorkspace, interfere: () throws -> Void
    ) throws -> (commit: String?, attempts: Int, tips: [String?]) {
        var tips: [String?] = []
        let outcome = try StateTransaction.run(workspace, author: releaseBot, pause: noPause) {
            tip -> StateTransaction.Step<Void> in
            tips.append(tip)
            if tips.count == 1 { try interfere() }
            return .commit(
                files: ["environments/dev/m/release.yaml": Data("mine\n".utf8)], removing: [],
                message: "promote(m): 1 → dev\n", result: ())
        }
        return (outcome.commit, outcome.attempts, tips)
    }

    @Test func aDirectRepositoryRetriesOnTheNewTip() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("state")
        let repository = try GitRepository.create(at: path)
        let first = try repository.commitFiles(["README": "state\n"], message: "init", parent: nil)
        let workspace = try StateWorkspace(
            location: path, branch: "main", cacheRoot: scratch.path("cache"))
        #expect(workspace.mode == .direct(path: path))
        let result = try race(workspace) {
            _ = try repository.commitFiles(
                ["environments/prod/m/release.yaml": "theirs\n"], message: "other", parent: first)
        }
        #expect(result.attempts == 2)
        #expect(result.tips.count == 2 && result.tips[0] != result.tips[1])
        let log = try gitCLI("log", "--format=%s", "main", in: path)
        #expect(log == "promote(m): 1 → dev\nother\ninit\n")
    }

    @Test func aRemoteRetriesAfterAnotherPushAndNeverForces() throws {
        let scratch = try ScratchDirectory()
        let remote = try makeBareRemote(in: scratch)
        let mine = try StateWorkspace(
            location: "file://" + remote, branch: "main", cacheRoot: scratch.path("cache-a"))
        let theirs = try StateWorkspace(
            location: remote, branch: "main", cacheRoot: scratch.path("cache-b"))
        let result = try race(mine) {
            _ = try StateTransaction.run(theirs, author: releaseBot, pause: noPause) {
                _ -> StateTransaction.Step<Void> in
                .commit(
                    files: ["environments/prod/m/release.yaml": Data("theirs\n".utf8)],
                    removing: [], message: "other\n", result: ())
            }
        }
        #expect(result.attempts == 2)
        #expect(
            try gitCLI("log", "--format=%s", "main", in: remote) == "promote(m): 1 → dev\nother\n")
        #expect(try gitCLI("for-each-ref", "refs/shipml", in: remote).isEmpty)
        try gitCLI("fsck", "--strict", in: remote)
    }

    @Test func contentionHasABound() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("state")
        let repository = try GitRepository.create(at: path)
        var parent = try repository.commitFiles(["README": "x\n"], message: "init", parent: nil)
        let workspace = try StateWorkspace(
            location: path, branch: "main", cacheRoot: scratch.path("cache"))
        #expect(throws: StateTransaction.Contention.self) {
            _ = try StateTransaction.run(
                workspace, author: releaseBot, attempts: 3, pause: noPause
            ) {
                _ -> StateTransaction.Step<Void> in
                parent = try repository.commitFiles(
                    ["n": "\(parent)\n"], message: "x", parent: parent)
                return .commit(files: ["a": Data()], removing: [], message: "mine\n", result: ())
            }
        }
    }
}
