/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Repeated names are kept as separate fields, in the order they were added or received.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral,
    CustomStringConvertible
{
    /// One header field: a name and its value, both without surrounding whitespace.
    public struct Field: Sendable, Hashable {
        /// The field name as it was written, for example `Content-Type`.
        public var name: String
        /// The field value.
        public var value: String

        /// Makes a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in order.
    public internal(set) var fields: [Field]

    /// Makes an empty header list.
    public init() {
        fields = []
    }

    /// Makes a header list from name/value pairs, keeping their order and repeated names.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Makes a header list from a literal such as `["Accept": "a", "Accept": "b"]`; order and
    /// repeated names are kept.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields, counting repeated names separately.
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value for `name`, compared case-insensitively, or nil.
    public subscript(_ name: String) -> String? {
        fields.first { Self.equalNames($0.name, name) }?.value
    }

    /// Every value for `name`, compared case-insensitively, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.equalNames($0.name, name) }.map(\.value)
    }

    /// Whether a field called `name` (compared case-insensitively) is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.equalNames($0.name, name) }
    }

    /// Appends a field, keeping any fields already present under the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field called `name` (compared case-insensitively) with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field called `name`, compared case-insensitively.
    public mutating func remove(_ name: String) {
        fields.removeAll { Self.equalNames($0.name, name) }
    }

    /// Iterates over the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// The fields one per line as `Name: value`. Values of credential-bearing fields
    /// (`Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`) are shown as `<redacted>`.
    public var description: String {
        fields.map { field in
            let value =
                Self.sensitiveNames.contains { Self.equalNames($0, field.name) }
                ? "<redacted>" : field.value
            return "\(field.name): \(value)"
        }.joined(separator: "\n")
    }

    private static let sensitiveNames = [
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
    ]

    /// ASCII case-insensitive comparison, as HTTP field names are ASCII tokens.
    static func equalNames(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        return zip(left, right).allSatisfy { lowercase($0) == lowercase($1) }
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        (65...90).contains(byte) ? byte + 32 : byte
    }
}
