import Foundation

/// The engine as `shipml render` uses it: Sprig's functions and Helm's data functions under
/// Helm's own.
public enum HelmLibrary {
    /// The functions Sprig gives templates (`sprig.TxtFuncMap`), with Helm's data functions.
    public static var baseFunctions: FunctionMap { HelmFunctions.all() }

    /// Helm's `toYAML`: the YAML without its last newline, "" when it cannot be marshalled.
    public static let toYAML: @Sendable (Value) -> String = { value in
        guard var text = try? GoYAML.marshal(value) else { return "" }
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    public static var engine: HelmEngine {
        HelmEngine(baseFunctions: baseFunctions, toYAML: toYAML)
    }
}

extension HelmTemplate {
    /// `--name-template`: the template run with Sprig's functions and no data.
    public func releaseName(fromTemplate text: String) throws -> String {
        let set = TemplateSet(
            functions: HelmFunctions.sprig(), options: TemplateOptions(rootName: "name-template"))
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
