import ArgumentParser
import Foundation
import Promoter
import ShipKit
import ShipModel

/// The root command: it lists the verbs and maps every failure to shipml's exit codes.
@main
struct ShipML: ParsableCommand {

    static let configuration = CommandConfiguration(
        commandName: "shipml",
        abstract: "Validate, package, render and promote ML model releases to Kubernetes.",
        discussion: """
            Exit codes:
              0  success
              1  a check failed (validation, gate, diff)
              2  bad usage or bad input (flags, shipml.yaml, policy or metrics files)
              3  an environment or network failure (missing tool, disk, registry, git
                 remote)

            Image references follow skopeo: oci:PATH[:TAG] for an OCI layout on disk,
            HOST[:PORT]/REPO[:TAG|@DIGEST] for a registry.

            Global options (--config, --json, -q, -v, --no-color) may come before or after
            the command. shipml --version prints the version.

            Examples:
              shipml init                 write an example project in this directory
              shipml config check         check shipml.yaml and print the resolved
                                          configuration
              shipml config check --json  the same, for a machine
              shipml validate             judge the metrics against the policy
            """,
        subcommands: [
            Init.self, Config.self, Build.self, Inspect.self, Push.self, Pull.self, Copy.self,
            Tags.self, Attach.self, Referrers.self, Validate.self, Render.self, Status.self,
            History.self, Diff.self, Promote.self, Rollback.self, Approve.self, Lint.self,
            Release.self,
        ]
    )

    static func main() {
        let arguments = GlobalArguments.hoisted(Array(CommandLine.arguments.dropFirst()))
        // `shipml --version` is read here rather than by ArgumentParser, which would also
        // give every command a --version flag, beside promote's own --version option.
        if arguments == ["--version"] {
            print(ShipMLVersion.current)
            Foundation.exit(0)
        }
        GitWarmUp.start(arguments.first)
        let status: ExitStatus
        do {
            if let quick = QuickCommandLine.read(arguments) {
                try quick.run()
            } else {
                var command = try parseAsRoot(arguments)
                try command.run()
            }
            status = .success
        } catch let error as ShipKitError {
            status = report(error)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                // --help, --version: ArgumentParser prints them.
                GitWarmUp.finish()
                exit(withError: error)
            } else if code.rawValue == 64 {
                // ArgumentParser says 64 (EX_USAGE) for bad usage; shipml says 2.
                Console.writeError(
                    GlobalArguments.unknownCommand(arguments) ?? fullMessage(for: error))
                status = .badInput
            } else if code.rawValue == 1, !(error is ExitCode) {
                status = report(ShipKitError.wrapping(error))
            } else {
                GitWarmUp.finish()
                exit(withError: error)
            }
        }
        GitWarmUp.finish()
        Foundation.exit(status.rawValue)
    }

    /// Prints a failure (the project file's diagnostics, then the line that says why; under
    /// `--quiet` the short reason when nothing else was said) and picks its exit code.
    static func report(_ failure: ShipKitError) -> ExitStatus {
        Console.report(failure.diagnostics)
        if !failure.message.isEmpty {
            Console.error(failure.message)
        } else if Console.quiet, let summary = failure.summary {
            Console.error(summary)
        }
        return ExitStatus(failure.category)
    }
}

/// libgit2's start-up on a second thread while the main one parses the command line, for the
/// commands that read or write the state repository: the two take a few milliseconds each,
/// and `shipml history` or `status` as a whole takes about twenty.
enum GitWarmUp {
    private static let stateCommands = [
        "status", "history", "promote", "rollback", "approve", "release", "diff",
    ]
    private static let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) private static var started = false

    /// Starts the warm-up when `command` (the first argument) uses the state repository.
    static func start(_ command: String?) {
        guard let command, stateCommands.contains(command) else { return }
        started = true
        Thread.detachNewThread {
            GitLibrary.prepare()
            done.signal()
        }
    }

    /// Waits for the warm-up, so that the process never exits while OpenSSL or libgit2 is
    /// half initialised on the other thread (their exit handlers would run against it).
    static func finish() {
        if started { done.wait() }
    }
}

/// shipml's version, printed by `--version`.
enum ShipMLVersion {
    static let current = ShipKitVersion.current
}
