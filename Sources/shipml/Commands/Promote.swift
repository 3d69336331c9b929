import ArgumentParser
import Foundation
import Promoter
import ShipFiles
import ShipModel
import Validator

/// `shipml promote`: check an environment's gates, render its manifests, commit and push.
struct Promote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Promote a release into an environment: gates, render, commit, push.",
        discussion: """
            The release comes from the source environment (--from, or the only one the
            target's `from` lists); a first stage takes a new release with --artifact. The
            target's gates are checked, its manifests are rendered with its own overlay,
            and environments/<env>/<model>/release.yaml and manifests/ are committed to the
            state repository and pushed. A promotion that changes nothing makes no commit.
            When another promotion lands first, shipml fetches, re-applies this one on the
            new state, checks the gates again and retries; it never force-pushes.

            Exit codes: 0 promoted (or nothing to change); 1 a gate refused (every failing
            gate is named with what would satisfy it); 2 bad input; 3 the state repository
            or the network failed.

            Examples:
              shipml promote --to dev --artifact registry.example/ml/sentiment@sha256:… \\
                --blessing build/blessing.intoto.json
              shipml promote --to prod --reason "soaked a day" --dry-run
              shipml promote --to prod --plan-json plan.json --branch-mode pr
            """
    )

    enum BranchMode: String, ExpressibleByArgument, CaseIterable {
        case direct, pr
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stateOptions: StateOptions

    @Option(help: "The environment to promote into.")
    var to: String

    @Option(help: "The environment the release comes from (default: the target's only `from`).")
    var from: String?

    @Option(
        help: ArgumentHelp(
            "A new release for a first stage: the artifact by digest.",
            valueName: "reference@sha256:digest"))
    var artifact: String?

    @Option(
        help: ArgumentHelp(
            "The new release's runnable image, by digest.", valueName: "reference@sha256:digest"))
    var image: String?

    @Option(help: "The new release's version (default: model.version).")
    var version: String?

    @Option(
        help: ArgumentHelp(
            "The new release's validation blessing (from shipml validate).", valueName: "file"))
    var blessing: String?

    @Flag(help: "Print each gate's verdict and the manifest diff; write nothing.")
    var dryRun = false

    @Option(
        help: ArgumentHelp("Write the plan (verdicts, release, diff) as JSON.", valueName: "file"))
    var planJson: String?

    @Flag(help: "Automation asks, not a person: the target must allow autoPromote.")
    var auto = false

    @Option(
        help:
            "direct pushes to the state branch; pr pushes shipml/promote/<env>/<model>-<digest12>.")
    var branchMode: BranchMode = .direct

    func validate() throws {
        for (flag, value) in [("--artifact", artifact), ("--image", image)] {
            if let value, !value.contains("@sha256:") {
                throw ValidationError(
                    "\(flag) must name the release by digest: REFERENCE@sha256:HEX")
            }
        }
        if from != nil && artifact != nil {
            throw ValidationError(
                "--artifact gives a new release for a first stage; with --from the release comes from that environment"
            )
        }
    }

    /// What a promotion did, for `shipml release`.
    struct Outcome {
        var plan: PromotionPlan
        var commit: String?
        var branch: String?
        var source: String?
    }

    func run() throws {
        Console.configure(global)
        let outcome = try perform()
        try report(
            outcome.plan, commit: outcome.commit, branch: outcome.branch, source: outcome.source)
    }

    /// Plans, commits and pushes; prints nothing of its own.
    func perform() throws -> Outcome {
        let context = try StateContext.open(global, options: stateOptions)
        let target = try context.environment(to)
        let modelName = stateOptions.model ?? context.project.model.name
        let source = try sourceEnvironment(target, context)
        let identity = Identity.current()
        let now = Date()
        let request = PromotionRequest(
            model: modelName, target: target, sourceEnvironment: source,
            candidate: source == nil ? try newRelease(context, model: modelName) : nil,
            actor: identity.login, promotedBy: identity.display, reason: stateOptions.reason,
            now: now,
            automatic: auto, requiredPolicy: try requiredPolicy(target, context),
            runURL: Identity.runURL())
        let renderer = ProjectManifestRenderer(loaded: context.loaded)
        let author = Signature(name: identity.name, email: identity.email, time: now)
        let workspace = context.workspace

        var reviewBranch: String?
        let outcome = try stateWrite {
            () throws -> (result: PromotionPlan, commit: String?, attempts: Int) in
            if branchMode == .pr {
                // The review branch is named by the release: plan once to learn it.
                let tip = try workspace.refresh()
                let snapshot = try StateSnapshot.read(workspace.state, at: tip, request: request)
                let plan = try PromotionPlanner.plan(
                    request, snapshot: snapshot, renderer: renderer)
                if let digest = plan.record?.artifact.digest {
                    let name = "shipml/promote/\(to)/\(modelName)-\(digest.encoded.prefix(12))"
                    reviewBranch = name
                    if !dryRun, plan.allowed, plan.changed, try workspace.fetchBranch(name) != nil {
                        Console.output("branch \(name) already proposes this promotion")
                        return (plan, nil, 1)
                    }
                }
            }
            return try StateTransaction.run(workspace, author: author, branch: reviewBranch) {
                tip in
                let snapshot = try StateSnapshot.read(workspace.state, at: tip, request: request)
                let plan = try PromotionPlanner.plan(
                    request, snapshot: snapshot, renderer: renderer)
                guard !dryRun, plan.allowed, plan.changed else { return .finish(plan) }
                return .commit(
                    files: plan.files, removing: plan.removing, message: plan.message.text,
                    result: plan)
            }
        }
        return Outcome(
            plan: outcome.result, commit: outcome.commit, branch: reviewBranch, source: source)
    }

    /// The source environment: --from, the target's only `from`, or nil for a first stage.
    func sourceEnvironment(_ target: EnvironmentSpec, _ context: StateContext) throws -> String? {
        if let from {
            _ = try context.environment(from)
            return from
        }
        if artifact != nil || target.from.isEmpty { return nil }
        guard target.from.count == 1 else {
            throw CommandFailure.badInput(
                "\(target.name) takes releases from \(target.from.joined(separator: ", ")): say which with --from"
            )
        }
        return target.from[0]
    }

    /// The release entering a first stage, from --artifact, --image, --version and --blessing.
    func newRelease(_ context: StateContext, model: String) throws -> ReleaseRecord {
        guard let artifact else {
            throw CommandFailure.badInput(
                "\(to) is a first stage: give the new release with --artifact REFERENCE@sha256:DIGEST"
            )
        }
        var record = ReleaseRecord(
            model: .init(name: model, version: version ?? context.project.model.version),
            environment: to, artifact: try reference(artifact, flag: "--artifact"),
            promotedAt: "", promotedBy: "")
        record.image = try image.map { try reference($0, flag: "--image") }
        if let blessing { record.validation = try readBlessing(blessing) }
        let environment = ProcessInfo.processInfo.environment
        let commit =
            environment["GITHUB_SHA"] ?? environment["CI_COMMIT_SHA"] ?? environment["GIT_COMMIT"]
        let repository =
            environment["GITHUB_REPOSITORY"] ?? environment["CI_PROJECT_URL"]
            ?? environment["GIT_URL"]
        if commit != nil || repository != nil {
            record.source = .init(repository: repository, commit: commit)
        }
        return record
    }

    func reference(_ text: String, flag: String) throws -> ReleaseRecord.ArtifactRef {
        guard let at = text.lastIndex(of: "@") else {
            throw CommandFailure.badInput("\(flag): expected REFERENCE@sha256:HEX, got \(text)")
        }
        do {
            return .init(
                reference: text, digest: try Digest(String(text[text.index(after: at)...])))
        } catch {
            throw CommandFailure.badInput("\(flag): \(error)")
        }
    }

    /// The blessing's digest (of its bytes), result, policy and a summary.
    func readBlessing(_ path: String) throws -> ReleaseRecord.Validation {
        struct Statement: Decodable {
            struct Predicate: Decodable {
                struct Resource: Decodable {
                    var name: String?
                    var digest: [String: String]
                }
                var result: String
                var configuration: [Resource]?
                var passedTests: [String]?
                var warnedTests: [String]?
                var failedTests: [String]?
            }
            var predicate: Predicate
        }
        let data: Data
        do {
            data = try LocalFileSystem().readFile(at: path)
        } catch {
            throw CommandFailure.badInput("--blessing \(path): \(error)")
        }
        let statement: Statement
        do {
            statement = try JSONDecoder().decode(Statement.self, from: data)
        } catch {
            throw CommandFailure.badInput(
                "--blessing \(path): not an in-toto test-result statement (\(error))")
        }
        let predicate = statement.predicate
        let policy = predicate.configuration?.first { $0.name == "policy" }?.digest["sha256"]
            .flatMap { try? Digest("sha256:\($0)") }
        let summary =
            "\(predicate.passedTests?.count ?? 0) passed, \(predicate.warnedTests?.count ?? 0) warned, \(predicate.failedTests?.count ?? 0) failed"
        return .init(
            blessing: Digest.sha256(of: data), result: predicate.result, policy: policy,
            summary: summary)
    }

    /// The digest of the policy file `requireValidation.policy` names, when it names one.
    func requiredPolicy(_ target: EnvironmentSpec, _ context: StateContext) throws -> Digest? {
        guard let policy = target.gates.requireValidation?.policy else { return nil }
        return (try? LocalFileSystem().readFile(at: context.loaded.resolve(policy)))
            .map { Digest.sha256(of: $0) }
    }

    func report(
        _ plan: PromotionPlan, commit: String?, branch: String?, source: String?
    ) throws {
        let diff = plan.manifestDiff
        if let planJson {
            let document = PlanDocument(plan: plan, from: source, commit: commit, branch: branch)
            do {
                try LocalFileSystem().writeFile(
                    at: planJson, contents: Data(JSONOutput.encode(document).utf8))
            } catch {
                throw CommandFailure.environment("cannot write \(planJson): \(error)")
            }
        }
        if global.json {
            Console.data(
                JSONOutput.encode(
                    PlanDocument(plan: plan, from: source, commit: commit, branch: branch)))
        } else {
            for verdict in plan.verdicts {
                let mark = verdict.passed ? "pass" : "FAIL"
                let remedy = verdict.remedy.map { " → \($0)" } ?? ""
                Console.output("\(mark)  \(verdict.gate): \(verdict.reason)\(remedy)")
            }
            if dryRun {
                Console.output(diff.isEmpty ? "manifests: no change" : String(diff.dropLast()))
            }
        }
        if let refusal = plan.refusal {
            throw CommandFailure(status: .checkFailed, message: refusal.description)
        }
        guard !global.json else { return }
        let version = plan.record?.model.version ?? "?"
        if dryRun {
            Console.output(
                plan.changed
                    ? "would promote \(plan.model) \(version) to \(plan.environment)"
                    : "\(plan.environment) already runs \(plan.model) \(version): nothing to do")
        } else if let commit {
            Console.output(
                "promoted \(plan.model) \(version) to \(plan.environment): \(commit.prefix(12))"
                    + (branch.map { " on branch \($0)" } ?? ""))
        } else if !plan.changed {
            Console.output("\(plan.environment) already runs \(plan.model) \(version): no commit")
        }
    }
}

