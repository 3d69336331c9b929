import Foundation

/// The one way commands print JSON: pretty, keys sorted, slashes unescaped.
enum JSONOutput {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            return "{\"error\": \"cannot encode the result as JSON\"}"
        }
    }
}
