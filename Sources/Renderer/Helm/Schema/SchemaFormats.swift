import Foundation

/// The `format` checks v6 asserts for drafts before 2019-09 (Helm does not turn them on for
/// later drafts), with v6's reasons for the common failures. Unknown formats pass.
enum SchemaFormats {
    /// Why `text` is not of `format`, nil when it is (or the format is not checked).
    static func problem(_ format: String, _ text: String) -> String? {
        switch format {
        case "email": email(text)
        case "hostname": hostname(text)
        case "ipv4": ipv4(text)
        case "ipv6": ipv6(text)
        case "uuid": uuid(text)
        case "date": date(text)
        case "time": time(text)
        case "date-time": dateTime(text)
        case "uri": uri(text)
        case "regex": regex(text)
        default: nil
        }
    }

    static func email(_ text: String) -> String? {
        guard let at = text.lastIndex(of: "@") else { return "missing @" }
        let local = text[..<at]
        let domain = String(text[text.index(after: at)...])
        if local.isEmpty { return "empty local part" }
        if local.utf8.count > 64 { return "local part more than 64 characters long" }
        if let problem = hostname(domain) { return "invalid domain: " + problem }
        return nil
    }

    static func hostname(_ text: String) -> String? {
        var name = text
        if name.hasSuffix(".") { name.removeLast() }
        if name.utf8.count > 253 { return "more than 253 characters long" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if label.isEmpty || label.utf8.count > 63 {
                return "label must be 1 to 63 characters long"
            }
            if label.hasPrefix("-") { return "label starts with hyphen" }
            if label.hasSuffix("-") { return "label ends with hyphen" }
            if let bad = label.first(where: {
                !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-"))
            }) {
                return "invalid character \(GoFormat.quoteRune(bad.unicodeScalars.first ?? " "))"
            }
        }
        return nil
    }

    static func ipv4(_ text: String) -> String? {
        let groups = text.split(separator: ".", omittingEmptySubsequences: false)
        if groups.count != 4 { return "expected four decimals" }
        for group in groups {
            guard !group.isEmpty, group.allSatisfy(\.isASCII), let number = Int(group) else {
                return "invalid decimal \(GoFormat.quote(String(group)))"
            }
            if number > 255 { return "decimal must be between 0 and 255" }
            if group.count > 1 && group.hasPrefix("0") { return "leading zeros" }
        }
        return nil
    }

    static func ipv6(_ text: String) -> String? {
        var buffer = in6_addr()
        if !text.contains(":") || inet_pton(AF_INET6, text, &buffer) != 1 {
            return "ParseAddr(\(GoFormat.quote(text))): invalid IPv6 address"
        }
        return nil
    }

    static func uuid(_ text: String) -> String? {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        if groups.count != 5 { return "must have 5 elements" }
        let lengths = [8, 4, 4, 4, 12]
        for (index, group) in groups.enumerated() {
            if group.count != lengths[index] {
                return "element \(index + 1) must be \(lengths[index]) characters long"
            }
            if !group.allSatisfy(\.isHexDigit) { return "non-hex character" }
        }
        return nil
    }

    static func date(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let quoted = GoFormat.quote(text)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2,
            parts[2].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2])
        else {
            return "parsing time \(quoted) as \"2006-01-02\": cannot parse \(quoted) as \"2006\""
        }
        if !(1...12).contains(month) { return "parsing time \(quoted): month out of range" }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        if !(1...days).contains(day) { return "parsing time \(quoted): day out of range" }
        return nil
    }

    static func time(_ text: String) -> String? {
        if text.utf8.count < 9 { return "less than 9 characters long" }
        let scalars = Array(text.utf8)
        if scalars[2] != UInt8(ascii: ":") || scalars[5] != UInt8(ascii: ":") {
            return "colon expected"
        }
        guard let hour = Int(String(decoding: scalars[0..<2], as: UTF8.self)),
            let minute = Int(String(decoding: scalars[3..<5], as: UTF8.self)),
            let second = Int(String(decoding: scalars[6..<8], as: UTF8.self))
        else { return "invalid time" }
        if hour > 23 || minute > 59 || second > 60 { return "invalid time" }
        var rest = text.dropFirst(8)
        if rest.first == "." {
            rest = rest.dropFirst()
            let fraction = rest.prefix { $0.isNumber }
            if fraction.isEmpty { return "no digits in second fraction" }
            rest = rest.dropFirst(fraction.count)
        }
        if rest == "z" || rest == "Z" { return nil }
        let offset = Array(rest.utf8)
        if offset.count != 6 || (offset[0] != UInt8(ascii: "+") && offset[0] != UInt8(ascii: "-"))
            || offset[3] != UInt8(ascii: ":")
        {
            return "invalid timezone"
        }
        return nil
    }

    static func dateTime(_ text: String) -> String? {
        if text.utf8.count < 20 { return "less than 20 characters long" }
        let separator = text[text.index(text.startIndex, offsetBy: 10)]
        if separator != "T" && separator != "t" { return "11th character must be t or T" }
        if let problem = date(String(text.prefix(10))) { return problem }
        if let problem = time(String(text.dropFirst(11))) { return problem }
        return nil
    }

    static func uri(_ text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return "relative url" }
        let scheme = text[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else {
            return "relative url"
        }
        return nil
    }

    static func regex(_ text: String) -> String? {
        do {
            _ = try GoRegex(text)
            return nil
        } catch {
            return error.message
        }
    }
}
