import Foundation

/// A promotion commit's message: `promote(<model>): <version> → <env>`, a body listing what
/// changed, and git trailers (`Shipml-Release: …`) that `history` reads back, as
/// `git interpret-trailers` would.
public struct PromotionMessage: Sendable, Equatable {
    public var model: String
    public var version: String
    public var environment: String
    /// `old → new` lines, one per changed reference.
    public var changes: [String]
    /// Trailers in order: key (without the `Shipml-` prefix for shipml's own) and value.
    public var trailers: [(key: String, value: String)]

    public init(
        model: String, version: String, environment: String, changes: [String] = [],
        trailers: [(key: String, value: String)] = []
    ) {
        self.model = model
        self.version = version
        self.environment = environment
        self.changes = changes
        self.trailers = trailers
    }

    public static func == (lhs: PromotionMessage, rhs: PromotionMessage) -> Bool {
        lhs.model == rhs.model && lhs.version == rhs.version
            && lhs.environment == rhs.environment && lhs.changes == rhs.changes
            && lhs.trailers.elementsEqual(rhs.trailers) { $0.key == $1.key && $0.value == $1.value }
    }

    /// The subject line.
    public var subject: String { "promote(\(model)): \(version) → \(environment)" }

    /// The full message. Trailer values are kept on one line: line breaks become spaces.
    public var text: String {
        var text = subject + "\n"
        if !changes.isEmpty {
            text += "\n" + changes.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        if !trailers.isEmpty {
            text += "\n"
            for (key, value) in trailers {
                let oneLine = value.split(whereSeparator: \.isNewline).joined(separator: " ")
                text += "\(key): \(oneLine)\n"
            }
        }
        return text
    }

    /// The trailers of any commit message: `Key: value` lines of its last paragraph, when every
    /// line of that paragraph is one (git's rule, without its continuation lines). A key is
    /// ASCII letters, digits and `-`, as git's `interpret-trailers` reads it.
    public static func trailers(of message: String) -> [(key: String, value: String)] {
        trailers(ofParagraphs: paragraphs(of: message))
    }

    private static func trailers(ofParagraphs paragraphs: [[Substring.UTF8View]]) -> [(
        key: String, value: String
    )] {
        guard paragraphs.count > 1, let last = paragraphs.last else { return [] }
        var found: [(key: String, value: String)] = []
        found.reserveCapacity(last.count)
        for line in last {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return [] }
            let key = line[..<colon]
            guard !key.isEmpty, key.allSatisfy(isTrailerKeyByte) else { return [] }
            let value = line[line.index(after: colon)...].drop { $0 == UInt8(ascii: " ") }
            found.append((String(Substring(key)), String(Substring(value))))
        }
        return found
    }

    private static func isTrailerKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// The message's paragraphs (runs of non-empty lines), each as its lines' UTF-8 bytes;
    /// lines end at `\n` only, as git splits them.
    static func paragraphs(of message: String) -> [[Substring.UTF8View]] {
        var paragraphs: [[Substring.UTF8View]] = []
        var current: [Substring.UTF8View] = []
        for line in message.utf8.split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        {
            if line.isEmpty {
                if !current.isEmpty { paragraphs.append(current) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs
    }

    /// Reads a promotion back from a commit message; nil for any other commit.
    public static func parse(_ message: String) -> PromotionMessage? {
        let bytes = message.utf8
        let subject = bytes.prefix { $0 != UInt8(ascii: "\n") }
        let opening = "promote(".utf8
        guard subject.starts(with: opening) else { return nil }
        let modelStart = subject.index(subject.startIndex, offsetBy: opening.count)
        // The model ends at the first ")", which "): " must follow.
        guard let close = subject[modelStart...].firstIndex(of: UInt8(ascii: ")")),
            subject[close...].starts(with: "): ".utf8),
            let arrow = firstRange(of: Array(" → ".utf8), in: subject[close...])
        else { return nil }
        let versionStart = subject.index(close, offsetBy: 3)
        guard versionStart <= arrow.lowerBound else { return nil }
        let paragraphs = paragraphs(of: message)
        let changes =
            paragraphs.dropFirst().first { $0.first?.starts(with: "- ".utf8) == true }
            .map { lines in
                lines.filter { $0.starts(with: "- ".utf8) }.map {
                    String(Substring($0.dropFirst(2)))
                }
            } ?? []
        return PromotionMessage(
            model: String(Substring(subject[modelStart..<close])),
            version: String(Substring(subject[versionStart..<arrow.lowerBound])),
            environment: String(Substring(subject[arrow.upperBound...])), changes: changes,
            trailers: trailers(ofParagraphs: paragraphs))
    }

    /// Where `needle` first occurs in `bytes`.
    private static func firstRange(of needle: [UInt8], in bytes: Substring.UTF8View)
        -> Range<String.Index>?
    {
        var start = bytes.startIndex
        while let first = bytes[start...].firstIndex(of: needle[0]) {
            if bytes[first...].starts(with: needle) {
                return first..<bytes.index(first, offsetBy: needle.count)
            }
            start = bytes.index(after: first)
        }
        return nil
    }

    /// The value of a trailer, e.g. `Shipml-Release`.
    public func trailer(_ key: String) -> String? {
        trailers.first { Self.equalIgnoringASCIICase($0.key, key) }?.value
    }

    /// Trailer keys are ASCII; git compares them without regard to case.
    private static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { x, y in
            x == y || (x | 0x20 == y | 0x20 && x | 0x20 >= 0x61 && x | 0x20 <= 0x7a)
        }
    }
}
