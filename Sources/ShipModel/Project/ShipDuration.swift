/// A length of time written as `30m`, `2h`, `1h30m`, `1d` or `2w`.
public struct ShipDuration: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The length in seconds.
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    /// Parses a sequence of `<number><unit>` with units s, m, h, d, w, largest first.
    /// Returns nil when the text is not such a duration.
    public init?(parsing text: String) {
        let units: [(Character, Int)] = [
            ("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
        ]
        var total = 0
        var number = ""
        var lastUnitIndex = -1
        var sawUnit = false
        for character in text {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            guard let index = units.firstIndex(where: { $0.0 == character }), !number.isEmpty,
                index > lastUnitIndex, let value = Int(number)
            else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: units[index].1)
            guard !overflow else { return nil }
            let (sum, overflowSum) = total.addingReportingOverflow(product)
            guard !overflowSum else { return nil }
            total = sum
            lastUnitIndex = index
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else {
            // A bare "0" means no time at all.
            if text == "0" {
                seconds = 0
                return
            }
            return nil
        }
        seconds = total
    }

    /// The canonical spelling, e.g. `1h30m`.
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    /// An age as `kubectl get` shows one: the largest unit and the one after it, when not
    /// zero; smaller units are dropped (`3d14h`, `35m36s`, `47w3d`, `2h`).
    public var age: String {
        let units = [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        guard let first = units.firstIndex(where: { seconds >= $0.1 }) else { return "0s" }
        let (unit, size) = units[first]
        var text = "\(seconds / size)\(unit)"
        if first + 1 < units.count {
            let (next, nextSize) = units[first + 1]
            let count = seconds % size / nextSize
            if count > 0 { text += "\(count)\(next)" }
        }
        return text
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = ShipDuration(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a duration like 30m, got \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
