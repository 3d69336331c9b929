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
