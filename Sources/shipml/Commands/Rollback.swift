import ArgumentParser
import Foundation
import Promoter
import ShipModel

/// `shipml rollback`: put an earlier release back, as a new commit.
struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Restore an environment's previous (or a chosen) release as a new commit.",
        usage: "shipml rollback [<options>] --env <env>",
        discussion: """
            The release is read from the commit that promoted it, its manifests are
            rendered again with the environment's overlay, and a new promotion commit
            records it with Shipml-Rollback-Of. History is never rewritten. Gates are not
            checked: a rollback must work during a freeze.

            Exit codes: 0 restored (or already running it); 2 bad input (no earlier
            release, an unknown --to); 3 the state repository or the network failed.

            Examples:
              shipml rollback --env prod --reason "latency regression"
              shipml rollback --env prod --to sha256:4f2a…
              shipml rollback --env prod --to 1c9e2d7
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stateOptions: StateOptions

    @Option(help: "The environment to roll back.")
    var env: String

    @Option(
        help: ArgumentHelp(
            "The release (artifact digest) or the state commit to restore (default: the previous release).",
            valueName: "release|commit"))
    var to: String?

    func run() throws {
        Console.configure(global)
        let context = try StateContext.open(global, options: stateOptions)
        let target = try context.environment(env)
        let modelName = stateOptions.model ?? context.project.model.name
        let identity = Identity.current()
        let now = Date()
        let workspace = context.workspace
        let renderer = ProjectManifestRenderer(loaded: context.loaded)
        let outcome = try stateWrite {
            try StateTransaction.run(
                workspace, author: Signature(name: identity.name, email: identity.email, time: now)
            ) { tip -> StateTransaction.Step<PromotionPlan> in
                let (restored, commit) = try findRelease(
                    workspace.state, tip: tip, model: modelName)
                let request = PromotionRequest(
                    model: modelName, target: target, candidate: restored, actor: identity.login,
                    promotedBy: identity.display,
                    reason: "rollback" + (stateOptions.reason.map { ": \($0)" } ?? ""), now: now,
                    runURL: Identity.runURL(), rollbackOf: commit)
                let snapshot = try StateSnapshot.read(workspace.state, at: tip, request: request)
                let plan = try PromotionPlanner.plan(
                    request, snapshot: snapshot, renderer: renderer)
                guard plan.changed else { return .finish(plan) }
                return .commit(
                    files: plan.files, removing: plan.removing, message: plan.message.text,
                    result: plan)
            }
        }
        let version = outcome.result.record?.model.version ?? "?"
        if let commit = outcome.commit {
            Console.output("rolled \(env) back to \(modelName) \(version): \(commit.prefix(12))")
        } else {
            Console.output("\(env) already runs \(modelName) \(version): no commit")
        }
    }

    /// The release to restore and the commit that promoted it.
    func findRelease(_ repository: GitStateRepository, tip: String?, model: String) throws
        -> (ReleaseRecord, String)
    {
        let path = StatePaths.release(environment: env, model: model)
        guard let tip, let data = try repository.readFile(path, at: tip) else {
            throw CommandFailure.badInput(
                "\(env) runs no release of \(model): nothing to roll back")
        }
        let current = try ReleaseRecord.parse(String(decoding: data, as: UTF8.self), file: path)
        let wanted: String
        if let to {
            wanted = to
        } else if let previous = current.previous {
            wanted = previous.digest.description
        } else {
            throw CommandFailure.badInput(
                "\(path) records no previous release; name one with --to RELEASE|COMMIT")
        }
        let byDigest = wanted.hasPrefix("sha256:")
        if !byDigest {
            guard wanted.count >= 7, wanted.allSatisfy(\.isHexDigit) else {
                throw CommandFailure.badInput(
                    "--to: expected a release (sha256:HEX) or a state commit (7 or more hex digits), got \(wanted)"
                )
            }
        }
        var found: (ReleaseRecord, String)?
        try repository.walk(from: tip) { commit in
            if byDigest {
                guard let message = PromotionMessage.parse(commit.message),
                    message.environment == env, message.model == model,
                    message.trailer("Shipml-Release") == wanted
                else { return true }
            } else if !commit.id.hasPrefix(wanted.lowercased()) {
                return true
            }
            if let data = try repository.readFile(path, at: commit.id) {
                found = (
                    try ReleaseRecord.parse(String(decoding: data, as: UTF8.self), file: path),
                    commit.id
                )
            }
            return false
        }
        guard let found else {
            throw CommandFailure.badInput(
                byDigest
                    ? "no promotion of \(model) \(wanted) to \(env) in the state history"
                    : "no state commit \(wanted) with \(path)")
        }
        return found
    }
}
