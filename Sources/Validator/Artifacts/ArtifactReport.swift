/// How serious an artifact finding is: errors fail the check, warnings are reported only.
public enum ArtifactSeverity: String, Sendable, Hashable, Codable {
    case error
    case warning
}

/// One problem found in a model directory's files.
public struct ArtifactFinding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file's path relative to the model directory; for a member of a zip archive,
    /// `archive.pt:member/data.pkl`. Empty for the directory itself.
    public var file: String
    /// Where in the file: a byte offset, a JSON field, a tensor name, or nil for the whole file.
    public var location: String?
    public var severity: ArtifactSeverity
    /// The check that found it: `manifest`, `safetensors`, `gguf`, `onnx`, `pickle`, `zip`,
    /// `required-files`.
    public var check: String
    /// A lowercase sentence that says what is wrong and what was expected.
    public var message: String

    public init(
        file: String, location: String? = nil, severity: ArtifactSeverity = .error,
        check: String, message: String
    ) {
        self.file = file
        self.location = location
        self.severity = severity
        self.check = check
        self.message = message
    }

    public var description: String {
        let place = location.map { "\(file) (\($0))" } ?? file
        return "\(severity.rawValue): \(check): \(place): \(message)"
    }
}

/// One file of a model directory, as the manifest lists it.
public struct ManifestEntry: Sendable, Hashable, Codable {
    /// The path relative to the model directory, `/`-separated.
    public var path: String
    public var size: UInt64
    /// The SHA-256 of the file's bytes, as 64 lowercase hexadecimal digits.
    public var sha256: String

    public init(path: String, size: UInt64, sha256: String) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }
}

/// Every file of a model directory with its digest, and the digest of the whole model.
public struct FileManifest: Sendable, Hashable, Codable {
    /// The files, sorted by the bytes of their UTF-8 paths.
    public var entries: [ManifestEntry]
    /// The model digest as OpenSSF model-signing computes its in-toto subject: SHA-256 over
    /// the concatenated 32-byte binary SHA-256 digests of the files, in the order of the
    /// sorted paths. Lowercase hexadecimal, without an algorithm prefix.
    public var modelDigest: String

    public init(entries: [ManifestEntry], modelDigest: String) {
        self.entries = entries
        self.modelDigest = modelDigest
    }
}

/// What a weight file's header says about the tensors in it.
public struct WeightSummary: Sendable, Hashable, Codable {
    /// The file's path relative to the model directory.
    public var file: String
    /// `safetensors` or `gguf`.
    public var format: String
    public var tensorCount: Int
    /// The number of elements of all tensors together.
    public var parameterCount: UInt64
    /// The number of elements stored in each data type, by the format's own type name.
    public var parametersByType: [String: UInt64]

    public init(
        file: String, format: String, tensorCount: Int, parameterCount: UInt64,
        parametersByType: [String: UInt64]
    ) {
        self.file = file
        self.format = format
        self.tensorCount = tensorCount
        self.parameterCount = parameterCount
        self.parametersByType = parametersByType
    }
}

/// What was scanned in one pickle stream.
public struct PickleSummary: Sendable, Hashable, Codable {
    /// The file, or `archive.pt:member` for a pickle inside a zip archive.
    public var file: String
    /// Every global the pickle imports, as `module.name`, in order of first appearance.
    public var globals: [String]

    public init(file: String, globals: [String]) {
        self.file = file
        self.globals = globals
    }
}

/// The result of ``ArtifactChecker/check(directory:rules:)``.
public struct ArtifactReport: Sendable, Hashable, Codable {
    public var manifest: FileManifest
    public var findings: [ArtifactFinding]
    public var weights: [WeightSummary]
    public var pickles: [PickleSummary]
    /// Files that were looked at by a format check, relative paths.
    public var scannedFiles: [String]

    public init(
        manifest: FileManifest, findings: [ArtifactFinding], weights: [WeightSummary],
        pickles: [PickleSummary], scannedFiles: [String]
    ) {
        self.manifest = manifest
        self.findings = findings
        self.weights = weights
        self.pickles = pickles
        self.scannedFiles = scannedFiles
    }

    /// Whether no finding is an error.
    public var passed: Bool { !findings.contains { $0.severity == .error } }

    /// The sum of the parameter counts of all weight files, or nil on overflow.
    public var parameterCount: UInt64? {
        var total: UInt64 = 0
        for weight in weights {
            let (sum, overflow) = total.addingReportingOverflow(weight.parameterCount)
            if overflow { return nil }
            total = sum
        }
        return total
    }
}