/// `--plan-json` and `--json`: the plan as a PR comment bot reads it.
struct PlanDocument: Encodable {
    var model: String
    var environment: String
    var from: String?
    var allowed: Bool
    var changed: Bool
    var verdicts: [GateVerdict]
    var release: ReleaseRecord?
    var current: ReleaseRecord?
    var diff: String
    var commit: String?
    var branch: String?

    init(plan: PromotionPlan, from: String?, commit: String?, branch: String?) {
        model = plan.model
        environment = plan.environment
        self.from = from
        allowed = plan.allowed
        changed = plan.changed
        verdicts = plan.verdicts
        release = plan.record
        current = plan.current
        diff = plan.manifestDiff
        self.commit = commit
        self.branch = branch
    }
}

/// Runs a state write, turning its errors into shipml's exit codes: 2 for a bad state file,
/// 3 for git and the network, 3 when other writers kept winning.
func stateWrite<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let failure as CommandFailure {
        throw failure
    } catch let error as StateError {
        throw CommandFailure.badInput(error.description)
    } catch let error as StateTransaction.Contention {
        throw CommandFailure.environment(error.description)
    } catch let error as GitError {
        throw CommandFailure.environment("state repository: \(error)")
    } catch {
        throw CommandFailure.environment("\(error)")
    }
}
