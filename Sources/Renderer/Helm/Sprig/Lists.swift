/// Sprig's list functions (`list.go`): each `mustX` returns `(T, error)`; each `X` panics with
/// the same message, which `text/template` reports as the same error.
enum SprigLists {
    static func functions() -> FunctionMap {
        var map: FunctionMap = [:]
        let list = Function.pure([], variadic: .any) { .list($0) }
        map["list"] = list
        map["tuple"] = list
        both(&map, "append", [.any, .any]) { arguments in
            .list(try elements(arguments.value(0), "Cannot push on type") + [arguments.value(1)])
        }
        map["push"] = map["append"]
        map["mustPush"] = map["mustAppend"]
        both(&map, "prepend", [.any, .any]) { arguments in
            .list(
                [arguments.value(1)] + (try elements(arguments.value(0), "Cannot prepend on type")))
        }
        both(&map, "first", [.any]) { arguments in
            try elements(arguments.value(0), "Cannot find first on type").first ?? .null
        }
        both(&map, "last", [.any]) { arguments in
            try elements(arguments.value(0), "Cannot find last on type").last ?? .null
        }
        both(&map, "rest", [.any]) { arguments in
            let items = try elements(arguments.value(0), "Cannot find rest on type")
            return .list(Array(items.dropFirst()))
        }
        both(&map, "initial", [.any]) { arguments in
            let items = try elements(arguments.value(0), "Cannot find initial on type")
            return .list(Array(items.dropLast()))
        }
        both(&map, "reverse", [.any]) { arguments in
            .list(try elements(arguments.value(0), "Cannot find reverse on type").reversed())
        }
        both(&map, "compact", [.any]) { arguments in
            .list(
                try elements(arguments.value(0), "Cannot compact on type").filter {
                    !Cast.isEmpty($0)
                })
        }
        both(&map, "uniq", [.any]) { arguments in
            var unique: [Value] = []
            for item in try elements(arguments.value(0), "Cannot find uniq on type")
            where !unique.contains(where: { $0.deepEquals(item) }) {
                unique.append(item)
            }
            return .list(unique)
        }
        both(&map, "without", [.any], variadic: .any) { arguments in
            let omit = Array(arguments.dropFirst())
            return .list(
                try elements(arguments.value(0), "Cannot find without on type").filter { item in
                    !omit.contains { $0.deepEquals(item) }
                })
        }
        both(&map, "has", [.any, .any]) { arguments in
            if case .null = arguments.value(1) { return .bool(false) }
            let items = try elements(arguments.value(1), "Cannot find has on type")
            return .bool(items.contains { $0.deepEquals(arguments.value(0)) })
        }
        both(&map, "slice", [.any], variadic: .any) { arguments in
            let value = arguments.value(0)
            let items = try elements(
                value, "list should be type of slice or array but", colon: false)
            if items.isEmpty { return .null }
            let start = arguments.count > 1 ? Cast.int(arguments[1]) : 0
            let end = arguments.count > 2 ? Cast.int(arguments[2]) : items.count
            guard start >= 0, end >= start, end <= items.count else {
                throw FunctionError("reflect.Value.Slice: slice index out of bounds")
            }
            let part = Array(items[start..<end])
            if case .object(let strings as GoStringSlice) = value {
                return .object(GoStringSlice(Array(strings.strings[start..<end])))
            }
            return .list(part)
        }
        both(&map, "chunk", [.int, .any]) { arguments in
            let size = arguments.int(0)
            let items = try elements(arguments.value(1), "Cannot chunk type")
            guard size != 0 else {
                throw FunctionError("runtime error: makeslice: len out of range")
            }
            guard !items.isEmpty, size > 0 else {
                return .object(
                    GoTypedSlice("[][]interface {}", items.isEmpty ? [] : [.list(items)]))
            }
            return .object(
                GoTypedSlice(
                    "[][]interface {}",
                    stride(from: 0, to: items.count, by: size).map {
                        .list(Array(items[$0..<Swift.min($0 + size, items.count)]))
                    }))
        }
        map["concat"] = .failing([], variadic: .any) { arguments in
            var result: [Value] = []
            for argument in arguments {
                guard let items = Cast.sliceElements(argument) else {
                    if case .null = argument { throw nilDereference }
                    throw FunctionError("Cannot concat type \(Cast.kind(argument)) as list")
                }
                result += items
            }
            return .list(result)
        }
        map["sortAlpha"] = .pure([.any]) { arguments in
            let value = arguments.value(0)
            guard Cast.sliceElements(value) != nil else {
                return .object(GoStringSlice([Cast.string(value)]))
            }
            return .object(
                GoStringSlice(
                    strings(value).sorted {
                        Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
                    }))
        }
        map["join"] = .pure([.string, .any]) { arguments in
            .string(strings(arguments.value(1)).joined(separator: arguments.string(0)))
        }
        map["toStrings"] = .pure([.any]) { .object(GoStringSlice(strings($0.value(0)))) }
        map["splitList"] = .pure([.string, .string]) {
            .object(GoStringSlice(GoStrings.split($0.string(1), $0.string(0))))
        }
        map["split"] = .pure([.string, .string]) { arguments in
            indexed(GoStrings.split(arguments.string(1), arguments.string(0)))
        }
        map["splitn"] = .pure([.string, .int, .string]) { arguments in
            indexed(GoStrings.split(arguments.string(2), arguments.string(0), arguments.int(1)))
        }
        return map
    }

    static let nilDereference = FunctionError(
        "runtime error: invalid memory address or nil pointer dereference")

    static func indexed(_ parts: [String]) -> Value {
        var entries: [String: String] = [:]
        for (index, part) in parts.enumerated() { entries["_\(index)"] = part }
        return .object(GoStringMap(entries))
    }

    /// Sprig's `strslice`: a `[]string` as it is; other slices' non-nil elements through
    /// `strval`; nil is empty; anything else is a one-element list.
    static func strings(_ value: Value) -> [String] {
        if case .object(let slice as GoStringSlice) = value { return slice.strings }
        if let items = Cast.sliceElements(value) {
            return items.compactMap { item in
                if case .null = item { return nil }
                return Cast.string(item)
            }
        }
        if case .null = value { return [] }
        return [Cast.string(value)]
    }

    static func elements(_ value: Value, _ message: String, colon: Bool = false) throws -> [Value] {
        if let items = Cast.sliceElements(value) { return items }
        if case .null = value { throw nilDereference }
        throw FunctionError("\(message) \(Cast.kind(value))")
    }

    /// Registers `name` (Go: panics) and `mustName` (Go: returns the error).
    static func both(
        _ map: inout FunctionMap, _ name: String, _ parameters: [GoType], variadic: GoType? = nil,
        _ body: @escaping @Sendable ([Value]) throws -> Value
    ) {
        map[name] = .failing(parameters, variadic: variadic, body)
        let must = "must" + name.prefix(1).uppercased() + name.dropFirst()
        map[must] = .failing(parameters, variadic: variadic, body)
    }
}
