import ArgumentParser

/// `helm template`'s flags, for `shipml render CHART_DIR`.
struct HelmOptions: ParsableArguments {
    @Option(
        name: [.customShort("f"), .long],
        help: ArgumentHelp("A values file (YAML); later files win.", valueName: "file"))
    var values: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("Set a value: a.b=c,d[0]=e (Helm's --set).", valueName: "key=value"))
    var set: [String] = []

    @Option(name: .long, help: ArgumentHelp("Set a value as a string.", valueName: "key=value"))
    var setString: [String] = []

    @Option(
        name: .long, help: ArgumentHelp("Set a value from a file's text.", valueName: "key=path"))
    var setFile: [String] = []

    @Option(name: .long, help: ArgumentHelp("Set a value from JSON.", valueName: "key=json"))
    var setJson: [String] = []

    @Option(name: .long, help: ArgumentHelp("Set a literal string value.", valueName: "key=value"))
    var setLiteral: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("The release name (default release-name).", valueName: "name"))
    var name: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A template for the release name (Go template, Sprig functions).", valueName: "template"
        ))
    var nameTemplate: String?

    @Option(
        name: [.customShort("n"), .long],
        help: ArgumentHelp("The release namespace (default default).", valueName: "namespace"))
    var namespace: String?

    @Option(
        name: [.customShort("s"), .long],
        help: ArgumentHelp(
            "Only print the manifests of these templates (globs allowed).", valueName: "path"))
    var showOnly: [String] = []

    @Flag(name: .long, help: "Leave out test hooks.")
    var skipTests = false

    @Flag(name: .long, help: "Do not check the values against the charts' values.schema.json.")
    var skipSchemaValidation = false

    @Flag(name: .long, help: "Print the charts' crds/ files first.")
    var includeCrds = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Kubernetes version .Capabilities reports (default \(HelmTemplateOptionsDefaults.kubeVersion)).",
            valueName: "version"))
    var kubeVersion: String?

    @Option(
        name: [.customShort("a"), .long],
        help: ArgumentHelp(
            "API versions .Capabilities.APIVersions.Has accepts, besides the built-in ones.",
            valueName: "group/version"))
    var apiVersions: [String] = []

    @Flag(name: .long, help: "Print the rendered manifest even when it is not valid YAML.")
    var debug = false
}

extension HelmOptions {
    /// The flags given, as the user spelled them: what a kustomization or `--env` refuses.
    var given: [String] {
        var flags: [String] = []
        if !values.isEmpty { flags.append("--values") }
        if !set.isEmpty { flags.append("--set") }
        if !setString.isEmpty { flags.append("--set-string") }
        if !setFile.isEmpty { flags.append("--set-file") }
        if !setJson.isEmpty { flags.append("--set-json") }
        if !setLiteral.isEmpty { flags.append("--set-literal") }
        if name != nil { flags.append("--name") }
        if nameTemplate != nil { flags.append("--name-template") }
        if namespace != nil { flags.append("--namespace") }
        if !showOnly.isEmpty { flags.append("--show-only") }
        if skipTests { flags.append("--skip-tests") }
        if skipSchemaValidation { flags.append("--skip-schema-validation") }
        if includeCrds { flags.append("--include-crds") }
        if kubeVersion != nil { flags.append("--kube-version") }
        if !apiVersions.isEmpty { flags.append("--api-versions") }
        if debug { flags.append("--debug") }
        return flags
    }
}

/// The defaults `--help` names.
enum HelmTemplateOptionsDefaults {
    static let kubeVersion = "v1.36.0"
}
