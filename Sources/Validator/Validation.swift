import Foundation
public import ShipFiles
public import ShipModel

/// Where the policy comes from.
public enum PolicySource: Sendable, Equatable {
    /// A policy file (`inconclusive` and `thresholds` at its top level).
    case file(String)
    /// Thresholds written inline in a project file's `evaluation` section.
    case inline(Policy, projectFile: String)
}

/// Where the baseline comes from.
public enum BaselineSource: Sendable, Equatable {
    case none
    /// A metrics file of the model the candidate is compared with.
    case file(String)
    /// The release recorded for an environment (needs the promotion state).
    case environment(String)
}

/// What `shipml validate` is asked to do.
public struct ValidationRequest: Sendable, Equatable {
    public var metrics: String
    public var policy: PolicySource
    public var baseline: BaselineSource
    /// The model directory whose files the artifact checks scan.
    public var model: String?

    public init(
        metrics: String, policy: PolicySource, baseline: BaselineSource = .none,
        model: String? = nil
    ) {
        self.metrics = metrics
        self.policy = policy
        self.baseline = baseline
        self.model = model
    }
}

/// A finished validation: the report and the blessing of its result.
public struct ValidationOutcome: Sendable {
    public var report: ValidationReport
    public var blessing: Blessing
}

/// Reads the files of a request, evaluates the policy and makes the blessing.
public enum Validation {
    /// Runs a validation.
    /// - Parameters:
    ///   - fileSystem: where the metrics, policy and baseline files are read.
    ///   - artifactChecker: scans `--model`; nil reports the scan as inconclusive.
    ///   - modelDigest: the model's digest when known beforehand; the scan's digest wins.
    /// - Throws: ``ProjectFileError`` (with file, line and column) for a file that is missing or
    ///   malformed; ``ValidatorError`` for a policy without thresholds.
    public static func run(
        _ request: ValidationRequest, fileSystem: any FileSystem,
        artifactChecker: (any ArtifactChecking)? = nil, modelDigest: Digest? = nil
    ) throws -> ValidationOutcome {
        let (metricsData, metricsText) = try read(request.metrics, fileSystem, "metrics file")
        let candidate = try Metrics.parse(metricsText, file: request.metrics)
        let metricsInput = InputFile(name: request.metrics, digest: .sha256(of: metricsData))

        let policy: Policy
        let policyInput: InputFile
        switch request.policy {
        case .file(let path):
            let (data, text) = try read(path, fileSystem, "policy file")
            policy = try ProjectParser.parsePolicy(text, file: path)
            policyInput = InputFile(name: path, digest: .sha256(of: data))
        case .inline(let inline, let projectFile):
            policy = inline
            policyInput = InputFile(
                name: "\(projectFile)#evaluation", digest: .sha256(of: try canonical(inline)))
        }

        let baseline: BaselineMetrics
        var baselineInput: InputFile?
        switch request.baseline {
        case .none:
            baseline = .none
        case .file(let path):
            let (data, text) = try read(path, fileSystem, "baseline metrics file")
            baseline = .metrics(try Metrics.parse(text, file: path))
            baselineInput = InputFile(name: path, digest: .sha256(of: data))
        case .environment(let name):
            baseline = .unavailable(
                "the baseline is the release in environment \(name), and reading releases from the promotion state is not available yet; pass --baseline FILE"
            )
        }

        var evaluation = try PolicyEvaluator.evaluate(
            policy, candidate: candidate, baseline: baseline)
        var digest = modelDigest
        if let model = request.model {
            let scan =
                try artifactChecker?.scan(directory: model, onInconclusive: policy.inconclusive)
                ?? .notScanned(directory: model, onInconclusive: policy.inconclusive)
            evaluation.checks += scan.checks
            digest = scan.modelDigest ?? digest
        }
        let inputs = ValidationInputs(
            metrics: metricsInput, policy: policyInput, baseline: baselineInput,
            model: request.model, modelDigest: digest)
        let blessing = try Blessing.make(
            evaluation: evaluation, inputs: inputs, modelDigest: digest)
        let report = ValidationReport(
            inputs: inputs, evaluation: evaluation,
            blessing: .init(digest: blessing.digest, path: nil))
        return ValidationOutcome(report: report, blessing: blessing)
    }

    static func read(_ path: String, _ fileSystem: any FileSystem, _ what: String) throws -> (
        Data, String
    ) {
        let data: Data
        do {
            data = try fileSystem.readFile(at: path)
        } catch let error as FileSystemError {
            throw ProjectFileError(diagnostics: [
                Diagnostic(
                    file: path, line: 1, column: 1, path: "",
                    message: "cannot read the \(what): \(error.reason)")
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProjectFileError(diagnostics: [
                Diagnostic(
                    file: path, line: 1, column: 1, path: "",
                    message: "the \(what) is not UTF-8 text; save it as UTF-8")
            ])
        }
        return (data, text)
    }

    /// An inline policy's identity: its resolved form as JSON with sorted keys.
    static func canonical(_ policy: Policy) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(policy)
    }
}
