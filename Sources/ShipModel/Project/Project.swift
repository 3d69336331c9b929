public import Foundation

/// A model release project, as `shipml.yaml` describes it, with defaults filled in.
public struct Project: Sendable, Equatable, Encodable {
    /// The schema version of the file; ``Project/currentAPIVersion`` is the one this build reads.
    public var apiVersion: String
    public var model: ModelSpec
    public var evaluation: EvaluationSpec?
    public var image: ImageSpec
    public var deploy: DeploySpec?
    public var environments: [EnvironmentSpec]
    public var state: StateSpec
    /// `shipml lint`'s severities for every environment.
    public var lint: LintSpec = LintSpec()
    /// How to reach each registry, by host (`host` or `host:port`).
    public var registries: [String: RegistrySpec] = [:]

    /// The `apiVersion` this build of shipml reads.
    public static let currentAPIVersion = "shipml/v1"

    /// The environment called `name`, if there is one.
    public func environment(named name: String) -> EnvironmentSpec? {
        environments.first { $0.name == name }
    }
}

/// How to reach one registry: what `--plain-http`, `--insecure` and `--ca-file` say on a
/// command line, said once in `shipml.yaml`.
public struct RegistrySpec: Sendable, Equatable, Encodable {
    /// Talk plain HTTP; nil: the default (plain HTTP for localhost and 127.0.0.1 only).
    public var plainHTTP: Bool?
    /// Do not verify the TLS certificate.
    public var insecure: Bool
    /// A PEM bundle of CA certificates, relative to the project file.
    public var caFile: String?

    public init(plainHTTP: Bool? = nil, insecure: Bool = false, caFile: String? = nil) {
        self.plainHTTP = plainHTTP
        self.insecure = insecure
        self.caFile = caFile
    }
}

/// The model being released.
public struct ModelSpec: Sendable, Equatable, Encodable {
    /// A DNS-1123 label: it names Kubernetes objects and state directories.
    public var name: String
    /// The release version; also the image tag, so it follows the OCI tag grammar.
    public var version: String
    /// The directory of files to package, relative to the project file.
    public var path: String
    /// A hint for the weight format; shipml also looks at the files.
    public var format: ModelFormat?
    /// The framework that trained or serves the model (`transformers`, `pytorch`, ...).
    public var framework: String?
    /// Free-form metadata carried into annotations and the release record.
    public var metadata: ConfigValue?
}

/// The weight formats shipml knows.
public enum ModelFormat: String, Sendable, Equatable, Encodable, CaseIterable {
    case safetensors, gguf, onnx, pytorch, other
}

/// Where the evaluation results and the policy that judges them are.
public struct EvaluationSpec: Sendable, Equatable, Encodable {
    /// The candidate's metrics file.
    public var metrics: String
    /// The model to compare against, if any.
    public var baseline: BaselineSpec?
    /// A separate policy file, when the thresholds are not written inline.
    public var policyFile: String?
    /// The thresholds written inline (empty when ``policyFile`` holds them).
    public var policy: Policy?
}

/// What the candidate is compared with.
public enum BaselineSpec: Sendable, Equatable, Encodable {
    /// A metrics file of the baseline model.
    case file(String)
    /// The release currently recorded for an environment.
    case environment(String)
}

/// The image or artifact to build.
public struct ImageSpec: Sendable, Equatable, Encodable {
    /// The repository to push to, without a tag (the tag is ``ModelSpec/version``).
    public var repository: ImageReferenceText
    public var format: PackagingFormat
    /// The base image of a `modelcar` image.
    public var base: ImageReferenceText?
    public var compression: LayerCompression
    /// Tags pushed beside the version.
    public var tags: [String]
    /// Extra annotations on the manifest.
    public var annotations: [String: String]

    /// Where releases go when the file names no repository: an OCI layout beside the project.
    public static let defaultRepository = "oci:.shipml/oci"
}

/// An image reference as written, kept valid by construction.
public struct ImageReferenceText: Sendable, Equatable, Encodable, CustomStringConvertible {
    public let reference: ImageReference
    public init(_ reference: ImageReference) { self.reference = reference }
    public var description: String { reference.description }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(reference.description)
    }
}

/// How the model is packaged.
public enum PackagingFormat: String, Sendable, Equatable, Encodable, CaseIterable {
    /// A CNCF ModelPack OCI artifact.
    case modelpack
    /// A runnable image with the model under `/models` (KServe modelcar, image volumes).
    case modelcar
}

/// Layer compression.
public enum LayerCompression: String, Sendable, Equatable, Encodable, CaseIterable {
    case none, gzip, zstd
}

/// How manifests are rendered.
public struct DeploySpec: Sendable, Equatable, Encodable {
    public enum Source: Sendable, Equatable, Encodable {
        /// A Helm-style chart directory.
        case chart(String)
        /// A directory with a `kustomization.yaml`.
        case kustomize(String)
    }

    public var source: Source

