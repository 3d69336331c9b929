import ArgumentParser
import Foundation
import ShipKit

/// `shipml diff ENV1 ENV2`: what two environments run, compared.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two environments' releases and rendered manifests.",
        usage: "shipml diff [<options>] <env1> <env2>",
        discussion: """
            Reads both environments' release records and manifests from the state
            repository's tip and prints the fields that differ (version, artifact, image,
            blessing) and a unified diff of the manifests, a/ the first environment and b/
            the second. Who promoted and when are not compared.

            Exit codes: 0 compared (with --exit-code: identical); 1 with --exit-code, they
            differ; 2 bad input; 3 the state repository could not be read.

            Examples:
              shipml diff staging prod
              shipml diff staging prod --exit-code >/dev/null && echo "prod is current"
              shipml diff dev staging --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stateLocation: StateLocationOptions

    @Argument(help: "The first environment.", completion: Completions.environments)
    var env1: String

    @Argument(help: "The second environment.", completion: Completions.environments)
    var env2: String

    @Option(help: "The model (default: model.name).", completion: Completions.models)
    var model: String?

    @Flag(help: "Exit 1 when the environments differ, as git diff --exit-code.")
    var exitCode = false

    func run() throws {
        Console.configure(global)
        var request = EnvironmentDiff.Request(from: env1, to: env2)
        request.config = global.config
        request.model = model
        request.state = stateLocation.state
        request.cache = stateLocation.cache
        let result = try EnvironmentDiff.run(request, log: Console.log)
        if global.json {
            Console.data(JSONOutput.encode(result))
        } else if result.identical {
            Console.output("\(env1) and \(env2) run the same \(result.model) release and manifests")
        } else {
            for change in result.changes {
                Console.output(
                    "\(change.field): \(change.from ?? "(none)") → \(change.to ?? "(none)")")
            }
            if !result.manifestDiff.isEmpty {
                Console.output(String(result.manifestDiff.dropLast()))
            } else {
                Console.output("manifests: no change")
            }
        }
        if exitCode, !result.identical {
            throw CommandFailure.silent(.checkFailed, summary: "\(env1) and \(env2) differ")
        }
    }
}
