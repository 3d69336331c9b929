/// Sprig's dictionary functions (`dict.go`) and mergo's merge rules.
enum SprigDicts {
    static func functions() -> FunctionMap {
        var map: FunctionMap = [:]
        map["dict"] = .pure([], variadic: .any) { arguments in
            var dictionary: [String: Value] = [:]
            var index = 0
            while index < arguments.count {
                let key = Cast.string(arguments[index])
                dictionary[key] = index + 1 < arguments.count ? arguments[index + 1] : .string("")
                index += 2
            }
            return .map(dictionary)
        }
        map["get"] = .pure([.map, .string]) { $0.map(0)[$0.string(1)] ?? .string("") }
        var set = Function.pure([.map, .string, .any]) { arguments in
            var dictionary = arguments.map(0)
            dictionary[arguments.string(1)] = arguments.value(2)
            return .map(dictionary)
        }
        set.mutatesArgument = 0
        map["set"] = set
        var unset = Function.pure([.map, .string]) { arguments in
            var dictionary = arguments.map(0)
            dictionary[arguments.string(1)] = nil
            return .map(dictionary)
        }
        unset.mutatesArgument = 0
        map["unset"] = unset
        map["hasKey"] = .pure([.map, .string]) { .bool($0.map(0)[$0.string(1)] != nil) }
        map["pluck"] = .pure([.string], variadic: .map) { arguments in
            let key = arguments.string(0)
            return .list(arguments.indices.dropFirst().compactMap { arguments.map($0)[key] })
        }
        map["keys"] = .pure([], variadic: .map) { arguments in
            .object(GoStringSlice(arguments.indices.flatMap { arguments.map($0).keys.sorted() }))
        }
        map["values"] = .pure([.map]) { arguments in
            let dictionary = arguments.map(0)
            return .list(dictionary.keys.sorted().compactMap { dictionary[$0] })
        }
        map["pick"] = .pure([.map], variadic: .string) { arguments in
            let dictionary = arguments.map(0)
            var picked: [String: Value] = [:]
            for index in arguments.indices.dropFirst() {
                let key = arguments.string(index)
                if let value = dictionary[key] { picked[key] = value }
            }
            return .map(picked)
        }
        map["omit"] = .pure([.map], variadic: .string) { arguments in
            var dictionary = arguments.map(0)
            for index in arguments.indices.dropFirst() { dictionary[arguments.string(index)] = nil }
            return .map(dictionary)
        }
        for (name, overwrite, canFail) in [
            ("merge", false, false), ("mustMerge", false, true),
            ("mergeOverwrite", true, false), ("mustMergeOverwrite", true, true),
        ] {
            var function = Function([.map], variadic: .map, canFail: canFail) { arguments, _ in
                var destination = arguments.map(0)
                for index in arguments.indices.dropFirst() {
                    merge(&destination, arguments.map(index), overwrite: overwrite)
                }
                return .map(destination)
            }
            function.mutatesArgument = 0
            map[name] = function
        }
        map["dig"] = .failing([], variadic: .any) { arguments in
            guard arguments.count >= 3 else {
                throw FunctionError("dig needs at least three arguments")
            }
            guard case .map(var dictionary) = arguments[arguments.count - 1] else {
                throw conversion(arguments[arguments.count - 1], "map[string]interface {}")
            }
            let fallback = arguments[arguments.count - 2]
            var keys: [String] = []
            for key in arguments.dropLast(2) {
                guard case .string(let string) = key else { throw conversion(key, "string") }
                keys.append(string)
            }
            for (position, key) in keys.enumerated() {
                guard let step = dictionary[key] else { return fallback }
                if position == keys.count - 1 { return step }
                guard case .map(let next) = step else {
                    throw conversion(step, "map[string]interface {}")
                }
                dictionary = next
            }
            return fallback
        }
        map["deepCopy"] = .pure([.any]) { $0.value(0) }
        map["mustDeepCopy"] = .failing([.any]) { $0.value(0) }
        return map
    }

    /// Go's failed type assertion panic text.
    static func conversion(_ value: Value, _ wanted: String) -> FunctionError {
        if case .null = value {
            return FunctionError("interface conversion: interface {} is nil, not \(wanted)")
        }
        return FunctionError(
            "interface conversion: interface {} is \(value.goTypeName), not \(wanted)")
    }

    /// mergo's `Merge` (and `MergeWithOverwrite`) of one map into another: maps merge
    /// recursively; otherwise a source value fills a missing or empty destination value, or
    /// replaces it when overwriting; a nil source value only counts when overwriting.
    static func merge(
        _ destination: inout [String: Value], _ source: [String: Value], overwrite: Bool
    ) {
        for (key, value) in source {
            let existing = destination[key]
            if case .null = value {
                if overwrite { destination[key] = .null }
                continue
            }
            if case .map(let sourceMap) = value, case .map(var destinationMap)? = existing {
                merge(&destinationMap, sourceMap, overwrite: overwrite)
                destination[key] = .map(destinationMap)
                continue
            }
            guard let existing else {
                destination[key] = value
                continue
            }
            if overwrite || Cast.isEmpty(existing) {
                destination[key] = value
            }
        }
    }
}
