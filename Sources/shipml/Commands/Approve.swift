import ArgumentParser
import Foundation
import Promoter
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

            Exit codes: 0 recorded (or already there); 2 bad input; 3 the state repository
            or the network failed.

            Examples:
              shipml approve --env prod --release sha256:4f2a… --reason "reviewed the eval"
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stateOptions: StateOptions

    @Option(help: "The environment the approval is for.")
    var env: String

    @Option(help: ArgumentHelp("The release's artifact digest.", valueName: "sha256:hex"))
    var release: String

    func validate() throws {
        guard (try? Digest(release)) != nil else {
            throw ValidationError("--release must be an artifact digest: sha256: and 64 hex digits")
        }
    }

    func run() throws {
        Console.configure(global)
        let context = try StateContext.open(global, options: stateOptions)
        _ = try context.environment(env)
        let modelName = stateOptions.model ?? context.project.model.name
        let identity = Identity.current()
        let now = Date()
        let digest = try Digest(release)
        let approval = Approval(
            environment: env, model: modelName, release: digest, approver: identity.login,
            approvedAt: rfc3339(now), reason: stateOptions.reason)
        let workspace = context.workspace
        let text = try approval.yaml()
        var message = "approve(\(modelName)): \(digest.encoded.prefix(12)) for \(env)\n\n"
        message += "Shipml-Approval: \(digest)\nShipml-Approved-By: \(identity.display)\n"
        if let reason = stateOptions.reason {
            message +=
                "Shipml-Reason: \(reason.split(whereSeparator: \.isNewline).joined(separator: " "))\n"
        }
        let outcome = try stateWrite {
            try StateTransaction.run(
                workspace, author: Signature(name: identity.name, email: identity.email, time: now)
            ) { tip -> StateTransaction.Step<Bool> in
                if let tip, try workspace.state.readFile(approval.path, at: tip) != nil {
                    return .finish(false)
                }
                return .commit(
                    files: [approval.path: Data(text.utf8)], removing: [], message: message,
                    result: true)
            }
        }
        if let commit = outcome.commit {
            Console.output(
                "\(identity.login) approved \(modelName) \(digest.encoded.prefix(12)) for \(env): \(commit.prefix(12))"
            )
        } else {
            Console.output(
                "\(identity.login) had already approved \(modelName) \(digest.encoded.prefix(12)) for \(env)"
            )
        }
    }
}
