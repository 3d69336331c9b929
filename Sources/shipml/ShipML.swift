import ArgumentParser
import Foundation
import Promoter

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

            Examples:
              shipml init                 write an example project in this directory
              shipml config check         check shipml.yaml and print the resolved
                                          configuration
              shipml config check --json  the same, for a machine
              shipml validate             judge the metrics against the policy
            """,
        version: ShipMLVersion.current,
        subcommands: [
            Init.self, Config.self, Build.self, Inspect.self, Push.self, Pull.self, Copy.self,
            Tags.self, Attach.self, Referrers.self, Validate.self, Render.self, Status.self,
            History.self, Promote.self, Rollback.self, Approve.self, Lint.self, Release.self,
        ]
    )

    static func main() {
        GitWarmUp.start(CommandLine.arguments.dropFirst().first)
        let status: ExitStatus
        do {
            if let quick = QuickCommandLine.read(Array(CommandLine.arguments.dropFirst())) {
                try quick.run()
            } else {
                var command = try parseAsRoot()
                try command.run()
            }
            status = .success
        } catch let failure as CommandFailure {
            if !failure.message.isEmpty { Console.error(failure.message) }
            status = failure.status
        } catch {
            let code = exitCode(for: error)
            // ArgumentParser says 64 (EX_USAGE) for bad usage; shipml says 2.
            if code.rawValue == 64 {
                Console.writeError(fullMessage(for: error))
                status = .badInput
            } else {
                GitWarmUp.finish()
                exit(withError: error)
            }
        }
        GitWarmUp.finish()
        Foundation.exit(status.rawValue)
    }
}

/// libgit2's start-up on a second thread while the main one parses the command line, for the
/// commands that read or write the state repository: the two take a few milliseconds each,
/// and `shipml history` or `status` as a whole takes about twenty.
enum GitWarmUp {
    private static let stateCommands = [
        "status", "history", "promote", "rollback", "approve", "release",
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
    static let current = "0.1.0"
}
