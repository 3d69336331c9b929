/// Validates values against a compiled schema, keyword by keyword in the order
/// santhosh-tekuri/jsonschema v6 checks them, so the failures and their nesting are v6's.
/// Object members are visited in key order (v6 follows Go's random map order), so the output
/// is stable.
struct SchemaValidator {
    let schema: CompiledSchema

    /// The failures of `value` against the whole schema, nil when it is valid.
    func validate(_ value: Value) -> [SchemaFailure]? {
        guard let failure = check(schema.root, value, location: [], active: []) else { return nil }
        if case .group = failure.kind { return failure.causes }
        return [failure]
    }

    static func typeName(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int, .int64, .float: "number"
        case .string: "string"
        case .list: "array"
        case .map: "object"
        case .object(let object):
            object.marshalled.map(typeName) ?? "null"
        }
    }

    static func isInteger(_ value: Value) -> Bool {
        switch value {
        case .int, .int64: true
        case .float(let number): number.isFinite && number == number.rounded()
        default: false
        }
    }

    static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .int64(let number): Double(number)
        case .float(let number): number
        default: nil
        }
    }

    /// The number as Go's `%v` prints it, which v6 reads back as an exact rational.
    static func numberText(_ value: Value) -> String {
        switch value {
        case .int(let number): String(number)
        case .int64(let number): String(number)
        case .float(let number): FloatFormatter.format(number, "g", -1)
        default: "0"
        }
    }

    /// v6's `equals`: numbers by value, lists in order, maps by keys.
    static func equal(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count
                && a.allSatisfy { key, value in b[key].map { equal(value, $0) } ?? false }
        default:
            if let a = number(lhs), let b = number(rhs) { return a == b }
            return false
        }
    }

    /// `display` of a schema value in a message: strings quoted, numbers as written.
    static func display(_ value: SchemaJSON) -> String {
        switch value {
        case .null: "<nil>"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let text): text
        case .string(let text): SchemaFailure.quote(text)
        case .array, .object: "value"
        }
    }

    static let typeOrder = ["null", "boolean", "number", "integer", "string", "array", "object"]

    // MARK: - One schema

    func check(_ index: Int, _ value: Value, location: [String], active: [Int])
        -> SchemaFailure?
    {
        let node = schema.nodes[index]
        func failure(_ message: String) -> SchemaFailure {
            SchemaFailure(location: location, kind: .message(message))
        }
        if let boolean = node.boolean {
            return boolean ? nil : failure("false schema")
        }
        if active.contains(index) {
            return failure(
                "both \(node.location) and \(node.location) resolve to \"\(SchemaCompiler.documentURL)#\(node.location)\" causing reference cycle"
            )
        }
        let active = active + [index]
        var value = value
        if case .object(let object) = value { value = object.marshalled ?? .null }
        let type = Self.typeName(value)
        if !node.types.isEmpty {
            let matched =
                node.types.contains(type)
                || (node.types.contains("integer") && type == "number" && Self.isInteger(value))
            if !matched {
                let want = Self.typeOrder.filter { node.types.contains($0) }
                return failure("got \(type), want \(want.joined(separator: " or "))")
            }
        }
        if let constant = node.constant, !Self.equal(value, constant.plain) {
            switch constant {
            case .array, .object: return failure("'const' failed")
            default: return failure("value must be \(Self.display(constant))")
            }
        }
        if let enumeration = node.enumeration,
            !enumeration.contains(where: { Self.equal(value, $0.plain) })
        {
            if enumeration.contains(where: {
                if case .array = $0 { return true }
                if case .object = $0 { return true }
                return false
            }) {
                return failure("'enum' failed")
            }
            if enumeration.count == 1, let only = enumeration.first {
                return failure("value must be \(Self.display(only))")
            }
            return failure(
                "value must be one of " + enumeration.map(Self.display).joined(separator: ", "))
        }
        if let format = node.format, case .string(let text) = value,
            let problem = SchemaFormats.problem(format, text)
        {
            return failure("\(SchemaFailure.quote(text)) is not valid \(format): \(problem)")
        }
        var errors: [SchemaFailure] = []
        if let ref = node.ref {
            let result = reference(ref, value, location: location, active: active)
            if node.draft < 2019 { return result }
            if let result { errors.append(result) }
        }
        switch value {
        case .map(let map): object(node, map, location: location, active: active, into: &errors)
        case .list(let list): array(node, list, location: location, active: active, into: &errors)
        case .string(let text): string(node, text, location: location, into: &errors)
        case .int, .int64, .float: numeric(node, value, location: location, into: &errors)
        default: break
        }
        conditions(node, value, location: location, active: active, into: &errors)
        switch errors.count {
        case 0: return nil
        case 1: return errors[0]
        default: return SchemaFailure(location: location, kind: .group, causes: errors)
        }
    }

    func reference(_ target: Int, _ value: Value, location: [String], active: [Int])
        -> SchemaFailure?
    {
        guard let failure = check(target, value, location: location, active: active) else {
            return nil
        }
        var causes = [failure]
        if case .group = failure.kind { causes = failure.causes }
        return SchemaFailure(location: location, kind: .reference, causes: causes)
    }

    /// A subschema on a member or element: a new instance location, no active cycle.
    func member(_ index: Int, _ value: Value, location: [String], _ token: String)
        -> SchemaFailure?
    {
        check(index, value, location: location + [token], active: [])
    }

    func missing(_ map: [String: Value], _ names: [String]) -> [String] {
        names.filter { map[$0] == nil }
    }

    /// `minItems: got 3, want 4` (or `max…`) when `count` is out of the bounds.
    static func count(_ noun: String, _ count: Int, _ minimum: Int?, _ maximum: Int?) -> [String] {
        let got = "got \(SchemaNumbers.integer(count)), want "
        var messages: [String] = []
        if let minimum, count < minimum {
            messages.append("min\(noun): " + got + SchemaNumbers.integer(minimum))
        }
        if let maximum, count > maximum {
            messages.append("max\(noun): " + got + SchemaNumbers.integer(maximum))
        }
        return messages
    }

    static func quotedList(_ names: [String]) -> String {
        names.map(SchemaFailure.quote).joined(separator: ", ")
    }

    // MARK: - Keywords by type

    func object(
        _ node: SchemaNode, _ map: [String: Value], location: [String], active: [Int],
        into errors: inout [SchemaFailure]
    ) {
        func add(_ message: String) {
            errors.append(SchemaFailure(location: location, kind: .message(message)))
        }
        Self.count("Properties", map.count, node.minProperties, node.maxProperties).forEach(add)
        let absent = missing(map, node.required)
        if absent.count == 1 {
            add("missing property \(SchemaFailure.quote(absent[0]))")
        } else if absent.count > 1 {
            add("missing properties \(Self.quotedList(absent))")
        }
        for (name, dependency) in node.dependencies where map[name] != nil {
            switch dependency {
            case .names(let names):
                let absent = missing(map, names)
                if !absent.isEmpty {
                    add(
                        "properties \(Self.quotedList(absent)) required, if \(SchemaFailure.quote(name)) exists"
                    )
                }
            case .schema(let index):
                if let failure = check(index, .map(map), location: location, active: active) {
                    errors.append(failure)
                }
            }
        }
        var additional: [String] = []
        for key in map.keys.sorted() {
            guard let item = map[key] else { continue }
            var evaluated = false
            if let index = node.properties[key] {
                evaluated = true
                if let failure = member(index, item, location: location, key) {
                    errors.append(failure)
                }
            }
            for pattern in node.patternProperties where pattern.regex.firstMatch(key) != nil {
                evaluated = true
                if let failure = member(pattern.schema, item, location: location, key) {
                    errors.append(failure)
                }
            }
            if !evaluated, let rule = node.additionalProperties {
                switch rule {
                case .allowed(let allowed):
                    if !allowed { additional.append(key) }
                case .schema(let index):
                    if let failure = member(index, item, location: location, key) {
                        errors.append(failure)
                    }
                }
            }
        }
        if !additional.isEmpty {
            add("additional properties \(Self.quotedList(additional)) not allowed")
        }
        if node.draft == 4 { return }
        if let names = node.propertyNames {
            for key in map.keys.sorted() {
                if let failure = check(names, .string(key), location: [], active: []) {
                    var causes = [failure]
                    if case .group = failure.kind { causes = failure.causes }
                    errors.append(
                        SchemaFailure(
                            location: [],
                            kind: .message("invalid propertyName \(SchemaFailure.quote(key))"),
                            causes: causes))
                }
            }
        }
        if node.draft == 6 { return }
        for (name, index) in node.dependentSchemas where map[name] != nil {
            if let failure = check(index, .map(map), location: location, active: active) {
                errors.append(failure)
            }
        }
        for (name, names) in node.dependentRequired where map[name] != nil {
            let absent = missing(map, names)
            if !absent.isEmpty {
                add(
                    "properties \(Self.quotedList(absent)) required, if \(SchemaFailure.quote(name)) exists"
                )
            }
        }
    }

    func array(
        _ node: SchemaNode, _ list: [Value], location: [String], active: [Int],
        into errors: inout [SchemaFailure]
    ) {
        func add(_ message: String) {
            errors.append(SchemaFailure(location: location, kind: .message(message)))
        }
        Self.count("Items", list.count, node.minItems, node.maxItems).forEach(add)
        if node.uniqueItems && list.count > 1 {
            search: for later in 1..<list.count {
                for earlier in 0..<later where Self.equal(list[earlier], list[later]) {
                    add("items at \(earlier) and \(later) are equal")
                    break search
                }
            }
        }
        func each(_ index: Int, from start: Int, to end: Int) {
            for position in start..<end {
                if let failure = member(index, list[position], location: location, String(position))
                {
                    errors.append(failure)
                }
            }
        }
        if node.draft < 2020 {
            var evaluated = 0
            switch node.items {
            case .one(let index)?:
                each(index, from: 0, to: list.count)
                evaluated = list.count
            case .list(let indexes)?:
                evaluated = min(list.count, indexes.count)
                for position in 0..<evaluated {
                    if let failure = member(
                        indexes[position], list[position], location: location, String(position))
                    {
                        errors.append(failure)
                    }
                }
            case nil:
                break
            }
            switch node.additionalItems {
            case .allowed(false)? where evaluated != list.count:
                add("last \(list.count - evaluated) additionalItem(s) not allowed")
            case .schema(let index)?:
                each(index, from: evaluated, to: list.count)
            default:
                break
            }
        } else {
            let evaluated = min(node.prefixItems.count, list.count)
            for position in 0..<evaluated {
                if let failure = member(
                    node.prefixItems[position], list[position], location: location,
                    String(position))
                {
                    errors.append(failure)
                }
            }
            if let index = node.items2020 { each(index, from: evaluated, to: list.count) }
        }
        if let contains = node.contains {
            var failures: [SchemaFailure] = []
            var matched: [Int] = []
            for (position, item) in list.enumerated() {
                if let failure = member(contains, item, location: location, String(position)) {
                    failures.append(failure)
                } else {
                    matched.append(position)
                }
            }
            let positions = matched.map(String.init).joined(separator: " ")
            if let minimum = node.minContains {
                if matched.count < minimum {
                    let text =
                        matched.isEmpty
                        ? "min \(SchemaNumbers.integer(minimum)) items required to match contains schema, but none matched"
                        : "min \(SchemaNumbers.integer(minimum)) items required to match contains schema, but matched \(SchemaNumbers.integer(matched.count)) items at \(positions)"
                    errors.append(
                        SchemaFailure(location: location, kind: .message(text), causes: failures))
                }
            } else if matched.isEmpty {
                errors.append(
                    SchemaFailure(
                        location: location, kind: .message("no items match contains schema"),
                        causes: failures))
            }
            if let maximum = node.maxContains, matched.count > maximum {
                add(
                    "max \(SchemaNumbers.integer(maximum)) items required to match contains schema, but matched \(SchemaNumbers.integer(matched.count)) items at \(positions)"
                )
            }
        }
    }

    func string(
        _ node: SchemaNode, _ text: String, location: [String], into errors: inout [SchemaFailure]
    ) {
        func add(_ message: String) {
            errors.append(SchemaFailure(location: location, kind: .message(message)))
        }
        let length = text.unicodeScalars.count
        Self.count("Length", length, node.minLength, node.maxLength).forEach(add)
        if let pattern = node.pattern, pattern.regex.firstMatch(text) == nil {
            add(
                "\(SchemaFailure.quote(text)) does not match pattern \(SchemaFailure.quote(pattern.source))"
            )
        }
    }

    func numeric(
        _ node: SchemaNode, _ value: Value, location: [String], into errors: inout [SchemaFailure]
    ) {
        guard let number = Self.number(value) else { return }
        let text = Self.numberText(value)
        func add(_ keyword: String, _ want: String) {
            let message =
                "\(keyword): got \(SchemaNumbers.float(Double(text) ?? number)), want \(SchemaNumbers.float(Double(want) ?? 0))"
            errors.append(SchemaFailure(location: location, kind: .message(message)))
        }
        if let minimum = node.minimum, let bound = Double(minimum), number < bound {
            add("minimum", minimum)
        }
        if let maximum = node.maximum, let bound = Double(maximum), number > bound {
            add("maximum", maximum)
        }
        if let minimum = node.exclusiveMinimum, let bound = Double(minimum), number <= bound {
            add("exclusiveMinimum", minimum)
        }
        if let maximum = node.exclusiveMaximum, let bound = Double(maximum), number >= bound {
            add("exclusiveMaximum", maximum)
        }
        if let step = node.multipleOf, !SchemaNumbers.isMultiple(text, of: step) {
            add("multipleOf", step)
        }
    }

    func conditions(
        _ node: SchemaNode, _ value: Value, location: [String], active: [Int],
        into errors: inout [SchemaFailure]
    ) {
        func run(_ index: Int) -> SchemaFailure? {
            check(index, value, location: location, active: active)
        }
        if let not = node.not, run(not) == nil {
            errors.append(SchemaFailure(location: location, kind: .message("'not' failed")))
        }
        if !node.allOf.isEmpty {
            let failures = node.allOf.compactMap(run)
            if !failures.isEmpty {
                errors.append(
                    SchemaFailure(
                        location: location, kind: .message("'allOf' failed"), causes: failures))
            }
        }
        if !node.anyOf.isEmpty {
            var failures: [SchemaFailure] = []
            var matched = false
            for index in node.anyOf {
                if let failure = run(index) {
                    failures.append(failure)
                } else {
                    matched = true
                    break
                }
            }
            if !matched {
                errors.append(
                    SchemaFailure(
                        location: location, kind: .message("'anyOf' failed"), causes: failures))
            }
        }
        if !node.oneOf.isEmpty {
            var failures: [SchemaFailure] = []
            var matched: Int?
            for (position, index) in node.oneOf.enumerated() {
                if let failure = run(index) {
                    if matched == nil { failures.append(failure) }
                } else if let first = matched {
                    errors.append(
                        SchemaFailure(
                            location: location,
                            kind: .message(
                                "'oneOf' failed, subschemas \(first), \(position) matched")))
                    break
                } else {
                    matched = position
                }
            }
            if matched == nil {
                errors.append(
                    SchemaFailure(
                        location: location, kind: .message("'oneOf' failed, none matched"),
                        causes: failures))
            }
        }
        if let condition = node.ifSchema {
            if run(condition) == nil {
                if let then = node.thenSchema, let failure = run(then) { errors.append(failure) }
            } else if let otherwise = node.elseSchema, let failure = run(otherwise) {
                errors.append(failure)
            }
        }
    }
}
