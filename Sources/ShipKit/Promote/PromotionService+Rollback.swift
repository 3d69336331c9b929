import Foundation
public import Promoter
import ShipModel

extension PromotionService {
    /// What `shipml rollback` is asked.
    public struct RollbackRequest: Sendable {
        public var environment: String
        /// A release (`sha256:…`, or its first 12 or more hex digits) or a state commit (7 or
        /// more hex digits); nil for the previous release.
        public var to: String?
        public var model: String?
        public var reason: String?
        public var dryRun = false

        public init(environment: String) { self.environment = environment }
    }

    /// What a rollback did, or would do.
    public struct RollbackOutcome: Sendable {
        public var plan: PromotionPlan
        /// The release the environment runs before the rollback.
        public var current: ReleaseRecord?
        /// The release put back.
        public var restored: ReleaseRecord
        /// The state commit that had promoted `restored`.
        public var restoredFrom: String
        public var commit: String?
        public var dryRun: Bool
    }

    /// Puts an earlier release back as a new commit; gates are not checked.
    public func rollback(_ request: RollbackRequest) throws -> RollbackOutcome {
        let target = try environment(request.environment)
        let modelName = request.model ?? project.model.name
        let identity = ci.identity
        let state = workspace.state
        let renderer = self.renderer
        var found: (current: ReleaseRecord, restored: ReleaseRecord, commit: String)?
        let outcome = try transaction { tip -> StateTransaction.Step<PromotionPlan> in
            let release = try Self.findRelease(
                state, tip: tip, environment: target.name, model: modelName, to: request.to)
            found = release
            let planRequest = PromotionRequest(
                model: modelName, target: target, candidate: release.restored,
                actor: identity.login, promotedBy: identity.display,
                reason: "rollback" + (request.reason.map { ": \($0)" } ?? ""), now: now,
                runURL: ci.runURL, rollbackOf: release.commit)
            let snapshot = try StateSnapshot.read(state, at: tip, request: planRequest)
            let plan = try PromotionPlanner.plan(
                planRequest, snapshot: snapshot, renderer: renderer)
            guard plan.changed, !request.dryRun else { return .finish(plan) }
            return .commit(
                files: plan.files, removing: plan.removing, message: plan.message.text,
                result: plan)
        }
        guard let found else {
            throw ShipKitError.environment("the rollback read no release")
        }
        return RollbackOutcome(
            plan: outcome.result, current: found.current, restored: found.restored,
            restoredFrom: found.commit, commit: outcome.commit, dryRun: request.dryRun)
    }

    /// The release running now, the release to restore and the commit that promoted it.
    static func findRelease(
        _ repository: GitStateRepository, tip: String?, environment env: String, model: String,
        to: String?
    ) throws -> (current: ReleaseRecord, restored: ReleaseRecord, commit: String) {
        let path = StatePaths.release(environment: env, model: model)
        guard let tip, let data = try repository.readFile(path, at: tip) else {
            throw ShipKitError.badInput("\(env) runs no release of \(model): nothing to roll back")
        }
        let current = try ReleaseRecord.parse(String(decoding: data, as: UTF8.self), file: path)
        let wanted: String
        if let to {
            wanted = to
        } else if let previous = current.previous {
            wanted = previous.digest.description
        } else {
            throw ShipKitError.badInput(
                "\(path) records no previous release; name one with --to RELEASE|COMMIT")
        }
        let byDigest = wanted.hasPrefix("sha256:")
        if !byDigest {
            guard wanted.count >= 7, wanted.allSatisfy(\.isHexDigit) else {
                throw ShipKitError.badInput(
                    "--to: expected a release (sha256:HEX) or a state commit (7 or more hex digits), got \(wanted)"
                )
            }
        }
        // A release digest may be shortened to the 12 digits status prints, or more.
        let digestPrefix = byDigest ? String(wanted.dropFirst("sha256:".count)).lowercased() : ""
        if byDigest, digestPrefix.count < 12 || !digestPrefix.allSatisfy(\.isHexDigit) {
            throw ShipKitError.badInput(
                "--to \(wanted): expected sha256: and at least 12 hex digits of the release")
        }
        var found: (ReleaseRecord, String)?
        var matches: Set<String> = []
        try repository.walk(from: tip) { commit in
            if byDigest {
                guard let message = PromotionMessage.parse(commit.message),
                    message.environment == env, message.model == model,
                    let release = message.trailer("Shipml-Release"),
                    release.hasPrefix("sha256:" + digestPrefix)
                else { return true }
                matches.insert(release)
                if found != nil { return true }
            } else if !commit.id.hasPrefix(wanted.lowercased()) {
                return true
            }
            if found == nil, let data = try repository.readFile(path, at: commit.id) {
                found = (
                    try ReleaseRecord.parse(String(decoding: data, as: UTF8.self), file: path),
                    commit.id
                )
            }
            // A full digest or a commit is found once; a short digest is checked for others.
            return byDigest && digestPrefix.count < 64
        }
        if matches.count > 1 {
            throw ShipKitError.badInput(
                "--to \(wanted) is ambiguous: \(matches.sorted().joined(separator: ", ")) were all promoted to \(env)"
            )
        }
        guard let found else {
            throw ShipKitError.badInput(
                byDigest
                    ? "no promotion of \(model) \(wanted) to \(env) in the state history"
                    : "no state commit \(wanted) with \(path)")
        }
        return (current, found.0, found.1)
    }

