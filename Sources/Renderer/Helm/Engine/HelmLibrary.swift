import Foundation

/// The engine as `shipml render` uses it: Sprig's functions and Helm's data functions under
/// Helm's own.
public enum HelmLibrary {
    /// The functions Sprig gives templates (`sprig.TxtFuncMap`), with Helm's data functions.
    /// Until the Sprig library is in this build, an empty map: charts that call Sprig fail
    /// with Go's `function "x" not defined`.
    public static var baseFunctions: FunctionMap { [:] }

    /// `toYaml` for `.Files.AsConfig`/`AsSecrets`.
    public static let toYAML: @Sendable (Value) -> String = { _ in "" }

    public static var engine: HelmEngine {
        HelmEngine(baseFunctions: baseFunctions, toYAML: toYAML)
    }
}

extension HelmTemplate {
    /// `--name-template`: the template run with Sprig's functions and no data.
    public func releaseName(fromTemplate text: String) throws -> String {
        let set = TemplateSet(functions: engine.baseFunctions)
        try set.parse(name: "name-template", text: text)
        return try set.execute(name: "name-template", data: .null)
    }
}

/// `--json`: the documents as a JSON array of `{"source": ..., "content": ...}`.
public enum HelmDocumentsJSON {
    public static func encode(_ documents: [HelmDocument]) -> String {
        let items = documents.map {
            "  {\"source\": \(GoJSON.quote($0.source)), \"content\": \(GoJSON.quote($0.content))}"
        }
        return items.isEmpty ? "[]\n" : "[\n" + items.joined(separator: ",\n") + "\n]\n"
    }
}
