/// huandu/xstrings' `ToCamelCase`, `ToSnakeCase` and `ToKebabCase`.
enum CaseConversion {
    static func isConnector(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "-" || GoStrings.isSpace(scalar)
    }

    /// `ToCamelCase`: connectors removed, the letter after one upper-cased, other letters
    /// lower-cased; leading connectors kept, doubled ones kept once.
    static func camel(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)[...]
        guard !scalars.isEmpty else { return "" }
        var out = String.UnicodeScalarView()
        var current: Unicode.Scalar = " "
        while let first = scalars.first {
            scalars = scalars.dropFirst()
            current = first
            if !isConnector(first) { break }
            out.append(first)
        }
        if scalars.isEmpty {
            if !isConnector(current) { out.append(GoStrings.upper(current)) }
            return String(out)
        }
        current = GoStrings.upper(current)
        while let next = scalars.first {
            scalars = scalars.dropFirst()
            let previous = current
            current = next
            if isConnector(previous) && isConnector(current) {
                out.append(previous)
                continue
            }
            current = isConnector(previous) ? GoStrings.upper(current) : GoStrings.lower(current)
            if !isConnector(previous) { out.append(previous) }
        }
        out.append(current)
        return String(out)
    }

    static func snake(_ text: String) -> String { lowerWords(text, "_") }
    static func kebab(_ text: String) -> String { lowerWords(text, "-") }

    /// Words split at case changes (`HTTPServer` is `http` and `server`) and connectors, joined
    /// by `connector`.
    static func lowerWords(_ text: String, _ connector: Unicode.Scalar) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar = connector
        var index = 0
        func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == " " || scalar == "-"
        }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if GoStrings.isUpper(scalar) {
                if previous != connector { out.append(connector) }
                out.append(GoStrings.lower(scalar))
                previous = scalar
                guard index < scalars.count else { break }
                var next = scalars[index]
                index += 1
                if !GoStrings.isUpper(next) {
                    let mapped = isSeparator(next) ? connector : next
                    out.append(mapped)
                    previous = mapped
                    continue
                }
                var last = next
                var endedAtSeparator = false
                while index < scalars.count {
                    last = next
                    next = scalars[index]
                    index += 1
                    if !GoStrings.isUpper(next) {
                        if isSeparator(next) {
                            out.append(GoStrings.lower(last))
                            endedAtSeparator = true
                        } else {
                            out.append(connector)
                            out.append(GoStrings.lower(last))
                            out.append(next)
                        }
                        break
                    }
                    out.append(GoStrings.lower(last))
                }
                if index >= scalars.count && GoStrings.isUpper(next) || endedAtSeparator {
                    out.append(endedAtSeparator ? connector : GoStrings.lower(next))
                    previous = connector
                    continue
                }
                previous = next
            } else {
                let mapped = isSeparator(scalar) ? connector : scalar
                out.append(mapped)
                previous = mapped
            }
        }
        return String(out)
    }
}
