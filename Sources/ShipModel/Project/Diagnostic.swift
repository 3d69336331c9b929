/// One problem found in a file a user wrote, with where it is and what was expected.
public struct Diagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable, Codable {
        case error, warning
    }

    public var severity: Severity
    public var file: String
    /// 1-based line of the offending value.
    public var line: Int
    /// 1-based column of the offending value.
    public var column: Int
    /// The field's path, such as `environments[2].gates.soak`; empty for the whole file.
    public var path: String
    public var message: String

    public init(
        severity: Severity = .error, file: String, line: Int, column: Int, path: String,
        message: String
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `file:line:column: severity: path: message`, the form compilers and editors read.
    public var description: String {
        let field = path.isEmpty ? "" : "\(path): "
        return "\(file):\(line):\(column): \(severity.rawValue): \(field)\(message)"
    }
}

/// A project or policy file that cannot be used, with every problem found in it.
public struct ProjectFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// A 1-based line and column in a file.
public struct SourceLocation: Sendable, Equatable, Codable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
