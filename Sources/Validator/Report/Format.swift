import Foundation

/// Numbers as a reviewer reads them: up to six significant digits, no trailing zeros.
enum Format {
    static func number(_ value: Double, digits: Int = 6) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        // A number written with few digits (0.9199999) is shown as written; a long one (the
        // 0.020000000000000018 of a subtraction) is rounded to `digits` significant digits.
        let written = "\(value)"
        let significant = written.filter(\.isNumber).drop { $0 == "0" }.count
        if digits >= 6, !written.contains("e"), significant <= 10 {
            return written.hasSuffix(".0") ? String(written.dropLast(2)) : written
        }
        var text = String(format: "%.\(digits)g", value)
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A fraction as a percentage to three significant digits: 0.03518 is "3.52%".
    static func percent(_ fraction: Double) -> String { number(fraction * 100, digits: 3) + "%" }
}
