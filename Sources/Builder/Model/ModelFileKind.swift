/// What a file in a model directory is for; each kind becomes its own kind of ModelPack layer.
public enum ModelFileKind: String, Sendable, Hashable, CaseIterable {
    /// Model weights: safetensors, GGUF, PyTorch, ONNX, TensorFlow and similar.
    case weight
    /// What is needed to use the weights: model and generation config, tokenizer files.
    case weightConfig
    /// Documentation: README, licence, model card.
    case doc
    /// Source code and build files.
    case code
    /// Data sets shipped with the model.
    case dataset
}

extension ModelFileKind {
    /// The kind of a file, decided by its name alone, case-insensitively.
    ///
    /// The rules are tried in the order of ``classificationRules``; the first that matches wins.
    ///
    /// - Parameter path: the file's path relative to the model directory, `/`-separated.
    /// - Returns: the kind, and whether it is a guess: `.weightConfig` with `isGuess` true when
    ///   no rule matches.
    public static func classify(path: String) -> (kind: ModelFileKind, isGuess: Bool) {
        let subject = ClassificationRule.Subject(path: path)
        for rule in classificationRules where rule.test.matches(subject) {
            return (rule.kind, false)
        }
        return (.weightConfig, true)
    }
}

/// The classification rules, in order: the first that matches a file decides its kind.
///
/// Names are compared in lowercase. Rules for names that an extension alone would misfile
/// (`tokenizer.model` is not a weight, `requirements.txt` is not config) come first.
let classificationRules: [ClassificationRule] = [
    ClassificationRule(
        .weightConfig,
        .names([
            "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "vocab.json", "vocab.txt", "merges.txt",
            "added_tokens.json", "preprocessor_config.json", "tokenizer.model", "spiece.model",
            "sentencepiece.bpe.model", "chat_template.jinja",
        ])),
    ClassificationRule(.weightConfig, .suffixes([".index.json", ".spm"])),
    ClassificationRule(
        .code, .names(["dockerfile", "makefile", "pyproject.toml", "setup.cfg"])),
    ClassificationRule(.code, .prefixAndSuffix("requirements", ".txt")),
    ClassificationRule(
        .doc,
        .prefixes([
            "readme", "license", "licence", "notice", "model_card", "modelcard", "use_policy",
            "citation",
        ])),
    ClassificationRule(.doc, .suffixes([".md", ".rst", ".pdf"])),
    ClassificationRule(
        .weight,
        .suffixes([
            ".safetensors", ".gguf", ".ggml", ".bin", ".pt", ".pth", ".ckpt", ".onnx",
            ".onnx_data", ".h5", ".keras", ".pb", ".tflite", ".msgpack", ".mlmodel", ".npz",
            ".pkl", ".joblib", ".engine", ".plan", ".model",
        ])),
    ClassificationRule(
        .code,
        .suffixes([
            ".py", ".sh", ".ipynb", ".js", ".ts", ".go", ".rs", ".c", ".cc", ".cpp", ".h",
            ".java", ".rb", ".r", ".jl", ".lua",
        ])),
    ClassificationRule(
        .dataset,
        .suffixes([".csv", ".tsv", ".parquet", ".arrow", ".jsonl", ".tfrecord", ".avro", ".orc"])
    ),
    ClassificationRule(.dataset, .underTopLevelDirectory(["data", "dataset", "datasets"])),
    ClassificationRule(
        .weightConfig, .topLevelSuffixes([".json", ".yaml", ".yml", ".toml", ".txt"])),
]

/// One line of ``classificationRules``: a test on a file's name and the kind it gives.
struct ClassificationRule: Sendable {
    /// What a rule looks at, lowercased: the file's name and where it is.
    struct Subject {
        var name: [UInt8]
        var isTopLevel: Bool
        var topLevelDirectory: [UInt8]?

        init(path: String) {
            let components = Array(path.lowercased().utf8).split(separator: UInt8(ascii: "/"))
            name = components.last.map(Array.init) ?? []
            isTopLevel = components.count <= 1
            topLevelDirectory = isTopLevel ? nil : components.first.map(Array.init)
        }
    }

    /// How a rule matches; every string is lowercase.
    enum Test: Sendable {
        /// The name is one of these.
        case names(Set<String>)
        /// The name ends with one of these (and is longer than it).
        case suffixes([String])
        /// The name starts with one of these.
        case prefixes([String])
        /// The name starts with the first string and ends with the second.
        case prefixAndSuffix(String, String)
        /// The file is somewhere under one of these directories at the top level.
        case underTopLevelDirectory(Set<String>)
        /// The file is at the top level and its name ends with one of these.
        case topLevelSuffixes([String])

        func matches(_ subject: Subject) -> Bool {
            let name = subject.name
            switch self {
            case .names(let names):
                return names.contains(String(decoding: name, as: UTF8.self))
            case .suffixes(let suffixes):
                return suffixes.contains { Self.hasSuffix(name, $0) }
            case .prefixes(let prefixes):
                return prefixes.contains { name.starts(with: $0.utf8) }
            case .prefixAndSuffix(let prefix, let suffix):
                return name.count >= prefix.utf8.count + suffix.utf8.count
                    && name.starts(with: prefix.utf8) && Self.hasSuffix(name, suffix)
            case .underTopLevelDirectory(let directories):
                guard let directory = subject.topLevelDirectory else { return false }
                return directories.contains(String(decoding: directory, as: UTF8.self))
            case .topLevelSuffixes(let suffixes):
                return subject.isTopLevel && suffixes.contains { Self.hasSuffix(name, $0) }
            }
        }

        private static func hasSuffix(_ name: [UInt8], _ suffix: String) -> Bool {
            name.count > suffix.utf8.count && name.reversed().starts(with: suffix.utf8.reversed())
        }
    }

    var kind: ModelFileKind
    var test: Test

    init(_ kind: ModelFileKind, _ test: Test) {
        self.kind = kind
        self.test = test
    }
}
