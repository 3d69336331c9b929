public import Renderer

/// One Kubernetes object to lint, with where it came from.
public struct Manifest: Sendable {
    public var value: KValue
    /// The template (`# Source:` in Helm's output) or file it came from, when known.
    public var source: String?

    public init(_ value: KValue, source: String? = nil) {
        self.value = value
        self.source = source
    }

    public var kind: String { value["kind"]?.stringValue ?? "" }
    public var name: String { value.value(at: ["metadata", "name"])?.scalarText ?? "" }
    public var namespace: String? { value.value(at: ["metadata", "namespace"])?.scalarText }
    public var id: ResourceID { ResourceID(kind: kind, namespace: namespace, name: name) }

    /// Reads a stream of YAML documents as `helm template`, `kubectl kustomize` or a file
    /// gives them; a `# Source: PATH` comment names the document's template. Lists
    /// (`kind: List`, `items:`) are opened up.
    /// - Parameter file: names the stream in errors and is the source of documents that have
    ///   no `# Source:` comment.
    /// - Throws: ``LintError`` naming the file and document when one is not YAML.
    public static func parseStream(_ text: String, file: String) throws -> [Manifest] {
        var manifests: [Manifest] = []
        var chunk: [Substring] = []
        var number = 0
        func flush() throws {
            defer { chunk = [] }
            number += 1
            let body = chunk.joined(separator: "\n")
            let source = chunk.lazy.compactMap { line -> String? in
                guard line.hasPrefix("# Source: ") else { return nil }
                return String(line.dropFirst("# Source: ".count))
            }.first
            let documents: [KValue]
            do {
                documents = try KValue.documents(body)
            } catch {
                throw LintError("\(file): document \(number) is not YAML: \(error)")
            }
            for document in documents where !document.isNull {
                if document["kind"]?.stringValue?.hasSuffix("List") == true,
                    let items = document["items"]?.listItems
                {
                    manifests += items.map { Manifest($0, source: source ?? file) }
                } else if case .map = document {
                    manifests.append(Manifest(document, source: source ?? file))
                } else {
                    throw LintError(
                        "\(file): document \(number) is not a Kubernetes object (a mapping)")
                }
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" || line.hasPrefix("--- ") {
                try flush()
            } else {
                chunk.append(line)
            }
        }
        try flush()
        return manifests
    }
}

/// Why manifests cannot be linted.
public struct LintError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
