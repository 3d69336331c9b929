public import Foundation
public import ShipModel

/// Whether a release could move on now: from the environment that runs it to one that takes
/// releases from there, with each gate's verdict. `shipml status` shows these.
public struct NextPromotion: Sendable, Equatable, Codable {
    public var from: String
    public var to: String
    public var version: String
    public var release: Digest
    public var allowed: Bool
    public var verdicts: [GateVerdict]

    /// The promotions waiting after `record`: one per environment that takes releases from
    /// its environment and does not run this release yet. Reads the tip's tree, plus the
    /// commits back to the source's promotion where a soak gate needs its time.
    /// - Parameters:
    ///   - record: A release at `tip`.
    ///   - project: The project, for the environments and their gates.
    ///   - actor: Who would promote (approvals by them do not count).
    ///   - requiredPolicy: The digest of the policy file a target's requireValidation names.
    ///   - known: Release records already read at `tip`, not to be read again.
    ///   - renderer: Renders and lints the manifests for a target with a `requireLint` gate,
    ///     as the promotion would; without one that gate says it is checked at promotion.
    /// - Throws: ``StateError`` for a file that does not parse; repository errors.
    public static func after(
        _ record: ReleaseRecord, in project: Project, repository: any StateRepository,
        tip: String, actor: String, now: Date,
        requiredPolicy: (EnvironmentSpec) -> Digest? = { _ in nil },
        known: KnownReleases = KnownReleases(), renderer: (any ManifestRenderer)? = nil
    ) throws -> [NextPromotion] {
        var next: [NextPromotion] = []
        for target in project.environments where target.from.contains(record.environment) {
            let request = PromotionRequest(
                model: record.model.name, target: target, sourceEnvironment: record.environment,
                actor: actor, promotedBy: actor, now: now)
            let snapshot = try StateSnapshot.read(
                repository, at: tip, request: request, manifests: false, known: known)
            guard snapshot.current?.artifact.digest != record.artifact.digest else { continue }
            var lintErrors: [String]?
            if target.gates.requireLint, let renderer {
                lintErrors = lint(record, for: target, with: renderer)
            }
            let verdicts = GateCheck.verdicts(
                GateInputs(
                    target: target, sourceEnvironment: record.environment, release: record,
                    sourcePromotedAt: snapshot.sourcePromotedAt, approvals: snapshot.approvals,
                    actor: actor, now: now, requiredPolicy: requiredPolicy(target),
                    lintErrors: lintErrors))
            next.append(
                NextPromotion(
                    from: record.environment, to: target.name, version: record.model.version,
                    release: record.artifact.digest, allowed: verdicts.allSatisfy(\.passed),
                    verdicts: verdicts))
        }
        return next
    }

    /// The lint errors of `record`'s manifests rendered for `target`, as the promotion would
    /// render them; a render that fails is one error.
    static func lint(
        _ record: ReleaseRecord, for target: EnvironmentSpec, with renderer: any ManifestRenderer
    ) -> [String] {
        var candidate = record
        candidate.environment = target.name
        do {
            let manifests = try renderer.render(environment: target, release: candidate)
            return try renderer.requireLintErrors(environment: target, manifests: manifests)
        } catch {
            return ["the manifests for \(target.name) do not render: \(error)"]
        }
    }
}
