/// A model directory cannot be packaged as it is.
///
/// A scan does not stop at the first problem: it carries every problem it found, in the
/// byte-wise order of their paths, so that one run tells the user everything to fix.
public struct ModelDirectoryError: Error, CustomStringConvertible, Equatable, Sendable {
    /// One thing wrong with one path.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The path relative to the model directory, `/`-separated; `.` for the directory
        /// itself. A name that is not valid UTF-8 shows its bad bytes as U+FFFD.
        public var path: String
        /// The absolute path, through the model directory as given (symbolic links in it
        /// resolved).
        public var absolutePath: String
        /// What is wrong and what was expected, lowercase, for example `is a FIFO; expected a
        /// regular file, a directory or a symbolic link`.
        public var reason: String

        public init(path: String, absolutePath: String, reason: String) {
            self.path = path
            self.absolutePath = absolutePath
            self.reason = reason
        }

        /// `'<path>' (<absolute path>): <reason>`, with control characters in the paths
        /// escaped so that each problem stays on one line.
        public var description: String {
            "'\(escaped(path))' (\(escaped(absolutePath))): \(reason)"
        }
    }

    /// The model directory, as given.
    public var root: String
    /// Every problem found; never empty.
    public var problems: [Problem]

    public init(root: String, problems: [Problem]) {
        self.root = root
        self.problems = problems
    }

    /// The problems, one on each line after a line that names the model directory.
    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        let lines = problems.map { "  \($0)" }
        return (["model directory '\(escaped(root))' has \(count):"] + lines)
            .joined(separator: "\n")
    }
}

/// `text` with control characters written as Swift escapes (`\n`, `\u{1B}`).
private func escaped(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        if scalar.properties.generalCategory == .control {
            result += scalar.escaped(asASCII: false)
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}
