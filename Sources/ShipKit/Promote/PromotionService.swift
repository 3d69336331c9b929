public import Foundation
public import Promoter
import ShipFiles
public import ShipModel

/// Promote, roll back and approve: the state-writing jobs, each one state transaction made
/// by the same recipe (open the state, read the tip, decide, commit, publish, retry when
/// another writer won).
public struct PromotionService {
    public var loaded: LoadedProject
    public var workspace: StateWorkspace
    public var ci: CIEnvironment
    public var now: Date
    public var log: ShipKitLog

    public var project: Project { loaded.project }

    public init(
        loaded: LoadedProject, workspace: StateWorkspace, ci: CIEnvironment = CIEnvironment(),
        now: Date = Date(), log: ShipKitLog = .silent
    ) {
        self.loaded = loaded
        self.workspace = workspace
        self.ci = ci
        self.now = now
        self.log = log
    }

    /// Loads the project and opens the state it names (or `state`, a `--state` flag).
    public static func open(
        config: String, state: String?, cache: String?, ci: CIEnvironment = CIEnvironment(),
        now: Date = Date(), log: ShipKitLog = .silent
    ) throws -> PromotionService {
        let loaded = try ProjectAccess.load(config)
        let location = try StateLocation.choose(flag: state, project: loaded)
        let workspace = try StateAccess.workspace(
            location, project: loaded, cache: cache, environment: ci.variables, log: log)
        return PromotionService(loaded: loaded, workspace: workspace, ci: ci, now: now, log: log)
    }

    /// The environment called `name`, or bad input listing the ones there are.
    public func environment(_ name: String) throws -> EnvironmentSpec {
        guard let environment = project.environment(named: name) else {
            throw ShipKitError.badInput(
                "\(loaded.file): environments: no environment \"\(name)\"\(Suggestions.hint(for: name, in: project.environments.map(\.name))) (there are \(project.environments.map(\.name).joined(separator: ", ")))"
            )
        }
        return environment
    }

    /// The renderer every promotion and rollback uses.
    public var renderer: EnvironmentRenderer { EnvironmentRenderer(loaded: loaded) }

    /// The one recipe: a transaction on the state branch (or `branch`) authored by whoever
    /// runs shipml, its git and network failures turned into ShipKit's categories.
    func transaction<Result>(
        branch: String? = nil, _ decide: (String?) throws -> StateTransaction.Step<Result>
    ) throws -> (result: Result, commit: String?) {
        let identity = ci.identity
        let author = Signature(name: identity.name, email: identity.email, time: now)
        do {
            let outcome = try StateTransaction.run(
                workspace, author: author, branch: branch, decide: decide)
            return (outcome.result, outcome.commit)
        } catch let error as GitError {
            throw ShipKitError.environment("state repository: \(error)")
        } catch {
            throw ShipKitError.wrapping(error)
        }
    }

    // MARK: - promote

    public enum BranchMode: String, Sendable, CaseIterable {
        case direct, pr
    }

    /// What `shipml promote` is asked.
    public struct PromoteRequest: Sendable {
        public var to: String
        public var from: String?
        public var model: String?
        /// A new release for a first stage, by digest.
        public var artifact: String?
        public var image: String?
        public var version: String?
        /// The validation blessing's file.
        public var blessing: String?
        public var reason: String?
        public var dryRun = false
        public var automatic = false
        public var branchMode = BranchMode.direct

        public init(to: String) { self.to = to }
    }

    /// What a promotion did.
    public struct PromoteOutcome: Sendable {
        public var plan: PromotionPlan
        public var commit: String?
        /// The review branch (`--branch-mode pr`).
        public var branch: String?
        public var source: String?
        /// The review branch existed already with this promotion: nothing pushed.
        public var alreadyProposed = false
        public var dryRun: Bool
    }

