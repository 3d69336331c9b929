import ArgumentParser
import ShipKit
import ShipModel

/// Shell completion from the project file: environment and model names, as
/// `shipml --generate-completion-script bash|zsh|fish` installs them.
enum Completions {
    /// The project file a command line names (`--config FILE`), else `shipml.yaml`.
    static func config(in words: [String]) -> String {
        for (index, word) in words.enumerated() {
            if word == "--config", index + 1 < words.count { return words[index + 1] }
            if word.hasPrefix("--config=") { return String(word.dropFirst("--config=".count)) }
        }
        return "shipml.yaml"
    }

    static func project(_ words: [String]) -> Project? {
        (try? ProjectAccess.loadIfPresent(config(in: words)))?.flatMap { $0 }?.project
    }

    /// The environments of the project file, those starting with what is typed.
    static let environments = CompletionKind.custom { words, index, prefix in
        (project(words)?.environments.map(\.name) ?? []).filter { $0.hasPrefix(prefix) }
    }

    /// The project's model.
    static let models = CompletionKind.custom { words, index, prefix in
        [project(words)?.model.name].compactMap { $0 }.filter { $0.hasPrefix(prefix) }
    }
}
