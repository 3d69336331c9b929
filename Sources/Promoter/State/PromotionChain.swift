/// The links a promotion commit carries so that `history --env` and the soak gate follow a
/// chain of a few commits instead of reading the whole history.
///
/// Each promotion names, in trailers, the promotion before it into the same environment and
/// the one before it of the same model into that environment, and the parent it worked that
/// out on:
///
/// ```
/// Shipml-Parent: <the commit's parent>
/// Shipml-Env-Previous: <commit>|none
/// Shipml-Model-Previous: <commit>|none
/// ```
///
/// A writer adds links only when the history between its parent and the linked commit is a
/// straight line (no merge), so following them misses nothing. A reader trusts a commit's
/// links only when its one parent is the `Shipml-Parent` it names: a commit rebased,
/// cherry-picked or squashed onto another parent, a merge, and history written before the
/// links existed are all read the slow way, by walking.
public struct PromotionLinks: Sendable, Equatable {
    /// Where a link points.
    public enum Target: Sendable, Equatable {
        /// This commit.
        case commit(String)
        /// There is no earlier such promotion (written `none`).
        case nothing

        init?(_ text: String?) {
            guard let text else { return nil }
            if text == "none" {
                self = .nothing
            } else if let id = try? ObjectID(text) {
                self = .commit(id.description)
            } else {
                return nil
            }
        }

        var text: String {
            switch self {
            case .commit(let id): id
            case .nothing: "none"
            }
        }
    }

    public static let parentKey = "Shipml-Parent"
    public static let environmentKey = "Shipml-Env-Previous"
    public static let modelKey = "Shipml-Model-Previous"

    /// The parent the links were worked out on.
    public var parent: String
    /// The previous promotion into the same environment, of any model.
    public var environment: Target
    /// The previous promotion of the same model into the same environment, when known.
    public var model: Target?

    public init(parent: String, environment: Target, model: Target?) {
        self.parent = parent
        self.environment = environment
        self.model = model
    }

    /// The trailers to add to the commit's message.
    public var trailers: [(key: String, value: String)] {
        [(Self.parentKey, parent), (Self.environmentKey, environment.text)]
            + (model.map { [(Self.modelKey, $0.text)] } ?? [])
    }

    /// The links of a promotion commit, or nil when it has none it can be trusted with. The
    /// first commit needs none: nothing came before it.
    init?(_ message: PromotionMessage, of commit: StateCommit) {
        if commit.parents.isEmpty {
            self.init(parent: "", environment: .nothing, model: .nothing)
            return
        }
        guard commit.parents.count == 1, let parent = message.trailer(Self.parentKey),
            parent.lowercased() == commit.parents[0].lowercased(),
            let environment = Target(message.trailer(Self.environmentKey))
        else { return nil }
        self.init(
            parent: parent, environment: environment, model: Target(message.trailer(Self.modelKey)))
    }
}

/// Following the links (``PromotionLinks``), with the walk as the fallback.
enum PromotionChain {
    /// One promotion commit into the environment being followed.
    private struct Step {
        var commit: StateCommit
        var message: PromotionMessage
    }

    /// The links a new promotion of `model` into `environment` on top of `tip` carries; nil
    /// when the history since the previous promotion is not a straight line.
    static func links(
        _ repository: any StateRepository, tip: String, environment: String, model: String
    ) throws -> PromotionLinks? {
        guard let scan = try newest(repository, from: tip, environment: environment) else {
            return nil
        }
        guard var step = scan else {
            return PromotionLinks(parent: tip, environment: .nothing, model: .nothing)
        }
        let newest = step.commit.id
        var modelLink: PromotionLinks.Target?
        while true {
            if step.message.model == model {
                modelLink = .commit(step.commit.id)
                break
            }
            guard let links = PromotionLinks(step.message, of: step.commit) else { break }
            guard case .commit(let id) = links.environment else {
                modelLink = .nothing
                break
            }
            guard let next = try promotion(repository, id, environment: environment) else { break }
            step = next
        }
        return PromotionLinks(parent: tip, environment: .commit(newest), model: modelLink)
    }

