import ArgumentParser
import Foundation
import Promoter
import ShipKit
import ShipModel

/// `shipml approve`: record an approval that the approvals gate counts.
struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a release for an environment; the approvals gate counts it.",
        usage: "shipml approve [<options>] --env <env> --release <sha256:hex>",
        discussion: """
            Commits approvals/<env>/<model>/<digest>/<approver>.yaml to the state
            repository. The approver is the CI login (GITHUB_ACTOR, GITLAB_USER_LOGIN,
            BUILD_USER_ID), or SHIPML_ACTOR, or the git user name; the promoter's own
            approval never counts.

            Refused (exit 2) when the environment has no approvals gate, when no
            environment it takes releases from runs the release, and when the gate only
            counts other approvers. The release may be named by the 12 digits status
            prints.

            Exit codes: 0 recorded (or already there); 2 bad input; 3 the state repository
            or the network failed.

            Examples:
              shipml approve --env prod --release sha256:4f2a… --reason "reviewed the eval"
              shipml approve --env prod --release 4f2a9c0d81be --dry-run --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stateOptions: StateOptions

    @Option(help: "The environment the approval is for.", completion: Completions.environments)
    var env: String

    @Option(help: ArgumentHelp("The release's artifact digest.", valueName: "sha256:hex"))
    var release: String

    @Flag(help: "Check that the approval would be recorded and counted; write nothing.")
    var dryRun = false

    func validate() throws {
        let hex = release.hasPrefix("sha256:") ? String(release.dropFirst(7)) : release
        guard hex.count >= 12, hex.count <= 64, hex.allSatisfy(\.isHexDigit) else {
            throw ValidationError(
                "--release must be an artifact digest: sha256: and 64 hex digits, or the first 12 or more"
            )
        }
    }

    /// `--json`: the approval (every key present, null when not known).
    struct Output: Encodable {
        var schemaVersion = 1
        var approval: Approval
        var recorded: Bool
        var alreadyApproved: Bool
        var dryRun: Bool
        var commit: String?

        enum CodingKeys: String, CodingKey {
            case schemaVersion, approval, recorded, alreadyApproved, dryRun, commit
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(schemaVersion, forKey: .schemaVersion)
            try container.encode(approval, forKey: .approval)
            try container.encode(recorded, forKey: .recorded)
            try container.encode(alreadyApproved, forKey: .alreadyApproved)
            try container.encode(dryRun, forKey: .dryRun)
            try container.encode(commit, forKey: .commit)
        }
    }

    func run() throws {
        Console.configure(global)
        let service = try PromotionService.open(
            config: global.config, state: stateOptions.state, cache: stateOptions.cache,
            log: Console.log)
        var request = PromotionService.ApproveRequest(environment: env, release: release)
        request.model = stateOptions.model
        request.reason = stateOptions.reason
        request.dryRun = dryRun
        let outcome = try service.approve(request)
        let approval = outcome.approval
        if global.json {
            Console.data(
                JSONOutput.encode(
                    Output(
                        approval: approval, recorded: outcome.commit != nil,
                        alreadyApproved: outcome.alreadyApproved, dryRun: dryRun,
                        commit: outcome.commit)))
            return
        }
        let what =
            "\(approval.model) \(approval.release.encoded.prefix(12)) for \(approval.environment)"
        if outcome.alreadyApproved {
            Console.output("\(approval.approver) had already approved \(what)")
        } else if let commit = outcome.commit {
            Console.output("\(approval.approver) approved \(what): \(commit.prefix(12))")
        } else {
            Console.output("\(approval.approver) would approve \(what)")
        }
    }
}
