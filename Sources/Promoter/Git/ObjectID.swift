import CGit2

/// The SHA-1 name of a git object: a commit, tree or blob. Its description is 40 hex digits.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 20 raw bytes of the hash.
    let bytes: [UInt8]

    /// Parses a full object id written as 40 hexadecimal digits (either case).
    /// - Throws: ``GitError`` with code ``GitError/Code/invalid`` naming the text and what was
    ///   expected.
    public init(_ hex: String) throws {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 40 else {
            throw GitError.invalid(
                "invalid object id \"\(hex)\"",
                "expected 40 hexadecimal digits, got \(utf8.count) characters")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        for index in stride(from: 0, to: 40, by: 2) {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1])
            else {
                throw GitError.invalid(
                    "invalid object id \"\(hex)\"", "expected only the digits 0-9 and a-f")
            }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    /// Copies a libgit2 object id.
    init(_ oid: git_oid) {
        bytes = withUnsafeBytes(of: oid.id) { Array($0) }
    }

    /// Copies a libgit2 object id that libgit2 lends; the pointer is not kept.
    init(_ oid: UnsafePointer<git_oid>) {
        self.init(oid.pointee)
    }

    /// This id as libgit2's struct, to pass by pointer to a C call.
    var gitOID: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count {
                raw[index] = byte
            }
        }
        return oid
    }

    /// The lower-case hex form, 40 characters.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(40)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The first seven hex digits, as git prints abbreviated ids.
    public var short: String {
        String(description.prefix(7))
    }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