    /// Promotions into `environment` (of `model`, when given), newest first, at most `limit`,
    /// from `tip`: along the links where there are trustworthy ones, by walking elsewhere.
    static func history(
        _ repository: any StateRepository, from tip: String, environment: String,
        model: String?, limit: Int?
    ) throws -> [ReleaseState.Promotion] {
        guard let scan = try newest(repository, from: tip, environment: environment) else {
            return try walk(
                repository, from: tip, environment: environment, model: model, limit: limit)
        }
        var found: [ReleaseState.Promotion] = []
        var current = scan
        while let step = current {
            let matches = model == nil || step.message.model == model
            if matches {
                found.append(
                    ReleaseState.Promotion(
                        commit: step.commit.id, message: step.message, author: step.commit.author))
                if let limit, found.count >= limit { return found }
            }
            // No links to trust, or a link to a commit that is missing or not such a
            // promotion: walk the rest.
            let links = PromotionLinks(step.message, of: step.commit)
            let next =
                matches && model != nil
                ? links?.model ?? links?.environment : links?.environment
            if next == .nothing { return found }
            guard case .commit(let id) = next,
                let linked = try promotion(repository, id, environment: environment)
            else {
                let rest = try walk(
                    repository, from: step.commit.id, environment: environment, model: model,
                    limit: limit.map { $0 - found.count + 1 }
                ).filter { $0.commit != step.commit.id }
                return found + rest.prefix(limit.map { $0 - found.count } ?? rest.count)
            }
            current = linked
        }
        return found
    }

    /// The newest promotion into `environment` on the straight line back from `start`:
    /// `.some(nil)` when there is none down to the first commit, nil when a merge comes first.
    private static func newest(
        _ repository: any StateRepository, from start: String, environment: String
    ) throws -> Step?? {
        var next: String? = start
        while let id = next, let commit = try repository.commit(id) {
            guard commit.parents.count <= 1 else { return nil }
            if let message = promotionMessage(commit, environment: environment) {
                return .some(Step(commit: commit, message: message))
            }
            next = commit.parents.first
        }
        return .some(nil)
    }

    private static func promotion(
        _ repository: any StateRepository, _ id: String, environment: String
    ) throws -> Step? {
        guard let commit = try repository.commit(id),
            let message = promotionMessage(commit, environment: environment)
        else { return nil }
        return Step(commit: commit, message: message)
    }

    /// The commit's promotion message when it is a promotion into `environment`.
    private static func promotionMessage(_ commit: StateCommit, environment: String)
        -> PromotionMessage?
    {
        guard let message = message(of: commit, prefix: "promote(", suffix: " → \(environment)"),
            message.environment == environment
        else { return nil }
        return message
    }

    /// The commit's promotion message when its subject starts with `prefix` and ends with
    /// `suffix`. Most commits are other promotions: the subject's bytes are looked at before
    /// anything is parsed.
    private static func message(of commit: StateCommit, prefix: String, suffix: String?)
        -> PromotionMessage?
    {
        let subject = commit.message.utf8.prefix { $0 != UInt8(ascii: "\n") }
        guard subject.starts(with: prefix.utf8),
            suffix.map({ subject.reversed().starts(with: $0.utf8.reversed()) }) ?? true
        else { return nil }
        return PromotionMessage.parse(commit.message)
    }

    /// Every commit reachable from `start`, newest first, read until `limit` matches: the way
    /// for history without links, and for searches not limited to one environment.
    static func walk(
        _ repository: any StateRepository, from start: String, environment: String?,
        model: String?, limit: Int?
    ) throws -> [ReleaseState.Promotion] {
        var found: [ReleaseState.Promotion] = []
        let subjectPrefix = "promote(" + (model.map { "\($0))" } ?? "")
        let subjectSuffix = environment.map { " → \($0)" }
        try repository.walk(from: start) { commit in
            guard let message = message(of: commit, prefix: subjectPrefix, suffix: subjectSuffix)
            else { return true }
            if let environment, message.environment != environment { return true }
            if let model, message.model != model { return true }
            found.append(
                ReleaseState.Promotion(commit: commit.id, message: message, author: commit.author))
            return limit.map { found.count < $0 } ?? true
        }
        return found
    }
}
