/// One `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or
/// `Basic realm="…"`.
struct Challenge: Sendable, Equatable {
    /// The scheme, lowercased: `bearer` or `basic` (or another the client cannot answer).
    var scheme: String
    /// The parameters, names lowercased.
    var parameters: [String: String]

    /// Parses the first challenge of a header value. Returns nil when it is empty.
    static func parse(_ header: String) -> Challenge? {
        var text = Substring(header)
        func skipSpaces() { while let c = text.first, c == " " || c == "\t" { text.removeFirst() } }
        skipSpaces()
        let scheme = text.prefix { $0 != " " && $0 != "\t" && $0 != "," }
        guard !scheme.isEmpty else { return nil }
        text = text.dropFirst(scheme.count)
        var parameters: [String: String] = [:]
        while true {
            skipSpaces()
            while text.first == "," {
                text.removeFirst()
                skipSpaces()
            }
            let name = text.prefix { $0 != "=" && $0 != " " && $0 != "," }
            guard !name.isEmpty, text.dropFirst(name.count).first == "=" else { break }
            text = text.dropFirst(name.count + 1)
            var value = ""
            if text.first == "\"" {
                text.removeFirst()
                var escaped = false
                while let c = text.first {
                    text.removeFirst()
                    if escaped {
                        value.append(c)
                        escaped = false
                    } else if c == "\\" {
                        escaped = true
                    } else if c == "\"" {
                        break
                    } else {
                        value.append(c)
                    }
                }
            } else {
                let token = text.prefix { $0 != "," && $0 != " " }
                value = String(token)
                text = text.dropFirst(token.count)
            }
            // A second challenge starts with a scheme, not name=value: stop at it.
            parameters[name.lowercased()] = value
        }
        return Challenge(scheme: scheme.lowercased(), parameters: parameters)
    }

    /// The scopes the registry asked for, split on spaces.
    var scopes: [String] {
        (parameters["scope"] ?? "").split(separator: " ").map(String.init)
    }
}
