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
    /// line of that paragraph is one (git's rule, without its continuation lines).
    public static func trailers(of message: String) -> [(key: String, value: String)] {
        let paragraphs = paragraphs(of: message)
        guard paragraphs.count > 1, let last = paragraphs.last else { return [] }
        var found: [(key: String, value: String)] = []
        for line in last {
            guard let colon = line.firstIndex(of: ":") else { return [] }
            let key = line[..<colon]
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                return []
            }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            found.append((String(key), String(value)))
        }
        return found
    }

    /// The message's paragraphs (runs of non-empty lines), each as its lines.
    static func paragraphs(of message: String) -> [[Substring]] {
        var paragraphs: [[Substring]] = []
        var current: [Substring] = []
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
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
        let subject = message.prefix { $0 != "\n" }
        guard subject.hasPrefix("promote("), let close = subject.firstIndex(of: ")"),
            subject[close...].hasPrefix("): "), let arrow = subject.firstRange(of: " → ")
        else { return nil }
        let model = String(subject[subject.index(subject.startIndex, offsetBy: 8)..<close])
        let versionStart = subject.index(close, offsetBy: 3)
        guard versionStart <= arrow.lowerBound else { return nil }
        let version = String(subject[versionStart..<arrow.lowerBound])
        let environment = String(subject[arrow.upperBound...])
        let body = paragraphs(of: message).dropFirst()
        let changes =
            body.first { $0.first?.hasPrefix("- ") == true }
            .map { $0.filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) } } ?? []
        return PromotionMessage(
            model: model, version: version, environment: environment, changes: changes,
            trailers: trailers(of: message))
    }

    /// The value of a trailer, e.g. `Shipml-Release`.
    public func trailer(_ key: String) -> String? {
        trailers.first { $0.key.lowercased() == key.lowercased() }?.value
    }
}
