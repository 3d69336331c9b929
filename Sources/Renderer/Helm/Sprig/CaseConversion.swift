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

    enum Kind { case upper, capitalized, lower, number, connector, other }

    /// The words of a text: runs of capitals (the last one starts the next word when a
    /// lower-case letter follows: `HTTPServer`), capitalised words, lower-case runs, numbers,
    /// connectors and anything else.
    static func words(_ text: String) -> [(Kind, String)] {
        let scalars = Array(text.unicodeScalars)
        var words: [(Kind, String)] = []
        var index = 0
        func run(_ predicate: (Unicode.Scalar) -> Bool) -> String {
            var out = String.UnicodeScalarView()
            while index < scalars.count && predicate(scalars[index]) {
                out.append(scalars[index])
                index += 1
            }
            return String(out)
        }
        func isLowerish(_ scalar: Unicode.Scalar) -> Bool {
            GoStrings.isLower(scalar)
                || (GoStrings.isLetter(scalar) && !GoStrings.isUpper(scalar))
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if isConnector(scalar) {
                words.append((.connector, run(isConnector)))
            } else if GoStrings.isUpper(scalar) {
                let next = index + 1 < scalars.count ? scalars[index + 1] : " "
                if isLowerish(next) {
                    index += 1
                    words.append((.capitalized, String(scalar) + run(isLowerish)))
                } else {
                    var capitals = Array(run(GoStrings.isUpper).unicodeScalars)
                    if index < scalars.count && isLowerish(scalars[index]) && capitals.count > 1 {
                        capitals.removeLast()
                        index -= 1
                    }
                    words.append((.upper, String(String.UnicodeScalarView(capitals))))
                }
            } else if isLowerish(scalar) {
                words.append((.lower, run(isLowerish)))
            } else if GoStrings.isNumber(scalar) {
                words.append((.number, run(GoStrings.isNumber)))
            } else {
                index += 1
                words.append((.other, String(scalar)))
            }
        }
        return words
    }

    /// xstrings' `ToSnakeCase`/`ToKebabCase`: words lower-cased and joined by `connector`; a
    /// number stays with the word before it unless lower-case letters follow it, in which case
    /// it starts a word that runs on through numbers and lower-case letters (`Bld4Floor3rd` is
    /// `bld4_floor_3rd`, `Duration2m3s` is `duration_2m3s`).
    static func lowerWords(_ text: String, _ connector: Unicode.Scalar) -> String {
        let words = words(text)
        var pieces: [(segment: Bool, text: String)] = []
        var current: String?
        var currentEndsWithWord = false
        var numeric = false
        func flush() {
            if let segment = current { pieces.append((true, segment)) }
            current = nil
            numeric = false
        }
        for (position, (kind, word)) in words.enumerated() {
            let next = position + 1 < words.count ? words[position + 1].0 : nil
            let lowered = GoStrings.map(word, GoStrings.lower)
            switch kind {
            case .connector:
                flush()
                if position == 0 || position == words.count - 1 {
                    pieces.append(
                        (
                            false,
                            String(repeating: String(connector), count: word.unicodeScalars.count)
                        ))
                }
            case .other:
                flush()
                pieces.append((false, word))
            case .number:
                if numeric || (current != nil && currentEndsWithWord && next != .lower) {
                    current = (current ?? "") + lowered
                } else {
                    flush()
                    current = lowered
                    numeric = next == .lower
                }
                currentEndsWithWord = false
            case .upper, .capitalized, .lower:
                if numeric && kind == .lower {
                    current = (current ?? "") + lowered
                } else {
                    flush()
                    current = lowered
                }
                currentEndsWithWord = true
            }
        }
        flush()
        var out = ""
        for (index, piece) in pieces.enumerated() {
            if index > 0 && piece.segment && pieces[index - 1].segment {
                out.unicodeScalars.append(connector)
            }
            out += piece.text
        }
        return out
    }
}
