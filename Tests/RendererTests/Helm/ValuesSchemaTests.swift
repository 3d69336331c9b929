import Renderer
import Testing

/// `values.schema.json` keyword by keyword: the messages are the ones Helm 4.2.3 prints for the
/// same schema and values (taken from `scripts/helm-schema-oracle.py`).
@Suite("values schema")
struct ValuesSchemaTests {
    static let draft7 = "\"$schema\": \"http://json-schema.org/draft-07/schema#\", "

    /// The failure lines for `values` under the property schema `property` of key `a`.
    static func check(_ property: String, _ value: Value, draft: String = "") -> String? {
        let schema = "{\(draft)\"properties\": {\"a\": \(property)}}"
        return ValuesSchema.check(Array(schema.utf8), values: ["a": value])
    }

    static func list(_ items: Double...) -> Value { .list(items.map { .float($0) }) }

    static let typeCases: [(String, Value, String?)] = [
        ("{\"type\": \"integer\"}", .float(1.5), "- at '/a': got number, want integer\n"),
        ("{\"type\": \"integer\"}", .float(2), nil),
        ("{\"type\": \"integer\"}", .int64(2), nil),
        (
            "{\"type\": [\"string\", \"null\", \"integer\"]}", .float(1.5),
            "- at '/a': got number, want null or integer or string\n"
        ),
        ("{\"type\": \"object\"}", .list([]), "- at '/a': got array, want object\n"),
        ("{\"type\": \"null\"}", .bool(true), "- at '/a': got boolean, want null\n"),
    ]

    @Test(arguments: typeCases)
    func type(_ schema: String, _ value: Value, _ expected: String?) {
        #expect(Self.check(schema, value) == expected)
    }

