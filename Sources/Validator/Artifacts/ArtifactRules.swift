/// Files a model directory must hold: one rule is met when any file matches one of its
/// patterns.
public struct RequiredFileRule: Sendable, Hashable, Codable {
    /// What the file is for, named in the finding: `tokenizer`, `model card`.
    public var description: String
    /// Paths relative to the model directory; `*` matches any run of characters except `/`.
    /// Matching ignores case.
    public var patterns: [String]
    /// If set, the file must also contain this text (case-insensitively), such as
    /// `license:` in a model card's front matter.
    public var mustContain: String?

    public init(description: String, patterns: [String], mustContain: String? = nil) {
        self.description = description
        self.patterns = patterns
        self.mustContain = mustContain
    }

    /// `config.json`.
    public static let config = RequiredFileRule(
        description: "config.json", patterns: ["config.json"])
    /// A tokenizer: `tokenizer.json`, `tokenizer.model`, `vocab.json`, `vocab.txt`,
    /// `spiece.model`.
    public static let tokenizer = RequiredFileRule(
        description: "tokenizer",
        patterns: ["tokenizer.json", "tokenizer.model", "vocab.json", "vocab.txt", "spiece.model"])
    /// A model card (`README.md`) whose front matter names a licence.
    public static let modelCardWithLicense = RequiredFileRule(
        description: "model card with a licence", patterns: ["readme.md"],
        mustContain: "license:")
}

/// What pickle globals outside the allow list mean.
public enum PicklePolicy: String, Sendable, Hashable, Codable {
    /// A global that is neither allowed nor denied is an error.
    case strict
    /// A global that is neither allowed nor denied is a warning; denied ones stay errors.
    case lenient
}

/// What ``ArtifactChecker`` demands of a model directory.
public struct ArtifactRules: Sendable, Hashable, Codable {
    public var requiredFiles: [RequiredFileRule]
    public var picklePolicy: PicklePolicy
    /// Globals allowed beyond the built-in list, as `module.name`.
    public var extraAllowedGlobals: Set<String>
    /// The most bytes a zip member may inflate to before the scan stops and reports a bomb.
    public var maxDecompressedBytes: UInt64
    /// The highest ratio of inflated to compressed size allowed for members over 1 MiB.
    public var maxCompressionRatio: UInt64

    public init(
        requiredFiles: [RequiredFileRule] = [], picklePolicy: PicklePolicy = .strict,
        extraAllowedGlobals: Set<String> = [], maxDecompressedBytes: UInt64 = 4 << 30,
        maxCompressionRatio: UInt64 = 100
    ) {
        self.requiredFiles = requiredFiles
        self.picklePolicy = picklePolicy
        self.extraAllowedGlobals = extraAllowedGlobals
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxCompressionRatio = maxCompressionRatio
    }
}
