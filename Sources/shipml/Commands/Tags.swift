import ArgumentParser
import Registry
import ShipKit
import ShipModel

/// `shipml tags`: list a repository's tags.
struct Tags: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags",
        abstract: "List the tags of a repository.",
        usage: "shipml tags [<options>] <repository>",
        discussion: """
            Follows the registry's pagination (Link headers) to the last page.

            Examples:
              shipml tags registry.example.com/ml/sentiment
              shipml tags localhost:5000/ml/model --plain-http --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryOptions

    @Argument(help: "HOST/REPO")
    var repository: String

    func run() throws {
        Console.configure(global)
        guard case .registry(let reference) = try parseReference(repository) else {
            throw CommandFailure.badInput("tags lists a registry repository: HOST/REPO")
        }
        let session = try registry.session(for: reference.host, global: global)
        let tags: [String]
        do {
            tags = try RemoteRepository(session: session, name: reference.repository).tags()
        } catch let error as RegistryError {
            throw registryFailure(error)
        }
        if global.json {
            Console.data(JSONOutput.encode(tags))
        } else {
            for tag in tags { Console.output(tag) }
        }
    }
}
