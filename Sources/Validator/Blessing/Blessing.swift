public import Foundation
public import ShipModel

/// An in-toto ResourceDescriptor: a name, where it is, and its digests.
public struct ResourceDescriptor: Sendable, Equatable, Codable {
    public var name: String?
    public var uri: String?
    /// Algorithm to lowercase hex, as in-toto writes it: `{"sha256": "…"}`.
    public var digest: [String: String]

    public init(name: String?, uri: String? = nil, digest: Digest) {
        self.name = name
        self.uri = uri
        self.digest = [digest.algorithm: digest.encoded]
    }
}

/// The in-toto `test-result` predicate (v0.1).
public struct TestResultPredicate: Sendable, Equatable, Codable {
    public var result: TestOutcome
    /// The policy, the metrics and the baseline the result was reached with.
    public var configuration: [ResourceDescriptor]
    public var url: String?
    public var passedTests: [String]
    public var warnedTests: [String]
    public var failedTests: [String]
}

/// An in-toto Statement v1 about the model: it passed (or not) the policy's tests.
public struct Statement: Sendable, Equatable, Codable {
    public static let type = "https://in-toto.io/Statement/v1"
    public static let testResultPredicateType = "https://in-toto.io/attestation/test-result/v0.1"

    public var type: String
    public var subject: [ResourceDescriptor]
    public var predicateType: String
    public var predicate: TestResultPredicate

    enum CodingKeys: String, CodingKey {
        case type = "_type"
        case subject, predicateType, predicate
    }
}

/// The blessing of a validation: an in-toto Statement and the canonical bytes whose SHA-256
/// later stages record and check.
///
/// The bytes are the statement as JSON with keys sorted, no insignificant whitespace and
/// slashes unescaped; the same inputs give the same bytes. Signing comes later: a signer wraps
/// exactly these bytes in a DSSE envelope (payloadType `application/vnd.in-toto+json`), so the
/// digest of the statement stays the identity of the blessing whether or not it is signed.
public struct Blessing: Sendable, Equatable {
    public var statement: Statement
    public var bytes: Data
    public var digest: Digest

    /// Makes the blessing of `evaluation`.
    /// - Parameters:
    ///   - inputs: the metrics, policy and baseline files and their digests.
    ///   - modelDigest: the model's digest; when nil, the subject is the metrics file.
    ///   - modelName: the subject's name with a model digest (the model directory or name).
    public static func make(
        evaluation: Evaluation, inputs: ValidationInputs, modelDigest: Digest?,
        modelName: String? = nil
    ) throws -> Blessing {
        let subject: ResourceDescriptor
        if let modelDigest {
            subject = ResourceDescriptor(
                name: modelName ?? inputs.model ?? "model", digest: modelDigest)
        } else {
            subject = ResourceDescriptor(name: inputs.metrics.name, digest: inputs.metrics.digest)
        }
        var configuration = [
            ResourceDescriptor(
                name: "policy", uri: inputs.policy.name, digest: inputs.policy.digest),
            ResourceDescriptor(
                name: "metrics", uri: inputs.metrics.name, digest: inputs.metrics.digest),
        ]
        if let baseline = inputs.baseline {
            configuration.append(
                ResourceDescriptor(name: "baseline", uri: baseline.name, digest: baseline.digest))
        }
        func names(_ outcome: TestOutcome) -> [String] {
            evaluation.checks.filter { $0.outcome == outcome }.map(\.qualifiedName)
        }
        let statement = Statement(
            type: Statement.type, subject: [subject],
            predicateType: Statement.testResultPredicateType,
            predicate: TestResultPredicate(
                result: evaluation.result, configuration: configuration, url: nil,
                passedTests: names(.passed), warnedTests: names(.warned),
                failedTests: names(.failed)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = try encoder.encode(statement)
        return Blessing(statement: statement, bytes: bytes, digest: .sha256(of: bytes))
    }
}
