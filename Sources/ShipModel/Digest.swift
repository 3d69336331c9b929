/// A content digest as OCI writes it, `algorithm:encoded`; validated when it is made.
public struct Digest: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The algorithm, `sha256` or `sha512`.
    public let algorithm: String
    /// The lowercase hex encoding of the hash.
    public let encoded: String

    /// Parses and validates `sha256:<64 hex>` or `sha512:<128 hex>`.
    /// - Throws: ``ModelError`` naming what was expected.
    public init(_ text: String) throws {
        guard let colon = text.firstIndex(of: ":") else {
            throw ModelError.invalidDigest(
                text, reason: "expected algorithm:hex, like sha256:0123…")
        }
        let algorithm = String(text[..<colon])
        let encoded = String(text[text.index(after: colon)...])
        guard let length = Self.lengths[algorithm] else {
            throw ModelError.invalidDigest(
                text, reason: "unsupported algorithm \"\(algorithm)\", expected sha256 or sha512")
        }
        guard encoded.utf8.count == length else {
            throw ModelError.invalidDigest(
                text, reason: "\(algorithm) needs \(length) hex digits, got \(encoded.utf8.count)")
        }
        guard encoded.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ModelError.invalidDigest(
                text, reason: "expected lowercase hex digits after \"\(algorithm):\"")
        }
        self.algorithm = algorithm
        self.encoded = encoded
    }

    /// Makes a SHA-256 digest from the 32 raw bytes of a hash.
    public init(sha256 bytes: some Sequence<UInt8>) {
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(
                decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xf)]], as: UTF8.self)
        }.joined()
        self.algorithm = "sha256"
        self.encoded = hex
    }

    private static let lengths = ["sha256": 64, "sha512": 128]

    public var description: String { "\(algorithm):\(encoded)" }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
