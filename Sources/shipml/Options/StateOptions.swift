import ArgumentParser

/// Where the state repository is and where a remote one is cached.
struct StateLocationOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The state repository (default: state.repository).", valueName: "path|url"))
    var state: String?

    @Option(
        help: ArgumentHelp(
            "Where remote state is cached (default: .shipml/cache).", valueName: "dir"))
    var cache: String?
}

/// Where the state repository is, for the commands that write it, and what they record.
struct StateOptions: ParsableArguments {
    @OptionGroup var location: StateLocationOptions

    var state: String? { location.state }
    var cache: String? { location.cache }

    @Option(help: "The model (default: model.name).", completion: Completions.models)
    var model: String?

    @Option(help: "Why; recorded in the state and the commit.")
    var reason: String?
}
