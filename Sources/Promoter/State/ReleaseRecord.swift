public import Foundation
public import ShipModel
import Yams

/// What an environment runs of one model: `environments/<env>/<model>/release.yaml`.
///
/// The schema is versioned by `apiVersion`; readers refuse a version they do not know instead of
/// guessing. Documented in `docs/promote.md`.
public struct ReleaseRecord: Codable, Sendable, Equatable {
    /// The schema this record follows.
    public static let currentAPIVersion = "shipml.dev/v1"

    public var apiVersion: String = ReleaseRecord.currentAPIVersion
    public var kind: String = "Release"
    public var model: ModelRef
    public var environment: String
    /// The packaged model, by digest.
    public var artifact: ArtifactRef
    /// The runnable image (modelcar), when there is one.
    public var image: ArtifactRef?
    /// The validation blessing the release carries.
    public var validation: Validation?
    /// Where the release was built from.
    public var source: Source?
    /// When and by whom it was promoted, and why.
    public var promotedAt: String
    public var promotedBy: String
    public var reason: String?
    /// The release this one replaced in the environment.
    public var previous: Previous?

    public struct ModelRef: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public init(name: String, version: String) {
            self.name = name
            self.version = version
        }
    }

    public struct ArtifactRef: Codable, Sendable, Equatable {
        /// `HOST/REPO@sha256:…` or `oci:PATH@sha256:…`.
        public var reference: String
        public var digest: Digest
        public var mediaType: MediaType?
        public init(reference: String, digest: Digest, mediaType: MediaType? = nil) {
            self.reference = reference
            self.digest = digest
            self.mediaType = mediaType
        }
    }

    public struct Validation: Codable, Sendable, Equatable {
        /// The SHA-256 of the blessing (an in-toto statement).
        public var blessing: Digest
        /// PASSED, WARNED or FAILED.
        public var result: String
        /// The policy file's digest, when known.
        public var policy: Digest?
        /// One line for people: "12 checks passed, 1 warned".
        public var summary: String?
        public init(
            blessing: Digest, result: String, policy: Digest? = nil, summary: String? = nil
        ) {
            self.blessing = blessing
            self.result = result
            self.policy = policy
            self.summary = summary
        }
    }

    public struct Source: Codable, Sendable, Equatable {
        public var repository: String?
        public var commit: String?
        public init(repository: String? = nil, commit: String? = nil) {
            self.repository = repository
            self.commit = commit
        }
    }

    public struct Previous: Codable, Sendable, Equatable {
        public var version: String
        public var digest: Digest
        public init(version: String, digest: Digest) {
            self.version = version
            self.digest = digest
        }
    }

    public init(
        model: ModelRef, environment: String, artifact: ArtifactRef, promotedAt: String,
        promotedBy: String
    ) {
        self.model = model
        self.environment = environment
        self.artifact = artifact
        self.promotedAt = promotedAt
        self.promotedBy = promotedBy
    }

    /// The record as YAML, keys in schema order, ending with a newline. The same record gives
    /// the same bytes.
    public func yaml() throws -> String {
        try YAMLEncoder().encode(self)
    }

    /// Reads a record.
    /// - Throws: ``StateError`` naming the file and what is wrong.
    public static func parse(_ text: String, file: String) throws -> ReleaseRecord {
        try parse(text, file: file, decoder: YAMLDecoder())
    }

    /// Reads a record with `decoder`. A decoder is worth keeping for many records: Yams reads
    /// its default encoding from the process environment each time one is made.
    static func parse(_ text: String, file: String, decoder: YAMLDecoder) throws -> ReleaseRecord {
        struct Header: Decodable {
            var apiVersion: String?
            var kind: String?
        }
        // The common case first: one decode of a well-formed record. Anything else is read
        // again, header first, to say precisely what is wrong.
        if let record = try? decoder.decode(ReleaseRecord.self, from: text),
            record.kind == "Release", record.apiVersion == currentAPIVersion
        {
            return record
        }
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: text)
        } catch {
            throw StateError(file, "is not a YAML mapping (\(error))")
        }
        guard header.kind == "Release" else {
            throw StateError(file, "kind: expected Release, got \(header.kind ?? "nothing")")
        }
        guard header.apiVersion == currentAPIVersion else {
            throw StateError(
                file,
                "apiVersion: this shipml reads \(currentAPIVersion), the file says \(header.apiVersion ?? "nothing"); upgrade shipml"
            )
        }
        do {
            return try decoder.decode(ReleaseRecord.self, from: text)
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw StateError(file, "\(path): required field is missing")
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw StateError(file, "\(path): \(context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw StateError(file, "\(path): \(context.debugDescription)")
        } catch {
            throw StateError(file, "\(error)")
        }
    }
}

/// Something wrong in the state repository, naming the file.
public struct StateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let reason: String
    public init(_ file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }
    public var description: String { "\(file): \(reason)" }
}

/// Where the state lives in the repository: one directory per (environment, model), so
/// promotions of different models never touch the same file.
public enum StatePaths {
    public static let root = "environments"

    /// `environments/<env>/<model>`.
    public static func directory(environment: String, model: String) -> String {
        "\(root)/\(environment)/\(model)"
    }

    /// `environments/<env>/<model>/release.yaml`.
    public static func release(environment: String, model: String) -> String {
        directory(environment: environment, model: model) + "/release.yaml"
    }

    /// `environments/<env>/<model>/manifests`.
    public static func manifests(environment: String, model: String) -> String {
        directory(environment: environment, model: model) + "/manifests"
    }
}
