public import Foundation
public import ShipModel

/// What is asked: which release goes where, by whom and why.
public struct PromotionRequest: Sendable {
    public var model: String
    public var target: EnvironmentSpec
    /// The source environment; nil for a new release (``candidate``) or a rollback.
    public var sourceEnvironment: String?
    /// The release entering the first stage, or the release a rollback restores.
    public var candidate: ReleaseRecord?
    /// The login the gates compare approvers with.
    public var actor: String
    /// `Name <email>`, written as `promotedBy`.
    public var promotedBy: String
    public var reason: String?
    public var now: Date
    public var automatic: Bool
    public var requiredPolicy: Digest?
    /// The CI run that asked, for the `Shipml-Run-Url` trailer.
    public var runURL: String?
    /// The state commit a rollback restores the release of; gates are not checked for it.
    public var rollbackOf: String?

    public init(
        model: String, target: EnvironmentSpec, sourceEnvironment: String? = nil,
        candidate: ReleaseRecord? = nil, actor: String, promotedBy: String,
        reason: String? = nil, now: Date, automatic: Bool = false,
        requiredPolicy: Digest? = nil, runURL: String? = nil, rollbackOf: String? = nil
    ) {
        self.model = model
        self.target = target
        self.sourceEnvironment = sourceEnvironment
        self.candidate = candidate
        self.actor = actor
        self.promotedBy = promotedBy
        self.reason = reason
        self.now = now
        self.automatic = automatic
        self.requiredPolicy = requiredPolicy
        self.runURL = runURL
        self.rollbackOf = rollbackOf
    }
}

/// The outcome of planning: every gate's verdict, and when they all pass, the new release
/// record and the files to write. Computing it writes nothing.
public struct PromotionPlan: Sendable {
    public var model: String
    public var environment: String
    public var verdicts: [GateVerdict]
    /// The release being written; nil when there is none to promote.
    public var record: ReleaseRecord?
    /// What the environment ran before.
    public var current: ReleaseRecord?
    /// Files to write, by repository path: release.yaml and the manifests.
    public var files: [String: Data]
    /// Paths removed: manifests the environment no longer renders.
    public var removing: Set<String>
    /// Manifests by file name, before and after.
    public var manifestsBefore: [String: String]
    public var manifestsAfter: [String: String]
    /// Whether the release or its manifests differ from what the environment runs.
    public var changed: Bool
    public var message: PromotionMessage

    /// Whether every gate passed.
    public var allowed: Bool { verdicts.allSatisfy(\.passed) }

    /// The refusal naming every failing gate, or nil when all pass.
    public var refusal: PromotionRefused? {
        let failing = verdicts.filter { !$0.passed }
        return failing.isEmpty
            ? nil : PromotionRefused(environment: environment, model: model, failing: failing)
    }

    /// A unified diff of the manifests, before and after, file by file.
    public var manifestDiff: String {
        var text = ""
        let names = Set(manifestsBefore.keys).union(manifestsAfter.keys).sorted()
        let base = StatePaths.manifests(environment: environment, model: model)
        for name in names {
            text += UnifiedDiff.make(
                old: manifestsBefore[name], new: manifestsAfter[name],
                oldName: "a/\(base)/\(name)", newName: "b/\(base)/\(name)")
        }
        return text
    }
}

