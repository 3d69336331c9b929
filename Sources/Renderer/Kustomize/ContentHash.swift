import Crypto
import Foundation

/// The suffix kustomize appends to a generated ConfigMap's or Secret's name: the SHA-256 of a
/// JSON object holding its kind, an empty name and data (and type, for a Secret), the first ten hex
/// digits with `0 1 3 a e` spelled `g h k m t` so the suffix never looks like a number or word.
public enum ContentHash {
    /// The ten-character suffix for `resource`.
    public static func suffix(for resource: KValue) -> String {
        let kind = resource["kind"]?.stringValue ?? ""
        var object: [(String, KValue)] = [
            ("kind", .string(kind)),
            // kustomize looks the name up as one field called "metadata/name", finds nothing
            // and hashes an empty name; the suffix depends on the content only.
            ("name", .string("")),
        ]
        func field(_ key: String) -> KValue {
            guard let value = resource[key], !value.isNull else { return .string("") }
            return value
        }
        if kind == "Secret" {
            object.append(("type", field("type")))
            object.append(("data", field("data")))
            if let stringData = resource["stringData"], case .map = stringData {
                object.append(("stringData", stringData))
            }
        } else {
            object.append(("data", field("data")))
            if let binaryData = resource["binaryData"], case .map = binaryData {
                object.append(("binaryData", binaryData))
            }
        }
        let json = GoJSON.encode(.map(object))
        let digest = SHA256.hash(data: Data(json.utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return String(
            hex.prefix(10).map { character -> Character in
                switch character {
                case "0": return "g"
                case "1": return "h"
                case "3": return "k"
                case "a": return "m"
                case "e": return "t"
                default: return character
                }
            })
    }
}

/// Go's `encoding/json` output: sorted keys, no spaces, `<`, `>` and `&` escaped.
enum GoJSON {
    static func encode(_ value: KValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let text): return text
        case .float(let number): return KValue.formatFloat(number)
        case .string(let text): return quote(text)
        case .list(let items): return "[" + items.map(encode).joined(separator: ",") + "]"
        case .map(let pairs):
            let sorted = pairs.sorted {
                Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
            }
            return "{" + sorted.map { quote($0.0) + ":" + encode($0.1) }.joined(separator: ",")
                + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                output += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 {
                    output += String(format: "\\u%04x", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
