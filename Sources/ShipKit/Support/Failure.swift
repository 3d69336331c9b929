import Builder
import Linter
import Promoter
import Registry
import Renderer
public import ShipModel
import Validator

/// What kind of failure an error is: the one thing the command line needs to pick an exit code.
public enum FailureCategory: Int, Sendable, Equatable, CaseIterable {
    /// A check failed: validation, a gate, lint, a diff (exit 1).
    case checkFailed = 1
    /// Bad usage or bad input: flags, shipml.yaml, a policy, a chart (exit 2).
    case badInput = 2
    /// The environment failed: a missing tool, the disk, a registry, a git remote (exit 3).
    case environment = 3
}

/// An error that knows its category. Every error ShipKit throws is one.
public protocol CategorizedError: Error, CustomStringConvertible {
    var category: FailureCategory { get }
}

/// ShipKit's error: a category, one line that says why, and the diagnostics (file, line, field)
/// of a bad project file, which the caller prints before the line.
public struct ShipKitError: CategorizedError, Sendable {
    public var category: FailureCategory
    /// Why, in one line; empty when everything that needed saying is in `diagnostics` or was
    /// already printed (a validation table, lint findings).
    public var message: String
    public var diagnostics: [Diagnostic]
    /// The short reason `--quiet` still prints when `message` is empty: "not blessed", say.
    public var summary: String?

    public init(
        _ category: FailureCategory, _ message: String, diagnostics: [Diagnostic] = [],
        summary: String? = nil
    ) {
        self.category = category
        self.message = message
        self.diagnostics = diagnostics
        self.summary = summary
    }

    public var description: String {
        if !message.isEmpty { return message }
        if let first = diagnostics.first {
            let field = first.path.isEmpty ? "" : first.path + ": "
            let more = diagnostics.count > 1 ? " (and \(diagnostics.count - 1) more)" : ""
            return "\(first.file):\(first.line):\(first.column): \(field)\(first.message)\(more)"
        }
        return summary ?? ""
    }

    public static func badInput(_ message: String) -> ShipKitError {
        ShipKitError(.badInput, message)
    }

    public static func environment(_ message: String) -> ShipKitError {
        ShipKitError(.environment, message)
    }

    public static func checkFailed(_ message: String) -> ShipKitError {
        ShipKitError(.checkFailed, message)
    }

    /// A failure whose details were printed already; `summary` is what `--quiet` keeps.
    public static func reported(_ category: FailureCategory, summary: String? = nil)
        -> ShipKitError
    {
        ShipKitError(category, "", summary: summary)
    }

    /// `error` as a ShipKitError: its own category when it has one, else the category the
    /// stage libraries' errors have, the same in every command. `context`, when given,
    /// goes before the error's text ("state repository: ...").
    public static func wrapping(_ error: any Error, context: String? = nil) -> ShipKitError {
        if let error = error as? ShipKitError {
            guard let context, !error.message.isEmpty else { return error }
            var wrapped = error
            wrapped.message = "\(context): \(error.message)"
            return wrapped
        }
        if let error = error as? ProjectFileError {
            return ShipKitError(.badInput, "", diagnostics: error.diagnostics)
        }
        let text = context.map { "\($0): \(error)" } ?? "\(error)"
        return ShipKitError(category(of: error), text)
    }

    /// Runs `body`, turning what it throws into a ShipKitError.
    public static func catching<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw wrapping(error)
        }
    }

    /// The category of an error of the stage libraries. The one place that decides it:
    /// - the user's input (a project file, a policy, a chart, a model directory, a state file,
    ///   a corrupt layout the user named): bad input;
    /// - git, the disk, the network, a registry, a signing key that cannot be used, other
    ///   writers that kept winning: the environment.
    public static func category(of error: any Error) -> FailureCategory {
        switch error {
        case let error as any CategorizedError: return error.category
        case let error as RegistryError: return error.isEnvironmental ? .environment : .badInput
        case is ProjectFileError, is StateError, is ValidatorError, is ModelDirectoryError,
            is KustomizeError, is HelmError, is RenderError, is TemplateError, is LintError:
            return .badInput
        case is LayoutError: return .badInput
        case is GitError, is StateTransaction.Contention, is SigningError, is ArchiveError,
            is TransportError:
            return .environment
        default: return .environment
        }
    }
}

/// Where ShipKit says what is not a result: warnings, what it is doing (for `--verbose`), and
/// progress. The command line prints them; tests collect them.
public struct ShipKitLog: Sendable {
    public var warning: @Sendable (String) -> Void
    public var info: @Sendable (String) -> Void

    public init(
        warning: @escaping @Sendable (String) -> Void, info: @escaping @Sendable (String) -> Void
    ) {
        self.warning = warning
        self.info = info
    }

    /// Says nothing.
    public static let silent = ShipKitLog(warning: { _ in }, info: { _ in })
}
