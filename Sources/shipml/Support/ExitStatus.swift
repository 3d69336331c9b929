import ShipKit

/// shipml's exit codes, the same for every command.
enum ExitStatus: Int32 {
    case success = 0
    /// A check failed: validation, a gate, a diff.
    case checkFailed = 1
    /// Bad usage or bad input.
    case badInput = 2
    /// The environment failed: a missing tool, the disk, the network.
    case environment = 3

    /// The one place a failure's category becomes an exit code.
    init(_ category: FailureCategory) {
        switch category {
        case .checkFailed: self = .checkFailed
        case .badInput: self = .badInput
        case .environment: self = .environment
        }
    }

    var category: FailureCategory? {
        switch self {
        case .success: nil
        case .checkFailed: .checkFailed
        case .badInput: .badInput
        case .environment: .environment
        }
    }
}

/// A command's failure is ShipKit's error: a category, and what to say.
typealias CommandFailure = ShipKitError

extension ShipKitError {
    init(status: ExitStatus, message: String) {
        self.init(status.category ?? .environment, message)
    }

    /// Exits with `status` having already printed what needed printing; `summary` is the one
    /// line `--quiet` still prints.
    static func silent(_ status: ExitStatus, summary: String? = nil) -> ShipKitError {
        .reported(status.category ?? .environment, summary: summary)
    }
}