    /// The file names kustomize reads a directory's kustomization from, in its order.
    public static let kustomizationFileNames = [
        "kustomization.yaml", "kustomization.yml", "Kustomization",
    ]
    /// The Helm release name; defaults to the model name.
    public var releaseName: String
    /// Values files applied in every environment, in order.
    public var valuesFiles: [String]
    /// Values applied in every environment, after the files.
    public var values: ConfigValue?
    /// Kustomize only: the image name in the resources that stands for the model artifact.
    /// Every promotion sets it to the release's artifact by digest, as `kustomize edit set
    /// image NAME=REPOSITORY@DIGEST` would; without it, images already named with the
    /// artifact's repository are pinned to the release's digest.
    public var image: String?
}

/// One stage of the promotion path.
public struct EnvironmentSpec: Sendable, Equatable, Encodable {
    public var name: String
    /// The Kubernetes namespace; defaults to the environment's name.
    public var namespace: String?
    /// The environments a release may be promoted from; empty for the first stage.
    public var from: [String]
    public var gates: Gates
    /// Values files for this environment (charts only), after the deploy-wide ones.
    public var valuesFiles: [String]
    /// Values for this environment (charts only), applied last.
    public var values: ConfigValue?
    /// The overlay directory rendered for this environment (Kustomize only).
    public var overlay: String?
    /// A production environment: `shipml lint` weighs replicas, disruption budgets and image
    /// digests more. Defaults to true for an environment named `prod`, `production` or
    /// starting with `prod-`.
    public var production: Bool = false
    /// `shipml lint` severities for this environment, over the project's `lint.severity`.
    public var lint: [String: LintLevel] = [:]

    /// Whether a name reads as production.
    public static func looksLikeProduction(_ name: String) -> Bool {
        name == "prod" || name == "production" || name.hasPrefix("prod-")
    }
}

/// `lint:` in `shipml.yaml`.
public struct LintSpec: Sendable, Equatable, Encodable {
    /// Severities by rule id (`requests`, `image-digest`, ...), for every environment.
    public var severity: [String: LintLevel] = [:]

    public init(severity: [String: LintLevel] = [:]) { self.severity = severity }
}

/// A lint rule's severity as `shipml.yaml` sets it.
public enum LintLevel: String, Sendable, Equatable, CaseIterable, Encodable {
    case off, info, warning, error
}

/// What must hold before a release enters an environment.
public struct Gates: Sendable, Equatable, Encodable {
    /// Whether the release must carry a passed validation, and under which policy file.
    public var requireValidation: ValidationRequirement?
    /// How long the release must have run in the source environment.
    public var soak: ShipDuration?
    public var approvals: ApprovalRule?
    /// When promotions are allowed; empty means any time.
    public var windows: [PromotionWindow]
    /// Periods when promotions are refused.
    public var freeze: [FreezePeriod]
    public var requireLint: Bool
    /// Whether a release that passes every gate is promoted without being asked.
    public var autoPromote: Bool

    public init() {
        requireValidation = nil
        soak = nil
        approvals = nil
        windows = []
        freeze = []
        requireLint = false
        autoPromote = false
    }
}

/// `requireValidation: true`, or `requireValidation: {policy: FILE}`.
public struct ValidationRequirement: Sendable, Equatable, Encodable {
    /// The policy file the blessing must have been made under; nil accepts the project's.
    public var policy: String?

    public init(policy: String? = nil) { self.policy = policy }
}

/// `approvals: 2` or `approvals: {count: 2, from: [alice, bob]}`.
public struct ApprovalRule: Sendable, Equatable, Encodable {
    public var count: Int
    /// Who may approve; empty means anyone but the promoter.
    public var from: [String]

    public init(count: Int, from: [String] = []) {
        self.count = count
        self.from = from
    }
}

/// Days and hours, in a time zone, when promotion is allowed.
public struct PromotionWindow: Sendable, Equatable, Encodable {
    public var days: [Weekday]
    /// Minutes after midnight; `end` may be before `start` for a window past midnight.
    public var startMinute: Int
    public var endMinute: Int
    /// An IANA time zone name.
    public var timeZone: String
}

public enum Weekday: String, Sendable, Equatable, Encodable, CaseIterable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// A period when promotions are refused, and why.
public struct FreezePeriod: Sendable, Equatable, Encodable {
    public var from: Date
    public var to: Date
    public var reason: String
}

/// Where release state is kept.
public struct StateSpec: Sendable, Equatable, Encodable {
    /// A path or URL (`file://`, `https://`, `ssh://`, `user@host:path`) of a git repository.
    public var repository: String
    public var branch: String
    /// The SSH key that signs state commits (as git's `gpg.format=ssh` does), relative to
    /// the project file; nil leaves it to git's `commit.gpgsign` and `user.signingkey`.
    public var signingKey: String?

    public static let defaultRepository = ".shipml/state"
    public static let defaultBranch = "main"
}
