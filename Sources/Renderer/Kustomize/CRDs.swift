/// `crds`: OpenAPI definitions whose properties carry `x-kubernetes-object-ref-kind` mark
/// fields of custom kinds that name other objects, so renames reach them.
enum CRDs {
    static func references(_ text: String) throws -> [String: [NameReferences.Reference]] {
        let definitions = try KValue.parse(text).mapPairs ?? []
        var table: [String: [NameReferences.Reference]] = [:]
        var byName: [String: KValue] = [:]
        for (name, definition) in definitions { byName[name] = definition }
        for (name, definition) in definitions {
            guard let dot = name.lastIndex(of: ".") else { continue }
            let kind = String(name[name.index(after: dot)...])
            walk(
                definition, path: [], referrerKind: kind, definitions: byName, depth: 0,
                into: &table)
        }
        return table
    }

    static func walk(
        _ definition: KValue, path: [String], referrerKind: String,
        definitions: [String: KValue], depth: Int,
        into table: inout [String: [NameReferences.Reference]]
    ) {
        guard depth < 8 else { return }
        let schema = definition["Schema"] ?? definition
        for (property, value) in schema["properties"]?.mapPairs ?? [] {
            let propertyPath = path + [property]
            if let kind = value["x-kubernetes-object-ref-kind"]?.scalarText {
                table[kind, default: []].append(
                    NameReferences.Reference(kinds: [referrerKind], path: propertyPath + ["name"]))
                continue
            }
            if let reference = value["$ref"]?.scalarText, let target = definitions[reference] {
                walk(
                    target, path: propertyPath, referrerKind: referrerKind,
                    definitions: definitions, depth: depth + 1, into: &table)
            }
        }
    }
}