    // MARK: - approve

    /// What `shipml approve` is asked.
    public struct ApproveRequest: Sendable {
        public var environment: String
        /// The release: `sha256:` and its full digest, or its first 12 or more hex digits.
        public var release: String
        public var model: String?
        public var reason: String?
        public var dryRun = false

        public init(environment: String, release: String) {
            self.environment = environment
            self.release = release
        }
    }

    /// What an approval did.
    public struct ApproveOutcome: Sendable {
        public var approval: Approval
        /// The approval commit; nil when it was there already or for a dry run.
        public var commit: String?
        /// The same approver had approved this release already.
        public var alreadyApproved: Bool
        public var dryRun: Bool
    }

    /// Records an approval that the target's approvals gate counts. Refused (bad input) when
    /// the environment has no approvals gate, when no environment it takes releases from runs
    /// the release, and when the approver is one the gate will never count.
    public func approve(_ request: ApproveRequest) throws -> ApproveOutcome {
        let target = try environment(request.environment)
        let modelName = request.model ?? project.model.name
        guard let rule = target.gates.approvals else {
            throw ShipKitError.badInput(
                "\(target.name) has no approvals gate: an approval there would never be counted; "
                    + "add gates.approvals to it in \(loaded.file)")
        }
        let identity = ci.identity
        if !rule.from.isEmpty, !rule.from.contains(identity.login) {
            throw ShipKitError.badInput(
                "\(identity.login) may not approve for \(target.name): its approvals gate counts only "
                    + rule.from.joined(separator: ", "))
        }
        let state = workspace.state
        let tip = try wrapGit { try workspace.refresh() }
        let upstream = try wrapGit {
            try ReleaseState(state).releases(at: tip).filter {
                $0.model.name == modelName
                    && (target.from.isEmpty
                        ? $0.environment == target.name : target.from.contains($0.environment))
            }
        }
        let digest: Digest
        if target.from.isEmpty, let full = try? Digest(request.release) {
            // A first stage's releases come from outside the state: any digest may be approved.
            digest = full
        } else {
            digest = try Self.resolveRelease(
                request.release, among: upstream.map(\.artifact.digest),
                where: target.from.isEmpty ? target.name : target.from.joined(separator: " or "),
                model: modelName)
        }
        let approval = Approval(
            environment: target.name, model: modelName, release: digest,
            approver: identity.login, approvedAt: rfc3339(now), reason: request.reason)
        let text = try approval.yaml()
        var message = "approve(\(modelName)): \(digest.encoded.prefix(12)) for \(target.name)\n\n"
        message += "Shipml-Approval: \(digest)\nShipml-Approved-By: \(identity.display)\n"
        if let reason = request.reason {
            message +=
                "Shipml-Reason: \(reason.split(whereSeparator: \.isNewline).joined(separator: " "))\n"
        }
        let outcome = try transaction { tip -> StateTransaction.Step<Bool> in
            if let tip, try state.readFile(approval.path, at: tip) != nil {
                return .finish(true)
            }
            if request.dryRun { return .finish(false) }
            return .commit(
                files: [approval.path: Data(text.utf8)], removing: [], message: message,
                result: false)
        }
        return ApproveOutcome(
            approval: approval, commit: outcome.commit, alreadyApproved: outcome.result,
            dryRun: request.dryRun)
    }

    /// A release named in full (`sha256:` and 64 digits) or by a prefix of 12 or more digits
    /// (with or without `sha256:`), among the releases `where` runs.
    static func resolveRelease(
        _ text: String, among candidates: [Digest], where place: String, model: String
    ) throws -> Digest {
        let hex = (text.hasPrefix("sha256:") ? String(text.dropFirst(7)) : text).lowercased()
        guard hex.count >= 12, hex.count <= 64, hex.allSatisfy(\.isHexDigit) else {
            throw ShipKitError.badInput(
                "--release \(text): expected an artifact digest, sha256: and 64 hex digits (or the first 12 or more)"
            )
        }
        let matches = Set(candidates.filter { $0.encoded.hasPrefix(hex) })
        if matches.count > 1 {
            throw ShipKitError.badInput(
                "--release \(text) is ambiguous: \(matches.map(\.description).sorted().joined(separator: ", "))"
            )
        }
        guard let match = matches.first else {
            throw ShipKitError.badInput(
                "--release \(text): \(place) runs no such release of \(model)"
                    + (candidates.isEmpty
                        ? " (it runs none yet)"
                        : " (it runs \(candidates.map { String($0.encoded.prefix(12)) }.joined(separator: ", ")))")
                    + "; approve what is waiting to be promoted")
        }
        return match
    }
}
