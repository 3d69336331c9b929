/// One compiled schema of a values schema document: the keywords it has, with its subschemas
/// as indexes into ``CompiledSchema/nodes``.
struct SchemaNode {
    /// Either a subschema list (`items: [...]`) or a single one.
    enum Items {
        case one(Int)
        case list([Int])
    }

    /// `additionalProperties` / `additionalItems`: `false`, `true`, or a schema.
    enum Additional {
        case allowed(Bool)
        case schema(Int)
    }

    /// `dependencies`: property names that must be there, or a schema for the whole object.
    enum Dependency {
        case names([String])
        case schema(Int)
    }

    /// The JSON pointer of the schema in its document (`/properties/a`).
    var location: String
    var draft: Int
    /// `true` or `false` as a whole schema.
    var boolean: Bool?
    var types: Set<String> = []
    var constant: SchemaJSON?
    var enumeration: [SchemaJSON]?
    var format: String?
    var ref: Int?

    var minProperties: Int?
    var maxProperties: Int?
    var required: [String] = []
    var dependencies: [(String, Dependency)] = []
    var properties: [String: Int] = [:]
    var patternProperties: [(source: String, regex: GoRegex, schema: Int)] = []
    var additionalProperties: Additional?
    var propertyNames: Int?
    var dependentSchemas: [(String, Int)] = []
    var dependentRequired: [(String, [String])] = []

    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var items: Items?
    var additionalItems: Additional?
    var prefixItems: [Int] = []
    var items2020: Int?
    var contains: Int?
    var minContains: Int?
    var maxContains: Int?

    var minLength: Int?
    var maxLength: Int?
    var pattern: (source: String, regex: GoRegex)?

    var minimum: String?
    var maximum: String?
    var exclusiveMinimum: String?
    var exclusiveMaximum: String?
    var multipleOf: String?

    var not: Int?
    var allOf: [Int] = []
    var anyOf: [Int] = []
    var oneOf: [Int] = []
    var ifSchema: Int?
    var thenSchema: Int?
    var elseSchema: Int?

    init(location: String, draft: Int) {
        self.location = location
        self.draft = draft
    }
}

/// A values schema, compiled: its nodes, the root first.
struct CompiledSchema {
    var nodes: [SchemaNode]
    var root: Int { 0 }
}
