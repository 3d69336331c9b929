public import Foundation

/// One change to the state, made the way concurrent writers stay correct without a lock:
/// read the tip, decide from the inputs, commit on top of that tip, publish; when someone
/// else published first, read the new tip and decide again from the same inputs (never a
/// textual rebase, never a force-push), up to a bound, with a growing, jittered pause.
public enum StateTransaction {
    /// What one attempt decided.
    public enum Step<Result> {
        /// Nothing to write (refused, or no change): finish with this result.
        case finish(Result)
        /// Write this commit on the tip the attempt read, then finish with the result.
        case commit(
            files: [String: Data], removing: Set<String>, message: String, result: Result)
    }

    /// Too many writers won the race in a row.
    public struct Contention: Error, Sendable, CustomStringConvertible {
        public var attempts: Int
        public var description: String {
            "the state branch kept moving: \(attempts) attempts lost the race to other writers; try again"
        }
    }

    /// Runs `decide` against fresh state until its commit lands or it decides to write
    /// nothing.
    /// - Parameters:
    ///   - workspace: Where to read and write.
    ///   - author: The commit's author (and committer).
    ///   - branch: Publish to this branch instead of the state branch (review mode).
    ///   - attempts: At most this many tries.
    ///   - decide: Given the tip (nil for an empty repository), what to do; called once per
    ///     attempt, so it must depend only on its inputs and the state it reads.
    /// - Returns: The result, and the commit when one was made.
    public static func run<Result>(
        _ workspace: StateWorkspace, author: Signature, branch: String? = nil,
        attempts: Int = 10, pause: (Int) -> Void = StateTransaction.backoff,
        decide: (String?) throws -> Step<Result>
    ) throws -> (result: Result, commit: String?, attempts: Int) {
        var attempt = 0
        while true {
            attempt += 1
            let tip: String?
            do {
                tip = try workspace.refresh()
            } catch let error as GitError where isTransient(error) && attempt < attempts {
                pause(attempt)
                continue
            }
            switch try decide(tip) {
            case .finish(let result):
                return (result, nil, attempt)
            case .commit(let files, let removing, let message, let result):
                do {
                    let commit = try workspace.publish(
                        writing: files, removing: removing, parent: tip, message: message,
                        author: author, to: branch)
                    return (result, commit, attempt)
                } catch is StateConflict where attempt < attempts {
                    pause(attempt)
                } catch is StateConflict {
                    throw Contention(attempts: attempt)
                } catch let error as GitError where error.code == .locked && attempt < attempts {
                    pause(attempt)
                }
            }
        }
    }

    /// Whether a fetch failed only because of another writer at the same moment: it holds a
    /// lock on the shared cache, or the remote deleted its pending reference (see
    /// ``StateWorkspace/publish(writing:removing:parent:message:author:to:)``) between
    /// listing it and reading it.
    static func isTransient(_ error: GitError) -> Bool {
        error.code == .locked
            || (error.code == .notFound && error.message.contains("refs/shipml/pending/"))
    }

    /// Sleeps 50 ms × 2^(attempt-1), at most 2 s, times a random factor in [0.5, 1.5).
    public static func backoff(_ attempt: Int) {
        let base = min(2.0, 0.05 * pow(2.0, Double(attempt - 1)))
        Thread.sleep(forTimeInterval: base * Double.random(in: 0.5..<1.5))
    }
}
