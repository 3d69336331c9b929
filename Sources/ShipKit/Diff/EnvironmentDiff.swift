import Foundation
public import Promoter
import ShipModel

/// `shipml diff ENV1 ENV2`: the release records and the rendered manifests two environments
/// hold in the state repository, compared.
public enum EnvironmentDiff {
    public struct Request: Sendable {
        public var config = "shipml.yaml"
        public var from: String
        public var to: String
        public var model: String?
        public var state: String?
        public var cache: String?

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// One field of the release records that differs.
    public struct FieldChange: Encodable, Sendable, Equatable {
        public var field: String
        public var from: String?
        public var to: String?
    }

    public struct Result: Encodable, Sendable {
        public var schemaVersion = 1
        public var model: String
        public var from: String
        public var to: String
        public var fromRelease: ReleaseRecord?
        public var toRelease: ReleaseRecord?
        /// The record fields that matter to what runs (version, artifact, image, validation).
        public var changes: [FieldChange]
        /// A unified diff of the manifests, `a/` the first environment, `b/` the second.
        public var manifestDiff: String
        public var identical: Bool

        enum CodingKeys: String, CodingKey {
            case schemaVersion, model, from, to, fromRelease, toRelease, changes, manifestDiff,
                identical
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(schemaVersion, forKey: .schemaVersion)
            try container.encode(model, forKey: .model)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(fromRelease, forKey: .fromRelease)
            try container.encode(toRelease, forKey: .toRelease)
            try container.encode(changes, forKey: .changes)
            try container.encode(manifestDiff, forKey: .manifestDiff)
            try container.encode(identical, forKey: .identical)
        }
    }

    public static func run(_ request: Request, log: ShipKitLog = .silent) throws -> Result {
        let loaded = try ProjectAccess.loadIfPresent(request.config)
        guard let model = request.model ?? loaded?.project.model.name else {
            throw ShipKitError.badInput(
                "name the model with --model, or run where shipml.yaml is")
        }
        if let loaded {
            let names = loaded.project.environments.map(\.name)
            for name in [request.from, request.to] where !names.contains(name) {
                log.warning(
                    "\(request.config) names no environment \"\(name)\"\(Suggestions.hint(for: name, in: names)); comparing what the state holds for it"
                )
            }
        }
        let location = try StateLocation.choose(flag: request.state, project: loaded)
        let state = try StateAccess.releaseState(
            location, project: loaded, cache: request.cache, log: log)
        do {
            guard let tip = try state.repository.tip() else {
                throw ShipKitError.badInput("the state repository has no commit yet")
            }
            let fromRelease = try state.release(environment: request.from, model: model)
            let toRelease = try state.release(environment: request.to, model: model)
            if fromRelease == nil, toRelease == nil {
                throw ShipKitError.badInput(
                    "neither \(request.from) nor \(request.to) runs a release of \(model)")
            }
            let fromFiles = try manifests(state.repository, tip, request.from, model)
            let toFiles = try manifests(state.repository, tip, request.to, model)
            var diff = ""
            for name in Set(fromFiles.keys).union(toFiles.keys).sorted() {
                diff += UnifiedDiff.make(
                    old: fromFiles[name], new: toFiles[name], oldName: "a/\(request.from)/\(name)",
                    newName: "b/\(request.to)/\(name)")
            }
            let changes = fieldChanges(fromRelease, toRelease)
            return Result(
                model: model, from: request.from, to: request.to, fromRelease: fromRelease,
                toRelease: toRelease, changes: changes, manifestDiff: diff,
                identical: changes.isEmpty && diff.isEmpty)
        } catch let error as GitError {
            throw ShipKitError.environment("cannot read the state repository: \(error)")
        } catch {
            throw ShipKitError.wrapping(error)
        }
    }

    static func manifests(
        _ repository: any StateRepository, _ tip: String, _ environment: String, _ model: String
    ) throws -> [String: String] {
        let directory = StatePaths.manifests(environment: environment, model: model)
        var files: [String: String] = [:]
        for name in try repository.list(directory, at: tip) {
            if let data = try repository.readFile(directory + "/" + name, at: tip) {
                files[name] = String(decoding: data, as: UTF8.self)
            }
        }
        return files
    }

    /// What runs differs when these differ; who promoted and when do not count.
    static func fieldChanges(_ a: ReleaseRecord?, _ b: ReleaseRecord?) -> [FieldChange] {
        let fields: [(String, (ReleaseRecord) -> String?)] = [
            ("model.version", { $0.model.version }),
            ("artifact.digest", { $0.artifact.digest.description }),
            ("artifact.reference", { $0.artifact.reference }),
            ("image.digest", { $0.image?.digest.description }),
            ("validation.blessing", { $0.validation?.blessing.description }),
        ]
        return fields.compactMap { field, value in
            let left = a.flatMap(value)
            let right = b.flatMap(value)
            return left == right ? nil : FieldChange(field: field, from: left, to: right)
        }
    }
}