/// Plans promotions: the pure core of `shipml promote` and `shipml rollback`.
public enum PromotionPlanner {
    /// Plans one promotion on a snapshot of the state.
    /// - Parameters:
    ///   - request: What is asked.
    ///   - snapshot: The state it applies to (from ``StateSnapshot/read(_:at:request:)``).
    ///   - renderer: Renders the target environment's manifests.
    /// - Returns: The plan; check ``PromotionPlan/allowed`` and ``PromotionPlan/changed``.
    /// - Throws: What the renderer or the YAML encoder throws.
    public static func plan(
        _ request: PromotionRequest, snapshot: StateSnapshot,
        renderer: any ManifestRenderer
    ) throws -> PromotionPlan {
        let environment = request.target.name
        let source = request.candidate ?? snapshot.source
        // The target's manifests, rendered for the record being written: gates may lint them.
        var record = source
        record?.environment = environment
        record?.promotedAt = rfc3339(request.now)
        record?.promotedBy = request.promotedBy
        record?.reason = request.reason
        if let current = snapshot.current, let source,
            current.artifact.digest != source.artifact.digest
        {
            record?.previous = .init(
                version: current.model.version, digest: current.artifact.digest)
        } else {
            record?.previous = snapshot.current?.previous
        }
        let rendered = try record.map {
            try renderer.render(environment: request.target, release: $0)
        }
        var lintErrors: [String]?
        if request.target.gates.requireLint, let rendered {
            lintErrors = try renderer.requireLintErrors(
                environment: request.target, manifests: rendered)
        }
        let verdicts: [GateVerdict]
        if let rollback = request.rollbackOf {
            verdicts = [
                .pass(
                    "rollback",
                    "restores the release of \(rollback.prefix(12)); gates are not checked")
            ]
        } else {
            verdicts = GateCheck.verdicts(
                GateInputs(
                    target: request.target, sourceEnvironment: request.sourceEnvironment,
                    release: source, sourcePromotedAt: snapshot.sourcePromotedAt,
                    approvals: snapshot.approvals, actor: request.actor, now: request.now,
                    automatic: request.automatic, requiredPolicy: request.requiredPolicy,
                    lintErrors: lintErrors))
        }
        let before = snapshot.currentManifests
        var plan = PromotionPlan(
            model: request.model, environment: environment, verdicts: verdicts, record: nil,
            current: snapshot.current, files: [:], removing: [], manifestsBefore: before,
            manifestsAfter: before, changed: false,
            message: PromotionMessage(
                model: request.model, version: source?.model.version ?? "?",
                environment: environment))
        guard let record, let rendered else { return plan }
        plan.record = record

        var after: [String: String] = [:]
        for file in rendered { after[file.name] = file.text }
        plan.manifestsAfter = after

        let manifestsDirectory = StatePaths.manifests(
            environment: environment, model: request.model)
        var files: [String: Data] = [
            StatePaths.release(environment: environment, model: request.model): Data(
                try record.yaml().utf8)
        ]
        for (name, text) in after { files["\(manifestsDirectory)/\(name)"] = Data(text.utf8) }
        plan.files = files
        plan.removing = Set(
            before.keys.filter { after[$0] == nil }.map { "\(manifestsDirectory)/\($0)" })
        plan.changed = snapshot.current.map(essence) != essence(record) || before != after
        plan.message = message(
            request, record: record, current: snapshot.current,
            before: before, after: after, verdicts: verdicts)
        plan.message.trailers += snapshot.links?.trailers ?? []
        return plan
    }

    /// A record without who, when, why and what came before: what decides "changed".
    static func essence(_ record: ReleaseRecord) -> ReleaseRecord {
        var record = record
        record.promotedAt = ""
        record.promotedBy = ""
        record.reason = nil
        record.previous = nil
        return record
    }

    static func message(
        _ request: PromotionRequest, record: ReleaseRecord, current: ReleaseRecord?,
        before: [String: String], after: [String: String], verdicts: [GateVerdict]
    ) -> PromotionMessage {
        var changes: [String] = []
        func change(_ what: String, _ old: String?, _ new: String?) {
            guard old != new else { return }
            changes.append("\(what): \(old ?? "none") → \(new ?? "none")")
        }
        change("version", current?.model.version, record.model.version)
        change("artifact", current?.artifact.reference, record.artifact.reference)
        change("image", current?.image?.reference, record.image?.reference)
        change(
            "validation", current?.validation.map { "\($0.blessing) \($0.result)" },
            record.validation.map { "\($0.blessing) \($0.result)" })
        let added = Set(after.keys).subtracting(before.keys).count
        let removed = Set(before.keys).subtracting(after.keys).count
        let modified = Set(before.keys).intersection(after.keys).filter { before[$0] != after[$0] }
            .count
        if added + removed + modified > 0 {
            changes.append("manifests: \(modified) changed, \(added) added, \(removed) removed")
        }
        var trailers: [(key: String, value: String)] = [
            ("Shipml-Release", record.artifact.digest.description),
            ("Shipml-Model", request.model),
            (
                "Shipml-From",
                request.rollbackOf != nil ? "rollback" : request.sourceEnvironment ?? "new"
            ),
            ("Shipml-To", request.target.name),
            ("Shipml-Artifact-Digest", record.artifact.digest.description),
        ]
        if let validation = record.validation {
            trailers.append(("Shipml-Validation", "\(validation.blessing) \(validation.result)"))
        }
        trailers.append(("Shipml-Promoted-By", request.promotedBy))
        if let reason = request.reason { trailers.append(("Shipml-Reason", reason)) }
        if let rollback = request.rollbackOf { trailers.append(("Shipml-Rollback-Of", rollback)) }
        for verdict in verdicts where request.rollbackOf == nil {
            trailers.append(("Shipml-Gate-\(verdict.gate)", "\(verdict.word): \(verdict.reason)"))
        }
        if let url = request.runURL { trailers.append(("Shipml-Run-Url", url)) }
        return PromotionMessage(
            model: request.model, version: record.model.version, environment: request.target.name,
            changes: changes, trailers: trailers)
    }
}
