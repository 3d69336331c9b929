public import ArgumentParser
import Foundation
import Promoter
import ShipFiles
public import ShipKit
import ShipModel

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

    typealias BranchMode = PromotionService.BranchMode

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stateOptions: StateOptions

    @Option(help: "The environment to promote into.", completion: Completions.environments)
    var to: String

    @Option(
        help: "The environment the release comes from (default: the target's only `from`).",
        completion: Completions.environments)
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

    func run() throws {
        Console.configure(global)
        var request = PromotionService.PromoteRequest(to: to)
        request.from = from
        request.model = stateOptions.model
        request.artifact = artifact
        request.image = image
        request.version = version
        request.blessing = blessing
        request.reason = stateOptions.reason
        request.dryRun = dryRun
        request.automatic = auto
        request.branchMode = branchMode
        let service = try PromotionService.open(
            config: global.config, state: stateOptions.state, cache: stateOptions.cache,
            log: Console.log)
        let outcome = try service.promote(request)
        if outcome.alreadyProposed, let branch = outcome.branch, !global.json {
            Console.output("branch \(branch) already proposes this promotion")
        }
        try report(
            outcome.plan, commit: outcome.commit, branch: outcome.branch, source: outcome.source)
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
    /// Whether this run committed the promotion (to the state branch, or the review branch).
    var promoted: Bool

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
        promoted = commit != nil
    }

    enum CodingKeys: String, CodingKey {
        case model, environment, from, allowed, changed, verdicts, release, current, diff,
            commit, branch, promoted
    }

    /// Every key, null when there is no value.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(environment, forKey: .environment)
        try container.encode(from, forKey: .from)
        try container.encode(allowed, forKey: .allowed)
        try container.encode(changed, forKey: .changed)
        try container.encode(verdicts, forKey: .verdicts)
        try container.encode(release, forKey: .release)
        try container.encode(current, forKey: .current)
        try container.encode(diff, forKey: .diff)
        try container.encode(commit, forKey: .commit)
        try container.encode(branch, forKey: .branch)
        try container.encode(promoted, forKey: .promoted)
    }
}

extension PromotionService.BranchMode: ExpressibleByArgument {}
