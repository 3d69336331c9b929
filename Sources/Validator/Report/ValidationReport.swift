public import Foundation
public import ShipModel

/// A file the validation read, by the name the user gave and its SHA-256.
public struct InputFile: Sendable, Equatable, Encodable {
    /// The path as given, or `FILE#evaluation` for a policy written inline in a project file.
    public var name: String
    public var digest: Digest

    public init(name: String, digest: Digest) {
        self.name = name
        self.digest = digest
    }
}

/// What was validated.
public struct ValidationInputs: Sendable, Equatable, Encodable {
    public var metrics: InputFile
    public var policy: InputFile
    public var baseline: InputFile?
    /// The model directory given with `--model`.
    public var model: String?
    /// The model digest, when the artifact checks computed it.
    public var modelDigest: Digest?

    public init(
        metrics: InputFile, policy: InputFile, baseline: InputFile? = nil, model: String? = nil,
        modelDigest: Digest? = nil
    ) {
        self.metrics = metrics
        self.policy = policy
        self.baseline = baseline
        self.model = model
        self.modelDigest = modelDigest
    }

    enum CodingKeys: String, CodingKey {
        case metrics, policy, baseline, model, modelDigest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(policy, forKey: .policy)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(model, forKey: .model)
        try container.encode(modelDigest, forKey: .modelDigest)
    }
}

/// The result of `shipml validate`, as `--json` prints it (schema in docs/validate.md).
public struct ValidationReport: Sendable, Equatable, Encodable {
    /// Bumped only when a field changes meaning or disappears; new fields may be added.
    public static let schemaVersion = 1

    public var inputs: ValidationInputs
    public var evaluation: Evaluation
    /// The blessing's SHA-256 and where it was written, when one was made.
    public var blessing: BlessingReference?

    public init(inputs: ValidationInputs, evaluation: Evaluation, blessing: BlessingReference?) {
        self.inputs = inputs
        self.evaluation = evaluation
        self.blessing = blessing
    }

    public struct BlessingReference: Sendable, Equatable, Encodable {
        public var digest: Digest
        public var path: String?

        public init(digest: Digest, path: String?) {
            self.digest = digest
            self.path = path
        }

        enum CodingKeys: String, CodingKey { case digest, path }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(digest, forKey: .digest)
            try container.encode(path, forKey: .path)
        }
    }

    struct Summary: Encodable {
        var checks: Int
        var passed: Int
        var failed: Int
        var inconclusive: Int
        var warned: Int
    }

    var summary: Summary {
        Summary(
            checks: evaluation.checks.count, passed: evaluation.count(.passed),
            failed: evaluation.count(.failed), inconclusive: evaluation.count(.inconclusive),
            warned: evaluation.checks.filter { $0.outcome == .warned }.count)
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, result, blessed, inputs, summary, checks, unmentionedMetrics
        case blessing
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(evaluation.result, forKey: .result)
        try container.encode(evaluation.blessed, forKey: .blessed)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(summary, forKey: .summary)
        try container.encode(evaluation.checks, forKey: .checks)
        try container.encode(evaluation.unmentionedMetrics, forKey: .unmentionedMetrics)
        try container.encode(blessing, forKey: .blessing)
    }

    /// The JSON `--json` prints: pretty, keys sorted, slashes unescaped.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