    /// Plans the promotion, checks the gates, commits and pushes (unless a dry run).
    public func promote(_ request: PromoteRequest) throws -> PromoteOutcome {
        if request.from != nil && request.artifact != nil {
            throw ShipKitError.badInput(
                "--artifact gives a new release for a first stage; with --from the release comes from that environment"
            )
        }
        let target = try environment(request.to)
        let modelName = request.model ?? project.model.name
        let source = try sourceEnvironment(target, request)
        if source != nil, request.blessing != nil {
            throw ShipKitError.badInput(
                "--blessing is for a new release entering a first stage; \(target.name) takes its release, with the blessing recorded, from \(source ?? "")"
            )
        }
        let identity = ci.identity
        let planRequest = PromotionRequest(
            model: modelName, target: target, sourceEnvironment: source,
            candidate: source == nil ? try newRelease(request, model: modelName) : nil,
            actor: identity.login, promotedBy: identity.display, reason: request.reason,
            now: now, automatic: request.automatic, requiredPolicy: requiredPolicy(target),
            runURL: ci.runURL)
        let renderer = self.renderer
        let state = workspace.state
        var reviewBranch: String?
        if request.branchMode == .pr {
            // The review branch is named by the release: plan once to learn it.
            let plan = try planOnce(planRequest, renderer: renderer)
            if let digest = plan.record?.artifact.digest {
                let name = "shipml/promote/\(target.name)/\(modelName)-\(digest.encoded.prefix(12))"
                reviewBranch = name
                let exists = try wrapGit { try workspace.fetchBranch(name) != nil }
                if !request.dryRun, plan.allowed, plan.changed, exists {
                    return PromoteOutcome(
                        plan: plan, commit: nil, branch: name, source: source,
                        alreadyProposed: true, dryRun: false)
                }
            }
        }
        let outcome = try transaction(branch: reviewBranch) { tip in
            let snapshot = try StateSnapshot.read(state, at: tip, request: planRequest)
            let plan = try PromotionPlanner.plan(
                planRequest, snapshot: snapshot, renderer: renderer)
            guard !request.dryRun, plan.allowed, plan.changed else { return .finish(plan) }
            return .commit(
                files: plan.files, removing: plan.removing, message: plan.message.text,
                result: plan)
        }
        return PromoteOutcome(
            plan: outcome.result, commit: outcome.commit, branch: reviewBranch, source: source,
            dryRun: request.dryRun)
    }

    private func planOnce(_ request: PromotionRequest, renderer: EnvironmentRenderer) throws
        -> PromotionPlan
    {
        try wrapGit {
            let tip = try workspace.refresh()
            let snapshot = try StateSnapshot.read(workspace.state, at: tip, request: request)
            return try PromotionPlanner.plan(request, snapshot: snapshot, renderer: renderer)
        }
    }

    /// Git and network failures as the environment; the rest as their own category.
    func wrapGit<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as GitError {
            throw ShipKitError.environment("state repository: \(error)")
        } catch {
            throw ShipKitError.wrapping(error)
        }
    }

    /// The source environment: --from, the target's only `from`, or nil for a first stage.
    func sourceEnvironment(_ target: EnvironmentSpec, _ request: PromoteRequest) throws
        -> String?
    {
        if let from = request.from {
            _ = try environment(from)
            return from
        }
        if request.artifact != nil || target.from.isEmpty { return nil }
        guard target.from.count == 1 else {
            throw ShipKitError.badInput(
                "\(target.name) takes releases from \(target.from.joined(separator: ", ")): say which with --from"
            )
        }
        return target.from[0]
    }

    /// The release entering a first stage, from --artifact, --image, --version and --blessing.
    func newRelease(_ request: PromoteRequest, model: String) throws -> ReleaseRecord {
        guard let artifact = request.artifact else {
            throw ShipKitError.badInput(
                "\(request.to) is a first stage: give the new release with --artifact REFERENCE@sha256:DIGEST"
            )
        }
        var record = ReleaseRecord(
            model: .init(name: model, version: request.version ?? project.model.version),
            environment: request.to, artifact: try Self.reference(artifact, flag: "--artifact"),
            promotedAt: "", promotedBy: "")
        record.image = try request.image.map { try Self.reference($0, flag: "--image") }
        if let blessing = request.blessing { record.validation = try Self.readBlessing(blessing) }
        if ci.commit != nil || ci.repository != nil {
            record.source = .init(repository: ci.repository, commit: ci.commit)
        }
        return record
    }

    /// `REFERENCE@sha256:HEX` as a release's artifact.
    public static func reference(_ text: String, flag: String) throws -> ReleaseRecord.ArtifactRef {
        guard let at = text.lastIndex(of: "@"), text.contains("@sha256:") else {
            throw ShipKitError.badInput(
                "\(flag) must name the release by digest: REFERENCE@sha256:HEX, got \(text)")
        }
        do {
            return .init(
                reference: text, digest: try Digest(String(text[text.index(after: at)...])))
        } catch {
            throw ShipKitError.badInput("\(flag): \(error)")
        }
    }

    /// The blessing's digest (of its bytes), result, policy and a summary.
    public static func readBlessing(_ path: String) throws -> ReleaseRecord.Validation {
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
            throw ShipKitError.badInput("--blessing \(path): \(error)")
        }
        let statement: Statement
        do {
            statement = try JSONDecoder().decode(Statement.self, from: data)
        } catch {
            throw ShipKitError.badInput(
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
    func requiredPolicy(_ target: EnvironmentSpec) -> Digest? {
        guard let policy = target.gates.requireValidation?.policy else { return nil }
        return (try? LocalFileSystem().readFile(at: loaded.resolve(policy)))
            .map { Digest.sha256(of: $0) }
    }
}
