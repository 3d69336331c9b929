import ArgumentParser
import Foundation
import Promoter
import ShipKit
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
              shipml rollback --env prod --dry-run --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stateOptions: StateOptions

    @Option(help: "The environment to roll back.", completion: Completions.environments)
    var env: String

    @Option(
        help: ArgumentHelp(
            "The release (artifact digest) or the state commit to restore (default: the previous release).",
            valueName: "release|commit"))
    var to: String?

    @Flag(help: "Say what would be restored and show the manifest diff; write nothing.")
    var dryRun = false

    /// `--json`: what was restored (every key present, null when not known).
    struct Output: Encodable {
        var schemaVersion = 1
        var environment: String
        var model: String
        var current: ReleaseRecord?
        var restored: ReleaseRecord
        var restoredFrom: String
        var changed: Bool
        var dryRun: Bool
        var commit: String?
        var diff: String

        enum CodingKeys: String, CodingKey {
            case schemaVersion, environment, model, current, restored, restoredFrom, changed,
                dryRun, commit, diff
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(schemaVersion, forKey: .schemaVersion)
            try container.encode(environment, forKey: .environment)
            try container.encode(model, forKey: .model)
            try container.encode(current, forKey: .current)
            try container.encode(restored, forKey: .restored)
            try container.encode(restoredFrom, forKey: .restoredFrom)
            try container.encode(changed, forKey: .changed)
            try container.encode(dryRun, forKey: .dryRun)
            try container.encode(commit, forKey: .commit)
            try container.encode(diff, forKey: .diff)
        }
    }

    func run() throws {
        Console.configure(global)
        let service = try PromotionService.open(
            config: global.config, state: stateOptions.state, cache: stateOptions.cache,
            log: Console.log)
        var request = PromotionService.RollbackRequest(environment: env)
        request.to = to
        request.model = stateOptions.model
        request.reason = stateOptions.reason
        request.dryRun = dryRun
        let outcome = try service.rollback(request)
        let modelName = outcome.restored.model.name
        let version = outcome.restored.model.version
        if global.json {
            Console.data(
                JSONOutput.encode(
                    Output(
                        environment: env, model: modelName, current: outcome.current,
                        restored: outcome.restored, restoredFrom: outcome.restoredFrom,
                        changed: outcome.plan.changed, dryRun: dryRun, commit: outcome.commit,
                        diff: outcome.plan.manifestDiff)))
            return
        }
        let current = outcome.current.map {
            "\($0.model.version) (\($0.artifact.digest.encoded.prefix(12)))"
        }
        let restoring =
            "\(modelName) \(version) (\(outcome.restored.artifact.digest.encoded.prefix(12)), promoted in \(outcome.restoredFrom.prefix(12)))"
        if dryRun {
            let diff = outcome.plan.manifestDiff
            Console.output(diff.isEmpty ? "manifests: no change" : String(diff.dropLast()))
            Console.output(
                outcome.plan.changed
                    ? "would roll \(env) back from \(current ?? "nothing") to \(restoring)"
                    : "\(env) already runs \(modelName) \(version): nothing to do")
        } else if let commit = outcome.commit {
            Console.output(
                "rolled \(env) back to \(modelName) \(version): \(commit.prefix(12))")
        } else {
            Console.output("\(env) already runs \(modelName) \(version): no commit")
        }
    }
}
