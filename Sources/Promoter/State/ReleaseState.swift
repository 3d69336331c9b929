import Foundation
import Yams

/// Reads of the state: what each environment runs, and the promotions that led there. Pure
/// reads of the repository: no working tree, no network.
public struct ReleaseState {
    public let repository: any StateRepository

    public init(_ repository: any StateRepository) { self.repository = repository }

    /// One promotion, read back from its commit.
    public struct Promotion: Sendable, Equatable {
        public var commit: String
        public var message: PromotionMessage
        public var author: Signature
    }

    /// Every (environment, model) release at the tip, sorted by environment then model.
    /// - Throws: ``StateError`` for a release file that does not parse.
    public func releases() throws -> [ReleaseRecord] {
        try releases(at: repository.tip())
    }

    /// Every (environment, model) release at `tip` (none for an empty repository), sorted by
    /// environment then model.
    /// - Throws: ``StateError`` for a release file that does not parse.
    public func releases(at tip: String?) throws -> [ReleaseRecord] {
        guard let tip else { return [] }
        var records: [ReleaseRecord] = []
        let decoder = YAMLDecoder()
        for environment in try repository.list(StatePaths.root, at: tip).sorted() {
            let directory = "\(StatePaths.root)/\(environment)"
            for model in try repository.list(directory, at: tip).sorted() {
                let path = StatePaths.release(environment: environment, model: model)
                guard let data = try repository.readFile(path, at: tip) else { continue }
                records.append(
                    try ReleaseRecord.parse(
                        String(decoding: data, as: UTF8.self), file: path, decoder: decoder))
            }
        }
        return records
    }

    /// The release an environment runs of a model, or nil.
    public func release(environment: String, model: String) throws -> ReleaseRecord? {
        guard let tip = try repository.tip() else { return nil }
        let path = StatePaths.release(environment: environment, model: model)
        return try repository.readFile(path, at: tip).map {
            try ReleaseRecord.parse(String(decoding: $0, as: UTF8.self), file: path)
        }
    }

    /// Promotions, newest first, optionally of one environment and model, at most `limit`.
    /// Commits that are not promotions are skipped; the walk stops at the `limit`th match.
    /// For one environment it follows the commits' links (``PromotionLinks``) where it can.
    /// - Parameter start: The commit to start from; the branch's tip when nil.
    public func history(
        environment: String? = nil, model: String? = nil, limit: Int? = nil,
        from start: String? = nil
    ) throws -> [Promotion] {
        guard let tip = try start ?? repository.tip() else { return [] }
        if let limit, limit <= 0 { return [] }
        guard let environment else {
            return try PromotionChain.walk(
                repository, from: tip, environment: nil, model: model, limit: limit)
        }
        return try PromotionChain.history(
            repository, from: tip, environment: environment, model: model, limit: limit)
    }
}
