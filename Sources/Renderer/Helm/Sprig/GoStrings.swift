/// Go's `strings` and `unicode` behaviour that Sprig's string functions rely on.
enum GoStrings {
    /// `unicode.IsSpace`.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    /// `unicode.ToUpper`: the simple (one-to-one) mapping.
    static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        single(scalar.properties.uppercaseMapping) ?? scalar
    }

    /// `unicode.ToLower`.
    static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        single(scalar.properties.lowercaseMapping) ?? scalar
    }

    /// `unicode.ToTitle`.
    static func title(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        single(scalar.properties.titlecaseMapping) ?? scalar
    }

    private static func single(_ mapping: String) -> Unicode.Scalar? {
        let scalars = mapping.unicodeScalars
        guard scalars.count == 1 else { return nil }
        return scalars.first
    }

    static func map(_ text: String, _ transform: (Unicode.Scalar) -> Unicode.Scalar) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(transform(scalar)) }
        return String(out)
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            true
        default: false
        }
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .decimalNumber
    }

    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    static func isUpper(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .uppercaseLetter
    }

    static func isLower(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .lowercaseLetter
    }

    static func isTitle(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .titlecaseLetter
    }

    static func isPunct(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            true
        default: false
        }
    }

    /// `strings.Split` (`n` < 0) and `strings.SplitN`.
    static func split(_ text: String, _ separator: String, _ limit: Int = -1) -> [String] {
        if limit == 0 { return [] }
        if separator.isEmpty {
            var parts: [String] = []
            var scalars = Substring(text).unicodeScalars[...]
            while !scalars.isEmpty {
                if limit > 0 && parts.count == limit - 1 {
                    parts.append(String(String.UnicodeScalarView(scalars)))
                    return parts
                }
                parts.append(String(scalars.removeFirst()))
            }
            return parts
        }
        let bytes = Array(text.utf8)
        let needle = Array(separator.utf8)
        var parts: [String] = []
        var start = 0
        var index = 0
        while index + needle.count <= bytes.count {
            if limit > 0 && parts.count == limit - 1 { break }
            if bytes[index..<index + needle.count].elementsEqual(needle) {
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(String(decoding: bytes[start...], as: UTF8.self))
        return parts
    }

    /// `strings.Replace(text, old, new, -1)`: an empty `old` matches before every rune and at
    /// the end.
    static func replace(_ text: String, _ old: String, _ new: String) -> String {
        if old.isEmpty {
            var out = new
            for scalar in text.unicodeScalars {
                out.unicodeScalars.append(scalar)
                out += new
            }
            return out
        }
        return split(text, old).joined(separator: new)
    }

    /// `strings.Trim(text, cutset)`.
    static func trim(_ text: String, _ cutset: String) -> String {
        let set = Set(cutset.unicodeScalars)
        return trim(text) { set.contains($0) }
    }

    static func trim(_ text: String, _ predicate: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end && predicate(scalars[start]) { start += 1 }
        while end > start && predicate(scalars[end - 1]) { end -= 1 }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// `strings.TrimSpace`.
    static func trimSpace(_ text: String) -> String { trim(text, isSpace) }

    /// `text[from:to]` on bytes, as Go slices strings (bounds already checked).
    static func bytes(_ text: String, _ range: Range<Int>) -> String {
        String(decoding: Array(text.utf8)[range], as: UTF8.self)
    }

    /// Go's `slice bounds out of range` panic text for `s[low:high]` on a string of `length`
    /// bytes.
    static func sliceBounds(_ low: Int?, _ high: Int?, length: Int) -> FunctionError? {
        let lowValue = low ?? 0
        let highValue = high ?? length
        if let high, high < 0 || high > length {
            return FunctionError(
                "runtime error: slice bounds out of range [:\(high)] with length \(length)")
        }
        if let low, low < 0 || low > highValue {
            if high == nil && low > length {
                return FunctionError(
                    "runtime error: slice bounds out of range [\(low):\(length)]")
            }
            return FunctionError("runtime error: slice bounds out of range [\(low):\(highValue)]")
        }
        _ = lowValue
        return nil
    }
}
