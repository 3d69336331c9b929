/// kustomize decodes a kustomization into Go structs through JSON, so a field that holds a
/// string refuses a boolean or number (`x: y` is a boolean in YAML 1.1). This checks the
/// string-typed fields and words the refusal as Go's decoder does.
enum KustomizationFields {
    static func check(_ kustomization: KValue) throws {
        for field in ["namespace", "namePrefix", "nameSuffix"] {
            try string(kustomization[field], "Kustomization.\(field)")
        }
        for field in ["commonLabels", "commonAnnotations"] {
            try stringMap(kustomization[field], "Kustomization.\(field)")
        }
        for entry in kustomization["labels"]?.listItems ?? [] {
            try stringMap(entry["pairs"], "Label.labels.pairs")
        }
        for entry in kustomization["images"]?.listItems ?? [] {
            for field in ["name", "newName", "newTag", "digest"] {
                try string(entry[field], "Image.images.\(field)")
            }
        }
        try stringMap(
            kustomization.value(at: ["generatorOptions", "labels"]),
            "GeneratorOptions.generatorOptions.labels")
        try stringMap(
            kustomization.value(at: ["generatorOptions", "annotations"]),
            "GeneratorOptions.generatorOptions.annotations")
        let generators = [
            ("configMapGenerator", "ConfigMapArgs"), ("secretGenerator", "SecretArgs"),
        ]
        for (field, owner) in generators {
            for entry in kustomization[field]?.listItems ?? [] {
                for list in ["literals", "files", "envs"] {
                    for item in entry[list]?.listItems ?? [] {
                        try string(item, "\(owner).\(field).\(list)")
                    }
                }
                for key in ["name", "namespace", "behavior", "env", "type"] {
                    try string(entry[key], "\(owner).\(field).\(key)")
                }
                for map in ["labels", "annotations"] {
                    try stringMap(
                        entry.value(at: ["options", map]),
                        "GeneratorOptions.\(field).options.\(map)")
                }
            }
        }
    }

    static func string(_ value: KValue?, _ field: String) throws {
        guard let value else { return }
        let type: String
        switch value {
        case .string, .null: return
        case .bool: type = "bool"
        case .int, .float: type = "number"
        case .map: type = "object"
        case .list: type = "array"
        }
        throw KustomizeError(
            "invalid Kustomization: json: cannot unmarshal \(type) into Go struct field "
                + "\(field) of type string")
    }

    static func stringMap(_ value: KValue?, _ field: String) throws {
        guard let pairs = value?.mapPairs else { return }
        for (_, item) in pairs { try string(item, field) }
    }
}
