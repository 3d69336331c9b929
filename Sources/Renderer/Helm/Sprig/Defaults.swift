/// Sprig's defaults, reflection, path, flow and network functions.
enum SprigDefaults {
    static func functions() -> FunctionMap {
        var map: FunctionMap = [:]
        map["default"] = .pure([.any], variadic: .any) { arguments in
            guard arguments.count > 1, !Cast.isEmpty(arguments[1]) else {
                return arguments.value(0)
            }
            return arguments[1]
        }
        map["empty"] = .pure([.any]) { .bool(Cast.isEmpty($0.value(0))) }
        map["coalesce"] = .pure([], variadic: .any) { arguments in
            arguments.first { !Cast.isEmpty($0) } ?? .null
        }
        map["all"] = .pure([], variadic: .any) { .bool($0.allSatisfy { !Cast.isEmpty($0) }) }
        map["any"] = .pure([], variadic: .any) { .bool($0.contains { !Cast.isEmpty($0) }) }
        map["ternary"] = .pure([.any, .any, .bool]) { arguments in
            if case .bool(true) = arguments.value(2) { return arguments.value(0) }
            return arguments.value(1)
        }
        map["typeOf"] = .pure([.any]) { .string($0.value(0).goTypeName) }
        map["typeIs"] = .pure([.string, .any]) { .bool($0.string(0) == $0.value(1).goTypeName) }
        map["typeIsLike"] = .pure([.string, .any]) { arguments in
            let type = arguments.value(1).goTypeName
            let target = arguments.string(0)
            return .bool(target == type || "*" + target == type)
        }
        map["kindOf"] = .pure([.any]) { .string(Cast.kind($0.value(0))) }
        map["kindIs"] = .pure([.string, .any]) { .bool($0.string(0) == Cast.kind($0.value(1))) }
        map["deepEqual"] = .pure([.any, .any]) { .bool($0.value(0).deepEquals($0.value(1))) }
        map["fail"] = .failing([.string]) { throw FunctionError($0.string(0)) }
        map["getHostByName"] = .pure([.string]) { _ in .string("") }
        for prefix in ["", "os"] {
            func name(_ base: String) -> String {
                prefix.isEmpty ? base : prefix + base.prefix(1).uppercased() + base.dropFirst()
            }
            map[name("base")] = .pure([.string]) { .string(GoPath.base($0.string(0))) }
            map[name("dir")] = .pure([.string]) { .string(GoPath.dir($0.string(0))) }
            map[name("clean")] = .pure([.string]) { .string(GoPath.clean($0.string(0))) }
            map[name("ext")] = .pure([.string]) { .string(GoPath.ext($0.string(0))) }
            map[name("isAbs")] = .pure([.string]) { .bool($0.string(0).hasPrefix("/")) }
        }
        return map
    }
}

/// Go's `path` package (and `path/filepath` on Unix, which behaves the same).
enum GoPath {
    static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    static func base(_ path: String) -> String {
        if path.isEmpty { return "." }
        var trimmed = Substring(path)
        while trimmed.count > 0 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if let slash = trimmed.lastIndex(of: "/") {
            trimmed = trimmed[trimmed.index(after: slash)...]
        }
        return trimmed.isEmpty ? "/" : String(trimmed)
    }

    static func dir(_ path: String) -> String {
        let directory: Substring
        if let slash = path.lastIndex(of: "/") {
            directory = path[...slash]
        } else {
            directory = ""
        }
        return clean(String(directory))
    }

    static func ext(_ path: String) -> String {
        var index = path.endIndex
        while index > path.startIndex {
            let previous = path.index(before: index)
            if path[previous] == "/" { return "" }
            if path[previous] == "." { return String(path[previous...]) }
            index = previous
        }
        return ""
    }
}