    @Test func enumAndConst() {
        #expect(
            Self.check("{\"enum\": [1.0, 2e3, \"x\", true, null]}", .float(3))
                == "- at '/a': value must be one of 1.0, 2e3, 'x', true, <nil>\n")
        #expect(Self.check("{\"enum\": [1.0, [1]]}", .float(3)) == "- at '/a': 'enum' failed\n")
        #expect(Self.check("{\"enum\": [1.0, 2]}", .float(2)) == nil)
        #expect(Self.check("{\"const\": 1.50}", .float(3)) == "- at '/a': value must be 1.50\n")
        #expect(Self.check("{\"const\": 1.50}", .float(1.5)) == nil)
        #expect(Self.check("{\"const\": {\"x\": 1}}", .float(3)) == "- at '/a': 'const' failed\n")
    }

    @Test func numbers() {
        #expect(
            Self.check("{\"minimum\": 1e30}", .float(1))
                == "- at '/a': minimum: got 1, want 1×10³⁰\n")
        #expect(
            Self.check("{\"minimum\": 100000}", .float(99999.5))
                == "- at '/a': minimum: got 99,999.5, want 100,000\n")
        #expect(
            Self.check("{\"minimum\": 2}", .float(0.00001))
                == "- at '/a': minimum: got 1×10⁻⁰⁵, want 2\n")
        #expect(
            Self.check("{\"maximum\": 2}", .float(12345.678))
                == "- at '/a': maximum: got 12,345.678, want 2\n")
        #expect(
            Self.check("{\"maximum\": -2.5}", .float(-1.25))
                == "- at '/a': maximum: got -1.25, want -2.5\n")
        #expect(
            Self.check("{\"exclusiveMinimum\": 0}", .float(0))
                == "- at '/a': exclusiveMinimum: got 0, want 0\n")
        #expect(
            Self.check("{\"exclusiveMaximum\": 10}", .int64(10))
                == "- at '/a': exclusiveMaximum: got 10, want 10\n")
        #expect(Self.check("{\"multipleOf\": 0.1}", .float(0.3)) == nil)
        #expect(
            Self.check("{\"multipleOf\": 0.1}", .float(0.35))
                == "- at '/a': multipleOf: got 0.35, want 0.1\n")
        #expect(
            Self.check("{\"maximum\": 1000, \"multipleOf\": 0.5e1}", .float(1_234_567))
                == """
                - at '/a': maximum: got 1.234567×10⁰⁶, want 1,000
                - at '/a': multipleOf: got 1.234567×10⁰⁶, want 5

                """)
    }

    @Test func strings() {
        #expect(
            Self.check("{\"maxLength\": 2}", .string("ääää"))
                == "- at '/a': maxLength: got 4, want 2\n")
        #expect(
            Self.check("{\"minLength\": 1500}", .string("x"))
                == "- at '/a': minLength: got 1, want 1,500\n")
        #expect(
            Self.check("{\"pattern\": \"^a'b\\\\d$\"}", .string("x\"y'z\n"))
                == "- at '/a': 'x\"y\\'z\\n' does not match pattern '^a\\'b\\\\d$'\n")
        #expect(Self.check("{\"pattern\": \"^\\\\pL+$\"}", .string("ünï")) == nil)
    }

    @Test func draft2019KeepsItemLists() {
        let draft2019 = "\"$schema\": \"https://json-schema.org/draft/2019-09/schema\", "
        #expect(
            Self.check(
                "{\"items\": [{\"type\": \"string\"}], \"additionalItems\": false}",
                Self.list(1, 2), draft: draft2019)
                == "- at '/a/0': got number, want string\n- at '/a': last 1 additionalItem(s) not allowed\n"
        )
    }

    @Test func draft4ExclusiveBoundsAreFlags() {
        let draft4 = "\"$schema\": \"http://json-schema.org/draft-04/schema#\", "
        #expect(
            Self.check("{\"minimum\": 5, \"exclusiveMinimum\": true}", .float(5), draft: draft4)
                == "- at '/a': exclusiveMinimum: got 5, want 5\n")
        #expect(
            Self.check("{\"maximum\": 5, \"exclusiveMaximum\": true}", .float(6), draft: draft4)
                == "- at '/a': exclusiveMaximum: got 6, want 5\n")
    }

    @Test func formatsOnlyBeforeDraft2019() {
        #expect(Self.check("{\"format\": \"email\"}", .string("abc")) == nil)
        #expect(
            Self.check("{\"format\": \"email\"}", .string("abc"), draft: Self.draft7)
                == "- at '/a': 'abc' is not valid email: missing @\n")
        #expect(
            Self.check("{\"format\": \"ipv4\"}", .string("1.2.3"), draft: Self.draft7)
                == "- at '/a': '1.2.3' is not valid ipv4: expected four decimals\n")
        #expect(
            Self.check("{\"format\": \"date\"}", .string("2020-13-01"), draft: Self.draft7)
                == "- at '/a': '2020-13-01' is not valid date: parsing time \"2020-13-01\": month out of range\n"
        )
        #expect(
            Self.check(
                "{\"format\": \"date-time\"}", .string("2020-01-01T10:00:00Z"), draft: Self.draft7)
                == nil)
    }

    @Test func arrays() {
        #expect(
            Self.check("{\"uniqueItems\": true}", Self.list(1, 2, 3, 2, 1))
                == "- at '/a': items at 1 and 3 are equal\n")
        #expect(
            Self.check("{\"maxItems\": 2}", .list(Array(repeating: .null, count: 1200)))
                == "- at '/a': maxItems: got 1,200, want 2\n")
        #expect(
            Self.check("{\"minItems\": 3}", Self.list(1)) == "- at '/a': minItems: got 1, want 3\n")
        #expect(
            Self.check(
                "{\"items\": [{\"type\": \"string\"}], \"additionalItems\": false}",
                Self.list(1, 2, 3), draft: Self.draft7)
                    == """
                    - at '/a/0': got number, want string
                    - at '/a': last 2 additionalItem(s) not allowed

                    """)
        #expect(
            Self.check("{\"prefixItems\": [{\"type\": \"string\"}]}", Self.list(1, 2))
                == "- at '/a/0': got number, want string\n")
        #expect(
            Self.check("{\"contains\": {\"type\": \"string\"}}", Self.list(1, 2))
                == """
                - at '/a': no items match contains schema
                  - at '/a/0': got number, want string
                  - at '/a/1': got number, want string

                """)
    }

    @Test func objects() {
        let object: Value = .map(["xa": .float(1), "y": .float(2), "z": .float(3)])
        #expect(
            Self.check(
                "{\"patternProperties\": {\"^x\": {\"type\": \"string\"}}, \"additionalProperties\": false}",
                object)
                    == """
                    - at '/a/xa': got number, want string
                    - at '/a': additional properties 'y', 'z' not allowed

                    """)
        #expect(
            Self.check("{\"minProperties\": 4, \"maxProperties\": 0}", object)
                == """
                - at '/a': minProperties: got 3, want 4
                - at '/a': maxProperties: got 3, want 0

                """)
        #expect(
            Self.check("{\"propertyNames\": {\"maxLength\": 1}}", object)
                == """
                - at '': invalid propertyName 'xa'
                  - at '': maxLength: got 2, want 1

                """)
        #expect(
            Self.check("{\"required\": [\"y\", \"q\"]}", object)
                == "- at '/a': missing property 'q'\n")
        #expect(
            Self.check(
                "{\"dependencies\": {\"xa\": [\"b\", \"c\"], \"y\": {\"required\": [\"q\"]}}}",
                object)
                    == """
                    - at '/a': properties 'b', 'c' required, if 'xa' exists
                    - at '/a': missing property 'q'

                    """)
        #expect(
            Self.check("{\"dependentRequired\": {\"z\": [\"w\"]}}", object)
                == "- at '/a': properties 'w' required, if 'z' exists\n")
    }

    @Test func severalFailuresOfOneMemberAreGrouped() {
        let schema =
            "{\"required\": [\"b\"], \"properties\": {\"a\": {\"minimum\": 5, \"multipleOf\": 2}}}"
        #expect(
            ValuesSchema.check(Array(schema.utf8), values: ["a": .float(3)])
                == """
                - at '': missing property 'b'
                - at '/a': validation failed
                  - at '/a': minimum: got 3, want 5
                  - at '/a': multipleOf: got 3, want 2

                """)
    }

    @Test func combinators() {
        #expect(
            Self.check("{\"not\": {\"type\": \"number\"}}", .float(1))
                == "- at '/a': 'not' failed\n")
        #expect(
            Self.check("{\"anyOf\": [{\"type\": \"string\"}, {\"minimum\": 5}]}", .float(1))
                == """
                - at '/a': 'anyOf' failed
                  - at '/a': got number, want string
                  - at '/a': minimum: got 1, want 5

                """)
        #expect(
            Self.check("{\"oneOf\": [{\"type\": \"number\"}, {\"minimum\": 0}]}", .float(1))
                == "- at '/a': 'oneOf' failed, subschemas 0, 1 matched\n")
        #expect(
            Self.check("{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"boolean\"}]}", .float(1))
                == """
                - at '/a': 'oneOf' failed, none matched
                  - at '/a': got number, want string
                  - at '/a': got number, want boolean

                """)
        #expect(
            Self.check("{\"allOf\": [{\"type\": \"string\"}, true]}", .float(1))
                == "- at '/a': 'allOf' failed\n  - at '/a': got number, want string\n")
        let conditional =
            "{\"if\": {\"minimum\": 0}, \"then\": {\"maximum\": 1}, \"else\": {\"type\": \"string\"}}"
        #expect(Self.check(conditional, .float(2)) == "- at '/a': maximum: got 2, want 1\n")
        #expect(Self.check(conditional, .float(-2)) == "- at '/a': got number, want string\n")
        #expect(Self.check(conditional, .float(0.5)) == nil)
    }

    @Test func referencesAndBooleans() {
        let defs =
            "\"definitions\": {\"s\": {\"type\": \"string\"}}, \"$defs\": {\"s\": {\"type\": \"string\"}}"
        let seven =
            "{\(Self.draft7)\"properties\": {\"a\": {\"$ref\": \"#/definitions/s\", \"minimum\": 5}}, \(defs)}"
        #expect(
            ValuesSchema.check(Array(seven.utf8), values: ["a": .float(1)])
                == "- at '/a': got number, want string\n")
        let later = "{\"properties\": {\"a\": {\"$ref\": \"#/$defs/s\", \"minimum\": 5}}, \(defs)}"
        #expect(
            ValuesSchema.check(Array(later.utf8), values: ["a": .float(1)])
                == "- at '/a': got number, want string\n- at '/a': minimum: got 1, want 5\n")
        #expect(ValuesSchema.check(Array("true".utf8), values: ["a": .float(1)]) == nil)
        #expect(
            ValuesSchema.check(Array("false".utf8), values: ["a": .float(1)])
                == "- at '': false schema\n")
        #expect(Self.check("false", .float(1)) == "- at '/a': false schema\n")
        let recursive = "{\"properties\": {\"a\": {\"$ref\": \"#\"}}, \"type\": \"object\"}"
        #expect(
            ValuesSchema.check(Array(recursive.utf8), values: ["a": .map(["a": .float(1)])])
                == "- at '/a/a': got number, want object\n")
    }

    @Test func schemasThatCannotBeUsed() {
        #expect(ValuesSchema.check(Array("{\"type\": ".utf8), values: [:]) == "unexpected EOF")
        #expect(
            ValuesSchema.check(Array("{\"$ref\": \"#/definitions/nope\"}".utf8), values: [:])
                == "json-pointer in \"file:///values.schema.json#/definitions/nope\" not found")
        #expect(
            ValuesSchema.check(Array("{\"type\": \"foo\"}".utf8), values: [:])
                == """
                "file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'
                - at '': 'allOf' failed
                  - at '/type': 'anyOf' failed
                    - at '/type': value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'
                    - at '/type': got string, want array
                """)
        #expect(
            ValuesSchema.check(
                Array("{\(Self.draft7)\"minimum\": \"x\"}".utf8), values: [:])
                    == """
                    "file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with 'http://json-schema.org/draft-07/schema#'
                    - at '/minimum': got string, want number
                    """)
        #expect(ValuesSchema.check(Array(" \n".utf8), values: [:]) == "EOF")
        let draft4 =
            "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", "
            + "\"properties\": {\"a\": {\"exclusiveMinimum\": 5}}}"
        #expect(
            ValuesSchema.check(Array(draft4.utf8), values: [:])
                == """
                "file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with 'http://json-schema.org/draft-04/schema#'
                - at '/properties/a': validation failed
                  - at '/properties/a': properties 'minimum' required, if 'exclusiveMinimum' exists
                  - at '/properties/a/exclusiveMinimum': got number, want boolean
                """)
        #expect(
            ValuesSchema.check(
                Array("{\"properties\": {\"a\": {\"pattern\": \"(\"}}}".utf8), values: [:])
                    == """
                    "file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'
                    - at '': 'allOf' failed
                      - at '/properties/a': 'allOf' failed
                        - at '/properties/a/pattern': '(' is not valid regex: error parsing regexp: missing closing ): `(`
                    """)
        let remote = ValuesSchema.check(
            Array("{\"$ref\": \"https://example.com/s.json\"}".utf8), values: [:])
        #expect(remote?.hasPrefix("failing loading \"https://example.com/s.json\": ") == true)
    }

    @Test func subchartsCheckTheirOwnValues() throws {
        var parent = Chart(metadata: ChartMetadata())
        parent.metadata.name = "parent"
        parent.schema = .init("{\"required\": [\"top\"]}".utf8)
        var child = Chart(metadata: ChartMetadata())
        child.metadata.name = "child"
        child.schema = .init("{\"properties\": {\"port\": {\"type\": \"integer\"}}}".utf8)
        parent.dependencies = [child]
        #expect(throws: Never.self) {
            try ValuesSchema.validate(
                parent, values: ["top": .bool(true), "child": .map(["port": .float(80)])])
        }
        #expect(
            throws: HelmError(
                "values don't meet the specifications of the schema(s) in the following chart(s):\nparent:\n- at '': missing property 'top'\nchild:\n- at '/port': got string, want integer\n"
            )
        ) {
            try ValuesSchema.validate(parent, values: ["child": .map(["port": .string("80")])])
        }
        #expect(
            throws: HelmError(
                "values don't meet the specifications of the schema(s) in the following chart(s):\nchild:\ninvalid type for values: expected object (map), got string\n"
            )
        ) {
            try ValuesSchema.validate(parent, values: ["top": .float(1), "child": .string("x")])
        }
    }
}
