import ArgumentParser

/// Flags every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project file.", valueName: "file"))
    var config: String = "shipml.yaml"

    @Flag(name: .long, help: "Print machine-readable JSON on standard output.")
    var json = false

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Explain what is being done.")
    var verbose = false

    @Flag(name: .long, help: "Never colour the output (also when NO_COLOR is set).")
    var noColor = false

    func validate() throws {
        if quiet && verbose {
            throw ValidationError("--quiet and --verbose cannot be used together")
        }
        if config.isEmpty {
            throw ValidationError("--config needs a file name")
        }
    }
}

extension GlobalOptions {
    /// The flags as plain values.
    var settings: GlobalSettings {
        GlobalSettings(config: config, json: json, quiet: quiet, verbose: verbose, noColor: noColor)
    }
}

/// The flags every command takes, as plain values: what code that also runs without
/// ArgumentParser (``QuickCommandLine``) reads.
struct GlobalSettings: Equatable {
    var config = "shipml.yaml"
    var json = false
    var quiet = false
    var verbose = false
    var noColor = false
}
