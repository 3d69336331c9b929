import Foundation

/// The small grammars of the project file: names, slices, days, hours and times.
enum Names {
    /// RFC 1123 label, as Kubernetes names namespaces: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, ≤ 63.
    static func isDNSLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else {
            return false
        }
        let alnum = { (byte: UInt8) in (48...57).contains(byte) || (97...122).contains(byte) }
        return alnum(first) && alnum(last)
            && bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// Helm's release-name rule: DNS-1123 subdomain, at most 53 characters.
    static func isReleaseName(_ text: String) -> Bool {
        guard text.utf8.count <= 53 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
            isDNSLabel(String($0))
        }
    }

    /// `feature=value` (value may hold `*`/`?` globs), several joined by `,`; or `overall`.
    static func isSliceName(_ text: String) -> Bool {
        if text == "overall" { return true }
        return text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return pieces.count == 2 && !pieces[0].trimmingCharacters(in: .whitespaces).isEmpty
                && !pieces[1].isEmpty
        }
    }

    static func isSlicePattern(_ text: String) -> Bool {
        text.contains("*") || text.contains("?")
    }

    /// `HH:MM-HH:MM` as minutes after midnight; 24:00 is allowed as an end.
    static func parseHours(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]),
            start < 24 * 60, start != end
        else { return nil }
        return (start, end)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]),
            let minutes = Int(parts[1]), (0...24).contains(hours), (0...59).contains(minutes)
        else { return nil }
        let total = hours * 60 + minutes
        return total <= 24 * 60 ? total : nil
    }

    /// `mon`, `monday`, or a range `mon-fri` (wrapping past sunday, as `fri-mon`).
    static func parseDays(_ text: String) -> [Weekday]? {
        let parts = text.lowercased().split(separator: "-", omittingEmptySubsequences: false)
        let days = parts.map { day(String($0)) }
        switch days.count {
        case 1: return days[0].map { [$0] }
        case 2:
            guard let start = days[0], let end = days[1],
                let from = Weekday.allCases.firstIndex(of: start),
                let to = Weekday.allCases.firstIndex(of: end)
            else { return nil }
            var result: [Weekday] = []
            var index = from
            while true {
                result.append(Weekday.allCases[index])
                if index == to { break }
                index = (index + 1) % 7
            }
            return result
        default: return nil
        }
    }

    private static func day(_ text: String) -> Weekday? {
        if let day = Weekday(rawValue: text) { return day }
        let full = [
            "monday": Weekday.mon, "tuesday": .tue, "wednesday": .wed, "thursday": .thu,
            "friday": .fri, "saturday": .sat, "sunday": .sun,
        ]
        return full[text]
    }

    /// A date (`2026-12-24`, midnight UTC) or an RFC 3339 time with a zone.
    static func parseTime(_ text: String) -> Date? {
        let dateOnly = DateFormatter()
        dateOnly.locale = Locale(identifier: "en_US_POSIX")
        dateOnly.timeZone = TimeZone(identifier: "UTC")
        dateOnly.dateFormat = "yyyy-MM-dd"
        if text.count == 10, let date = dateOnly.date(from: text) { return date }
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime]
        if let date = full.date(from: text) { return date }
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return full.date(from: text)
    }

    /// git's `check-ref-format` rules for one branch name.
    static func isBranchName(_ text: String) -> Bool {
        guard !text.isEmpty, !text.hasPrefix("-"), !text.hasPrefix("/"), !text.hasSuffix("/"),
            !text.hasSuffix("."), !text.hasSuffix(".lock"), !text.contains(".."),
            !text.contains("//"),
            !text.contains("@{"), text != "@"
        else { return false }
        let forbidden = Set(" ~^:?*[\\\u{7f}".unicodeScalars)
        return text.unicodeScalars.allSatisfy { $0.value >= 0x20 && !forbidden.contains($0) }
            && !text.split(separator: "/").contains { $0.hasPrefix(".") }
    }
}
