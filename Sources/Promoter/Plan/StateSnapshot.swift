public import Foundation
public import ShipModel

/// What a promotion reads from the state at one commit: the target's release and manifests,
/// the source's release and when it was promoted there, and the approvals of that release.
public struct StateSnapshot: Sendable {
    /// The commit read; nil for an empty repository.
    public var tip: String?
    public var current: ReleaseRecord?
    public var currentManifests: [String: String]
    public var source: ReleaseRecord?
    public var sourcePromotedAt: Date?
    public var approvals: [Approval]
    /// The links a promotion into the target on top of ``tip`` carries (see
    /// ``PromotionLinks``); nil when not read or when the history is not a straight line.
    public var links: PromotionLinks?

    public init(
        tip: String? = nil, current: ReleaseRecord? = nil, currentManifests: [String: String] = [:],
        source: ReleaseRecord? = nil, sourcePromotedAt: Date? = nil, approvals: [Approval] = []
    ) {
        self.tip = tip
        self.current = current
        self.currentManifests = currentManifests
        self.source = source
        self.sourcePromotedAt = sourcePromotedAt
        self.approvals = approvals
    }

    /// Reads what `request` needs at `tip`: the tip's tree, plus the commits back to the
    /// source environment's promotion when a soak gate needs its time.
    /// - Throws: ``StateError`` for a file that does not parse; repository errors as they come.
    /// - Parameters:
    ///   - manifests: Whether to read the target's manifests and work out the new commit's
    ///     links (a plan needs them; a gate check does not).
    ///   - known: Release records already read at `tip`, so that they are not read and
    ///     decoded again (`shipml status` checks the next promotions of every release).
    public static func read(
        _ repository: any StateRepository, at tip: String?, request: PromotionRequest,
        manifests: Bool = true, known: KnownReleases = KnownReleases()
    ) throws -> StateSnapshot {
        var snapshot = StateSnapshot(tip: tip)
        guard let tip else { return snapshot }
        let model = request.model
        let target = request.target.name
        snapshot.current =
            try known[target, model]
            ?? record(repository, tip, environment: target, model: model)
        let directory = StatePaths.manifests(environment: target, model: model)
        for name in try manifests ? repository.list(directory, at: tip) : [] {
            if let data = try repository.readFile("\(directory)/\(name)", at: tip) {
                snapshot.currentManifests[name] = String(decoding: data, as: UTF8.self)
            }
        }
        if manifests {
            snapshot.links = try PromotionChain.links(
                repository, tip: tip, environment: target, model: model)
        }
        if let source = request.sourceEnvironment {
            snapshot.source =
                try known[source, model]
                ?? record(repository, tip, environment: source, model: model)
            if request.target.gates.soak != nil, let release = snapshot.source {
                snapshot.sourcePromotedAt = try promotionTime(
                    repository, tip, environment: source, model: model, release: release)
            }
        }
        if let release = (request.candidate ?? snapshot.source)?.artifact.digest {
            let directory = Approval.directory(environment: target, model: model, release: release)
            for name in try repository.list(directory, at: tip) {
                let path = "\(directory)/\(name)"
                if let data = try repository.readFile(path, at: tip) {
                    snapshot.approvals.append(
                        try Approval.parse(String(decoding: data, as: UTF8.self), file: path))
                }
            }
        }
        return snapshot
    }

    static func record(
        _ repository: any StateRepository, _ tip: String, environment: String, model: String
    ) throws -> ReleaseRecord? {
        let path = StatePaths.release(environment: environment, model: model)
        return try repository.readFile(path, at: tip).map {
            try ReleaseRecord.parse(String(decoding: $0, as: UTF8.self), file: path)
        }
    }

    /// The author time of the newest commit that promoted `release` to `environment`; the
    /// record's own `promotedAt` when no such commit is found (a repository written by hand).
    static func promotionTime(
        _ repository: any StateRepository, _ tip: String, environment: String, model: String,
        release: ReleaseRecord
    ) throws -> Date? {
        let promotions = try ReleaseState(repository).history(
            environment: environment, model: model, limit: 1, from: tip)
        if let latest = promotions.first,
            latest.message.trailer("Shipml-Release") == release.artifact.digest.description
        {
            return latest.author.time
        }
        return try? Date(release.promotedAt, strategy: .iso8601)
    }
}

/// Release records already read at one commit, by environment and model.
public struct KnownReleases: Sendable {
    private var records: [String: ReleaseRecord] = [:]

    public init(_ records: [ReleaseRecord] = []) {
        for record in records {
            self.records[Self.key(record.environment, record.model.name)] = record
        }
    }

    /// The record of `model` in `environment`, when known; nil says "read it".
    public subscript(environment: String, model: String) -> ReleaseRecord? {
        records[Self.key(environment, model)]
    }

    private static func key(_ environment: String, _ model: String) -> String {
        environment + "/" + model
    }
}
