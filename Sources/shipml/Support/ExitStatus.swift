/// shipml's exit codes, the same for every command.
enum ExitStatus: Int32 {
    case success = 0
    /// A check failed: validation, a gate, a diff.
    case checkFailed = 1
    /// Bad usage or bad input.
    case badInput = 2
    /// The environment failed: a missing tool, the disk, the network.
    case environment = 3
}

/// A command's failure: what to say, and which exit code to leave with.
struct CommandFailure: Error {
    var status: ExitStatus
    var message: String

    static func badInput(_ message: String) -> CommandFailure {
        CommandFailure(status: .badInput, message: message)
    }

    static func environment(_ message: String) -> CommandFailure {
        CommandFailure(status: .environment, message: message)
    }

    /// Exits with `status` having already printed what needed printing.
    static func silent(_ status: ExitStatus) -> CommandFailure {
        CommandFailure(status: status, message: "")
    }
}
