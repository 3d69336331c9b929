import Foundation

/// What a schema must look like to compile, as the drafts' metaschemas say (written here in
/// short: the keywords' types and subschemas, not their annotations). Helm's validator checks
/// every values schema against its draft's metaschema first; these reproduce its failures.
enum Metaschemas {
    static let common2020 = #"""
        "schemaArray": {"type": "array", "minItems": 1, "items": {"$ref": "#"}},
        "nonNegativeInteger": {"type": "integer", "minimum": 0},
        "count": {"$ref": "#/$defs/nonNegativeInteger"},
        "stringArray": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
        "simpleTypes": {"enum": ["array", "boolean", "integer", "null", "number", "object", "string"]},
        "schemaMap": {"type": "object", "additionalProperties": {"$ref": "#"}}
        """#

    /// Draft 2020-12 (and 2019-09): an `allOf` of the vocabularies' metaschemas.
    static let draft2020 = #"""
        {
          "type": ["object", "boolean"],
          "allOf": [
            {"$ref": "#/$defs/core"}, {"$ref": "#/$defs/applicator"},
            {"$ref": "#/$defs/unevaluated"}, {"$ref": "#/$defs/validation"},
            {"$ref": "#/$defs/metadata"}, {"$ref": "#/$defs/format"}, {"$ref": "#/$defs/content"}
          ],
          "properties": {
            "definitions": {"$ref": "#/$defs/schemaMap"},
            "dependencies": {"type": "object", "additionalProperties":
              {"anyOf": [{"$ref": "#"}, {"$ref": "#/$defs/stringArray"}]}}
          },
          "$defs": {
            "core": {"type": ["object", "boolean"], "properties": {
              "$id": {"type": "string"}, "$schema": {"type": "string"},
              "$ref": {"type": "string"}, "$anchor": {"type": "string"},
              "$dynamicRef": {"type": "string"}, "$dynamicAnchor": {"type": "string"},
              "$comment": {"type": "string"}, "$defs": {"$ref": "#/$defs/schemaMap"}}},
            "applicator": {"type": ["object", "boolean"], "properties": {
              "prefixItems": {"$ref": "#/$defs/schemaArray"}, "items": {"$ref": "#"},
              "contains": {"$ref": "#"}, "additionalProperties": {"$ref": "#"},
              "properties": {"$ref": "#/$defs/schemaMap"},
              "patternProperties": {"$ref": "#/$defs/schemaMap", "propertyNames": {"format": "regex"}},
              "dependentSchemas": {"$ref": "#/$defs/schemaMap"},
              "propertyNames": {"$ref": "#"}, "if": {"$ref": "#"}, "then": {"$ref": "#"},
              "else": {"$ref": "#"}, "allOf": {"$ref": "#/$defs/schemaArray"},
              "anyOf": {"$ref": "#/$defs/schemaArray"}, "oneOf": {"$ref": "#/$defs/schemaArray"},
              "not": {"$ref": "#"}}},
            "unevaluated": {"type": ["object", "boolean"], "properties": {
              "unevaluatedItems": {"$ref": "#"}, "unevaluatedProperties": {"$ref": "#"}}},
            "validation": {"type": ["object", "boolean"], "properties": {
              "type": {"anyOf": [{"$ref": "#/$defs/simpleTypes"}, {"type": "array",
                "items": {"$ref": "#/$defs/simpleTypes"}, "minItems": 1, "uniqueItems": true}]},
              "enum": {"type": "array"},
              "multipleOf": {"type": "number", "exclusiveMinimum": 0},
              "maximum": {"type": "number"}, "exclusiveMaximum": {"type": "number"},
              "minimum": {"type": "number"}, "exclusiveMinimum": {"type": "number"},
              "maxLength": {"$ref": "#/$defs/count"}, "minLength": {"$ref": "#/$defs/count"},
              "pattern": {"type": "string", "format": "regex"},
              "maxItems": {"$ref": "#/$defs/count"}, "minItems": {"$ref": "#/$defs/count"},
              "uniqueItems": {"type": "boolean"},
              "maxContains": {"$ref": "#/$defs/count"}, "minContains": {"$ref": "#/$defs/count"},
              "maxProperties": {"$ref": "#/$defs/count"},
              "minProperties": {"$ref": "#/$defs/count"},
              "required": {"$ref": "#/$defs/stringArray"},
              "dependentRequired": {"type": "object",
                "additionalProperties": {"$ref": "#/$defs/stringArray"}}}},
            "metadata": {"type": ["object", "boolean"], "properties": {
              "title": {"type": "string"}, "description": {"type": "string"},
              "deprecated": {"type": "boolean"}, "readOnly": {"type": "boolean"},
              "writeOnly": {"type": "boolean"}, "examples": {"type": "array"}}},
            "format": {"type": ["object", "boolean"], "properties": {"format": {"type": "string"}}},
            "content": {"type": ["object", "boolean"], "properties": {
              "contentEncoding": {"type": "string"}, "contentMediaType": {"type": "string"},
              "contentSchema": {"$ref": "#"}}},
        """# + common2020 + "\n  }\n}\n"

    /// Drafts 4, 6 and 7: one flat list of keywords.
    static func draft7(exclusiveAsBoolean: Bool) -> String {
        let exclusive = exclusiveAsBoolean ? #"{"type": "boolean"}"# : #"{"type": "number"}"#
        let dependencies =
            exclusiveAsBoolean
            ? #""dependencies": {"exclusiveMaximum": ["maximum"], "exclusiveMinimum": ["minimum"]},"#
            : ""
        return #"""
            {
              "type": ["object", "boolean"],
            """# + dependencies + #"""
                  "properties": {
                    "$id": {"type": "string"}, "$schema": {"type": "string"},
                    "$ref": {"type": "string"}, "$comment": {"type": "string"},
                    "title": {"type": "string"}, "description": {"type": "string"},
                    "readOnly": {"type": "boolean"}, "writeOnly": {"type": "boolean"},
                    "examples": {"type": "array"},
                    "multipleOf": {"type": "number", "exclusiveMinimum": 0},
                    "maximum": {"type": "number"}, "minimum": {"type": "number"},
                """# + "\"exclusiveMaximum\": \(exclusive), \"exclusiveMinimum\": \(exclusive),"
                    + #"""
                        "maxLength": {"$ref": "#/definitions/count"},
                        "minLength": {"$ref": "#/definitions/count"},
                        "pattern": {"type": "string", "format": "regex"},
                        "additionalItems": {"$ref": "#"},
                        "items": {"anyOf": [{"$ref": "#"}, {"$ref": "#/definitions/schemaArray"}]},
                        "maxItems": {"$ref": "#/definitions/count"},
                        "minItems": {"$ref": "#/definitions/count"},
                        "uniqueItems": {"type": "boolean"}, "contains": {"$ref": "#"},
                        "maxProperties": {"$ref": "#/definitions/count"},
                        "minProperties": {"$ref": "#/definitions/count"},
                        "required": {"$ref": "#/definitions/stringArray"},
                        "additionalProperties": {"$ref": "#"},
                        "definitions": {"$ref": "#/definitions/schemaMap"},
                        "properties": {"$ref": "#/definitions/schemaMap"},
                        "patternProperties": {"$ref": "#/definitions/schemaMap",
                      "propertyNames": {"format": "regex"}},
                        "dependencies": {"type": "object", "additionalProperties":
                          {"anyOf": [{"$ref": "#"}, {"$ref": "#/definitions/stringArray"}]}},
                        "propertyNames": {"$ref": "#"},
                        "enum": {"type": "array"},
                        "type": {"anyOf": [{"$ref": "#/definitions/simpleTypes"}, {"type": "array",
                          "items": {"$ref": "#/definitions/simpleTypes"}, "minItems": 1,
                          "uniqueItems": true}]},
                        "format": {"type": "string"},
                        "contentMediaType": {"type": "string"}, "contentEncoding": {"type": "string"},
                        "if": {"$ref": "#"}, "then": {"$ref": "#"}, "else": {"$ref": "#"},
                        "allOf": {"$ref": "#/definitions/schemaArray"},
                        "anyOf": {"$ref": "#/definitions/schemaArray"},
                        "oneOf": {"$ref": "#/definitions/schemaArray"}, "not": {"$ref": "#"}
                      },
                      "definitions": {
                    """# + common2020.replacingOccurrences(of: "#/$defs/", with: "#/definitions/")
                + "\n  }\n}\n"
    }

    /// The failures of `document` against its draft's metaschema, nil when it is a valid
    /// schema.
    static func check(_ document: SchemaJSON, draft: Int) -> [SchemaFailure]? {
        var text = draft >= 2019 ? draft2020 : draft7(exclusiveAsBoolean: draft == 4)
        if draft == 2019 {
            // 2019-09 still has `items` as a list and `additionalItems`.
            text = text.replacingOccurrences(
                of: ##""items": {"$ref": "#"},"##,
                with:
                    ##""items": {"anyOf": [{"$ref": "#"}, {"$ref": "#/$defs/schemaArray"}]}, "additionalItems": {"$ref": "#"},"##
            )
        }
        guard let meta = try? SchemaJSON.parse(Array(text.utf8)),
            let compiled = try? SchemaCompiler.compile(
                meta, draft: draft >= 2019 ? 2020 : 7, assertFormat: true)
        else { return nil }
        return SchemaValidator(schema: compiled).validate(document.plain)
    }
}
