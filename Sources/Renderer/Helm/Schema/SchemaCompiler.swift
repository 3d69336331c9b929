import Foundation

/// Compiles a values schema document as santhosh-tekuri/jsonschema v6 does for Helm: the draft
/// from `$schema` (2020-12 when absent), `$ref` to JSON pointers and anchors inside the
/// document, no network: a remote reference is an error.
struct SchemaCompiler {
    /// Where Helm registers the document.
    static let documentURL = "file:///values.schema.json"

    let document: SchemaJSON
    let draft: Int
    /// Whether `format` is asserted whatever the draft (v6 does it for metaschemas).
    var assertFormat = false
    var nodes: [SchemaNode] = []
    var compiled: [String: Int] = [:]
    /// `$id` and `$anchor` targets: the URL or `#name` they declare, and their pointer.
    var anchors: [String: String] = [:]

    /// The draft a `$schema` URL names, nil for one v6 does not know.
    static func draft(of url: String) -> Int? {
        var text = url
        if text.hasSuffix("#") { text.removeLast() }
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) {
            text.removeFirst(scheme.count)
        }
        switch text {
        case "json-schema.org/draft-04/schema": return 4
        case "json-schema.org/draft-06/schema": return 6
        case "json-schema.org/draft-07/schema": return 7
        case "json-schema.org/draft/2019-09/schema": return 2019
        case "json-schema.org/draft/2020-12/schema": return 2020
        default: return nil
        }
    }

    /// The metaschema URL of a draft, as the messages name it.
    static func metaschemaURL(_ draft: Int) -> String {
        switch draft {
        case 4: "http://json-schema.org/draft-04/schema#"
        case 6: "http://json-schema.org/draft-06/schema#"
        case 7: "http://json-schema.org/draft-07/schema#"
        case 2019: "https://json-schema.org/draft/2019-09/schema#"
        default: "https://json-schema.org/draft/2020-12/schema#"
        }
    }

    init(document: SchemaJSON, draft: Int) {
        self.document = document
        self.draft = draft
        collectAnchors(document, pointer: "")
    }

    /// Compiles the whole document.
    static func compile(_ document: SchemaJSON, draft: Int, assertFormat: Bool = false)
        throws(SchemaError) -> CompiledSchema
    {
        var compiler = SchemaCompiler(document: document, draft: draft)
        compiler.assertFormat = assertFormat
        _ = try compiler.compile(at: "")
        return CompiledSchema(nodes: compiler.nodes)
    }

    mutating func collectAnchors(_ value: SchemaJSON, pointer: String) {
        switch value {
        case .object(let entries):
            let idKey = draft == 4 ? "id" : "$id"
            if case .string(let id)? = entries[idKey], !id.isEmpty {
                anchors[id.hasSuffix("#") ? String(id.dropLast()) : id] = pointer
            }
            if draft >= 2019, case .string(let anchor)? = entries["$anchor"] {
                anchors["#" + anchor] = pointer
            }
            if draft >= 2020, case .string(let anchor)? = entries["$dynamicAnchor"] {
                anchors["#" + anchor] = anchors["#" + anchor] ?? pointer
            }
            for (key, child) in entries where key != "enum" && key != "const" {
                collectAnchors(child, pointer: pointer + "/" + Self.escape(key))
            }
        case .array(let items):
            for (index, item) in items.enumerated() {
                collectAnchors(item, pointer: pointer + "/\(index)")
            }
        default:
            break
        }
    }

    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func unescape(_ token: String) -> String {
        token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    /// The value at a JSON pointer of the document.
    func value(at pointer: String) -> SchemaJSON? {
        var current = document
        for raw in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let token = Self.unescape(String(raw))
            switch current {
            case .object(let entries):
                guard let next = entries[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The pointer a `$ref` leads to.
    func resolve(_ reference: String) throws(SchemaError) -> String {
        var base = ""
        var fragment = reference
        if let hash = reference.firstIndex(of: "#") {
            base = String(reference[..<hash])
            fragment = String(reference[reference.index(after: hash)...])
        } else {
            base = reference
            fragment = ""
        }
        var pointer = ""
        if !base.isEmpty && base != Self.documentURL && base != "values.schema.json" {
            if let target = anchors[base] {
                pointer = target
            } else if base.hasPrefix("urn:") {
                return "urn"
            } else {
                let url = base.contains(":") ? base : "file:///" + base
                if url.hasPrefix("file://") {
                    let path = String(url.dropFirst("file://".count))
                    throw SchemaError(
                        "failing loading \"\(url)\": open \(path): no such file or directory")
                }
                throw SchemaError(
                    "failing loading \"\(url)\": remote schemas are not fetched (shipml renders offline)"
                )
            }
        }
        let decoded = fragment.removingPercentEncoding ?? fragment
        if decoded.isEmpty { return pointer }
        if decoded.hasPrefix("/") {
            let full = pointer + decoded
            guard value(at: full) != nil else {
                throw SchemaError(
                    "json-pointer in \"\(Self.documentURL)#\(full)\" not found")
            }
            return full
        }
        guard let target = anchors["#" + decoded] else {
            throw SchemaError("anchor in \"\(Self.documentURL)#\(decoded)\" not found")
        }
        return target
    }

    func integer(_ entries: [String: SchemaJSON], _ key: String) -> Int? {
        guard let number = entries[key]?.double, number.isFinite else { return nil }
        return Int(exactly: number.rounded()) ?? (number < 0 ? Int.min : Int.max)
    }

    func number(_ entries: [String: SchemaJSON], _ key: String) -> String? {
        if case .number(let text)? = entries[key] { return text }
        return nil
    }

    func strings(_ value: SchemaJSON?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            if case .string(let text) = item { return text }
            return nil
        }
    }

    func regex(_ source: String) throws(SchemaError) -> GoRegex {
        do {
            return try GoRegex(source)
        } catch {
            throw SchemaError("\(GoFormat.quote(source)) is not valid regex: \(error.message)")
        }
    }

    mutating func compile(at pointer: String) throws(SchemaError) -> Int {
        if let index = compiled[pointer] { return index }
        let index = nodes.count
        nodes.append(SchemaNode(location: pointer, draft: draft))
        compiled[pointer] = index
        var node = SchemaNode(location: pointer, draft: draft)
        switch value(at: pointer) {
        case .bool(let flag)?:
            node.boolean = flag
        case .object(let entries)?:
            try fill(&node, entries, pointer: pointer)
        default:
            node.boolean = true
        }
        nodes[index] = node
        return index
    }

    mutating func child(_ pointer: String, _ keys: String...) throws(SchemaError) -> Int {
        try compile(at: pointer + keys.map { "/" + Self.escape($0) }.joined())
    }

    mutating func list(_ entries: [String: SchemaJSON], _ key: String, _ pointer: String)
        throws(SchemaError) -> [Int]
    {
        guard case .array(let items)? = entries[key] else { return [] }
        var out: [Int] = []
        for index in items.indices { out.append(try child(pointer, key, String(index))) }
        return out
    }

    mutating func additional(_ entries: [String: SchemaJSON], _ key: String, _ pointer: String)
        throws(SchemaError) -> SchemaNode.Additional?
    {
        switch entries[key] {
        case nil: return nil
        case .bool(let flag)?: return .allowed(flag)
        default: return .schema(try child(pointer, key))
        }
    }

    mutating func fill(_ node: inout SchemaNode, _ entries: [String: SchemaJSON], pointer: String)
        throws(SchemaError)
    {
        if case .string(let reference)? = entries["$ref"] {
            let target = try resolve(reference)
            node.ref = try compile(at: target == "urn" ? "/$urn-permissive" : target)
            // Before 2019-09, the keywords beside `$ref` are ignored; v6 still checks `const`.
            if draft < 2019 {
                if draft >= 6, let value = entries["const"] { node.constant = value }
                return
            }
        }
        switch entries["type"] {
        case .string(let name)?: node.types = [name]
        case .array?: node.types = Set(strings(entries["type"]))
        default: break
        }
        if draft >= 6, let value = entries["const"] { node.constant = value }
        if case .array(let values)? = entries["enum"] { node.enumeration = values }
        if draft < 2019 || assertFormat, case .string(let name)? = entries["format"] {
            node.format = name
        }
        node.minProperties = integer(entries, "minProperties")
        node.maxProperties = integer(entries, "maxProperties")
        node.required = strings(entries["required"])
        if case .object(let dependencies)? = entries["dependencies"] {
            for key in dependencies.keys.sorted() {
                if case .array = dependencies[key] {
                    node.dependencies.append((key, .names(strings(dependencies[key]))))
                } else {
                    node.dependencies.append(
                        (key, .schema(try child(pointer, "dependencies", key))))
                }
            }
        }
        if case .object(let properties)? = entries["properties"] {
            for key in properties.keys {
                node.properties[key] = try child(pointer, "properties", key)
            }
        }
        if case .object(let patterns)? = entries["patternProperties"] {
            for key in patterns.keys.sorted() {
                node.patternProperties.append(
                    (key, try regex(key), try child(pointer, "patternProperties", key)))
            }
        }
        node.additionalProperties = try additional(entries, "additionalProperties", pointer)
        if draft >= 6, entries["propertyNames"] != nil {
            node.propertyNames = try child(pointer, "propertyNames")
        }
        if draft >= 2019 {
            if case .object(let schemas)? = entries["dependentSchemas"] {
                for key in schemas.keys.sorted() {
                    node.dependentSchemas.append((key, try child(pointer, "dependentSchemas", key)))
                }
            }
            if case .object(let required)? = entries["dependentRequired"] {
                for key in required.keys.sorted() {
                    node.dependentRequired.append((key, strings(required[key])))
                }
            }
        }
        node.minItems = integer(entries, "minItems")
        node.maxItems = integer(entries, "maxItems")
        if case .bool(true)? = entries["uniqueItems"] { node.uniqueItems = true }
        if draft < 2020 {
            switch entries["items"] {
            case nil: break
            case .array?: node.items = .list(try list(entries, "items", pointer))
            default: node.items = .one(try child(pointer, "items"))
            }
            node.additionalItems = try additional(entries, "additionalItems", pointer)
        } else {
            node.prefixItems = try list(entries, "prefixItems", pointer)
            if entries["items"] != nil { node.items2020 = try child(pointer, "items") }
        }
        if draft >= 6, entries["contains"] != nil { node.contains = try child(pointer, "contains") }
        if draft >= 2019 {
            node.minContains = integer(entries, "minContains")
            node.maxContains = integer(entries, "maxContains")
        }
        node.minLength = integer(entries, "minLength")
        node.maxLength = integer(entries, "maxLength")
        if case .string(let source)? = entries["pattern"] {
            node.pattern = (source, try regex(source))
        }
        node.minimum = number(entries, "minimum")
        node.maximum = number(entries, "maximum")
        if draft == 4 {
            if case .bool(true)? = entries["exclusiveMinimum"] {
                node.exclusiveMinimum = node.minimum
                node.minimum = nil
            }
            if case .bool(true)? = entries["exclusiveMaximum"] {
                node.exclusiveMaximum = node.maximum
                node.maximum = nil
            }
        } else {
            node.exclusiveMinimum = number(entries, "exclusiveMinimum")
            node.exclusiveMaximum = number(entries, "exclusiveMaximum")
        }
        node.multipleOf = number(entries, "multipleOf")
        if entries["not"] != nil { node.not = try child(pointer, "not") }
        node.allOf = try list(entries, "allOf", pointer)
        node.anyOf = try list(entries, "anyOf", pointer)
        node.oneOf = try list(entries, "oneOf", pointer)
        if draft >= 7, entries["if"] != nil {
            node.ifSchema = try child(pointer, "if")
            if entries["then"] != nil { node.thenSchema = try child(pointer, "then") }
            if entries["else"] != nil { node.elseSchema = try child(pointer, "else") }
        }
    }
}
