import Crypto
import Foundation

/// Sprig's string functions (`strings.go`, goutils, xstrings), with their Go signatures.
enum SprigStrings {
    static func functions(random: RandomSource) -> FunctionMap {
        var map: FunctionMap = [:]
        map["hello"] = .pure([]) { _ in .string("Hello!") }
        map["abbrev"] = .pure([.int, .string]) { .string(abbreviate($0.string(1), 0, $0.int(0))) }
        map["abbrevboth"] = .pure([.int, .int, .string]) { arguments in
            let left = arguments.int(0)
            let right = arguments.int(1)
            let text = arguments.string(2)
            if right < 4 || left > 0 && right < 7 { return .string(text) }
            return .string(abbreviate(text, left, right))
        }
        map["trunc"] = .pure([.int, .string]) { .string(trunc($0.int(0), $0.string(1))) }
        map["trim"] = .pure([.string]) { .string(GoStrings.trimSpace($0.string(0))) }
        map["upper"] = .pure([.string]) { .string(GoStrings.map($0.string(0), GoStrings.upper)) }
        map["lower"] = .pure([.string]) { .string(GoStrings.map($0.string(0), GoStrings.lower)) }
        map["title"] = .pure([.string]) { .string(title($0.string(0))) }
        map["untitle"] = .pure([.string]) { .string(untitle($0.string(0))) }
        map["substr"] = .failing([.int, .int, .string]) { arguments in
            try .string(substring(arguments.int(0), arguments.int(1), arguments.string(2)))
        }
        map["repeat"] = .failing([.int, .string]) { arguments in
            let count = arguments.int(0)
            guard count >= 0 else { throw FunctionError("strings: negative Repeat count") }
            return .string(String(repeating: arguments.string(1), count: count))
        }
        let trimAll = Function.pure([.string, .string]) {
            .string(GoStrings.trim($0.string(1), $0.string(0)))
        }
        map["trimall"] = trimAll
        map["trimAll"] = trimAll
        map["trimSuffix"] = .pure([.string, .string]) { arguments in
            let text = arguments.string(1)
            let suffix = arguments.string(0)
            guard !suffix.isEmpty, text.utf8.count >= suffix.utf8.count,
                Array(text.utf8).suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
            else { return .string(text) }
            let bytes = Array(text.utf8)
            return .string(String(decoding: bytes.dropLast(suffix.utf8.count), as: UTF8.self))
        }
        map["trimPrefix"] = .pure([.string, .string]) { arguments in
            let text = arguments.string(1)
            let prefix = arguments.string(0)
            guard !prefix.isEmpty, text.utf8.starts(with: prefix.utf8) else {
                return .string(text)
            }
            return .string(
                String(decoding: Array(text.utf8).dropFirst(prefix.utf8.count), as: UTF8.self))
        }
        map["nospace"] = .pure([.string]) { arguments in
            // goutils walks bytes and writes each kept byte back as the rune of its value.
            var out = String.UnicodeScalarView()
            for byte in arguments.string(0).utf8 where !GoStrings.isSpace(Unicode.Scalar(byte)) {
                out.append(Unicode.Scalar(byte))
            }
            return .string(String(out))
        }
        map["initials"] = .pure([.string]) { .string(initials($0.string(0))) }
        map["swapcase"] = .pure([.string]) { arguments in
            .string(
                GoStrings.map(arguments.string(0)) { scalar in
                    if GoStrings.isUpper(scalar) || GoStrings.isTitle(scalar) {
                        return GoStrings.lower(scalar)
                    }
                    if GoStrings.isLower(scalar) { return GoStrings.upper(scalar) }
                    return scalar
                })
        }
        map["snakecase"] = .pure([.string]) { .string(CaseConversion.snake($0.string(0))) }
        map["kebabcase"] = .pure([.string]) { .string(CaseConversion.kebab($0.string(0))) }
        map["camelcase"] = .pure([.string]) { .string(CaseConversion.camel($0.string(0))) }
        map["shuffle"] = .pure([.string]) { arguments in
            var scalars = Array(arguments.string(0).unicodeScalars)
            var index = scalars.count - 1
            while index > 0 {
                let other = random.below(index + 1)
                scalars.swapAt(index, other)
                index -= 1
            }
            return .string(String(String.UnicodeScalarView(scalars)))
        }
        map["wrap"] = .pure([.int, .string]) {
            .string(wrap($0.string(1), $0.int(0), newline: "", wrapLongWords: false))
        }
        map["wrapWith"] = .pure([.int, .string, .string]) {
            .string(wrap($0.string(2), $0.int(0), newline: $0.string(1), wrapLongWords: true))
        }
        map["contains"] = .pure([.string, .string]) {
            let needle = $0.string(0)
            return .bool(needle.isEmpty || GoStrings.split($0.string(1), needle).count > 1)
        }
        map["hasPrefix"] = .pure([.string, .string]) {
            .bool($0.string(1).utf8.starts(with: $0.string(0).utf8))
        }
        map["hasSuffix"] = .pure([.string, .string]) {
            .bool(
                Array($0.string(1).utf8).reversed().starts(
                    with: Array($0.string(0).utf8).reversed()))
        }
        map["quote"] = .pure([], variadic: .any) { arguments in
            .string(
                arguments.compactMap { value -> String? in
                    if case .null = value { return nil }
                    return GoFormat.quote(Cast.string(value))
                }
                .joined(separator: " "))
        }
        map["squote"] = .pure([], variadic: .any) { arguments in
            .string(
                arguments.compactMap { value -> String? in
                    if case .null = value { return nil }
                    return "'" + value.goDescription + "'"
                }
                .joined(separator: " "))
        }
        map["cat"] = .pure([], variadic: .any) { arguments in
            .string(
                arguments.compactMap { value -> String? in
                    if case .null = value { return nil }
                    return value.goDescription
                }
                .joined(separator: " "))
        }
        map["indent"] = .pure([.int, .string]) { .string(indent($0.int(0), $0.string(1))) }
        map["nindent"] = .pure([.int, .string]) { .string("\n" + indent($0.int(0), $0.string(1))) }
        map["replace"] = .pure([.string, .string, .string]) {
            .string(GoStrings.replace($0.string(2), $0.string(0), $0.string(1)))
        }
        map["plural"] = .pure([.string, .string, .int]) {
            .string($0.int(2) == 1 ? $0.string(0) : $0.string(1))
        }
        map["sha1sum"] = .pure([.string]) {
            .string(hex(Insecure.SHA1.hash(data: Array($0.string(0).utf8))))
        }
        map["sha256sum"] = .pure([.string]) {
            .string(hex(SHA256.hash(data: Array($0.string(0).utf8))))
        }
        map["sha512sum"] = .pure([.string]) {
            .string(hex(SHA512.hash(data: Array($0.string(0).utf8))))
        }
        map["adler32sum"] = .pure([.string]) { .string(String(adler32(Array($0.string(0).utf8)))) }
        map["toString"] = .pure([.any]) { .string(Cast.string($0.value(0))) }
        map["b64enc"] = .pure([.string]) { .string(Data($0.string(0).utf8).base64EncodedString()) }
        map["b64dec"] = .pure([.string]) { arguments in
            switch Base64.decode(arguments.string(0)) {
            case .success(let bytes): .string(String(decoding: bytes, as: UTF8.self))
            case .failure(let error): .string(error.message)
            }
        }
        map["b32enc"] = .pure([.string]) { .string(Base32.encode(Array($0.string(0).utf8))) }
        map["b32dec"] = .pure([.string]) { arguments in
            switch Base32.decode(arguments.string(0)) {
            case .success(let bytes): .string(String(decoding: bytes, as: UTF8.self))
            case .failure(let error): .string(error.message)
            }
        }
        map["randAlphaNum"] = .pure([.int]) { .string(randomString($0.int(0), alphaNum, random)) }
        map["randAlpha"] = .pure([.int]) { .string(randomString($0.int(0), alpha, random)) }
        map["randNumeric"] = .pure([.int]) { .string(randomString($0.int(0), digits, random)) }
        map["randAscii"] = .pure([.int]) { .string(randomString($0.int(0), ascii, random)) }
        return map
    }

    static let alpha = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static let digits = Array("0123456789")
    static let alphaNum = alpha + digits
    static let ascii = (32..<127).map { Character(UnicodeScalar(UInt8($0))) }

    static func randomString(_ count: Int, _ characters: [Character], _ random: RandomSource)
        -> String
    {
        guard count > 0 else { return "" }
        return String((0..<count).map { _ in characters[random.below(characters.count)] })
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { GoFormat.hex(UInt64($0), digits: 2) }.joined()
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    static func indent(_ spaces: Int, _ text: String) -> String {
        let pad = String(repeating: " ", count: max(spaces, 0))
        return pad + GoStrings.replace(text, "\n", "\n" + pad)
    }

    /// Sprig's `trunc`: on bytes; a negative count keeps the end.
    static func trunc(_ count: Int, _ text: String) -> String {
        let length = text.utf8.count
        if count < 0 && length + count > 0 {
            return GoStrings.bytes(text, (length + count)..<length)
        }
        if count >= 0 && length > count { return GoStrings.bytes(text, 0..<count) }
        return text
    }

    static func substring(_ start: Int, _ end: Int, _ text: String) throws -> String {
        let length = text.utf8.count
        if start < 0 {
            if let error = GoStrings.sliceBounds(nil, end, length: length) { throw error }
            return GoStrings.bytes(text, 0..<end)
        }
        if end < 0 || end > length {
            if let error = GoStrings.sliceBounds(start, nil, length: length) { throw error }
            return GoStrings.bytes(text, start..<length)
        }
        if let error = GoStrings.sliceBounds(start, end, length: length) { throw error }
        return GoStrings.bytes(text, start..<end)
    }

    /// Go's deprecated `strings.Title`.
    static func title(_ text: String) -> String {
        var previous: Unicode.Scalar = " "
        return GoStrings.map(text) { scalar in
            defer { previous = scalar }
            return isSeparator(previous) ? GoStrings.title(scalar) : scalar
        }
    }

    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value <= 0x7F {
            switch scalar {
            case "0"..."9", "a"..."z", "A"..."Z", "_": return false
            default: return true
            }
        }
        if GoStrings.isLetter(scalar) || GoStrings.isDigit(scalar) { return false }
        return GoStrings.isSpace(scalar)
    }

    /// goutils `Uncapitalize`: the first letter of each space-separated word lowercased.
    static func untitle(_ text: String) -> String {
        var next = true
        return GoStrings.map(text) { scalar in
            if GoStrings.isSpace(scalar) {
                next = true
                return scalar
            }
            if next {
                next = false
                return GoStrings.lower(scalar)
            }
            return scalar
        }
    }

    /// goutils `Initials`: walks bytes, as goutils does.
    static func initials(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var lastWasGap = true
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if GoStrings.isSpace(scalar) {
                lastWasGap = true
            } else if lastWasGap {
                out.append(scalar)
                lastWasGap = false
            }
        }
        return String(out)
    }

    /// goutils `AbbreviateFull` on bytes.
    static func abbreviate(_ text: String, _ offset: Int, _ maxWidth: Int) -> String {
        let bytes = Array(text.utf8)
        if bytes.isEmpty || maxWidth < 4 { return text }
        if bytes.count <= maxWidth { return text }
        var offset = min(offset, bytes.count)
        if bytes.count - offset < maxWidth - 3 { offset = bytes.count - (maxWidth - 3) }
        let marker = "..."
        func slice(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        if offset <= 4 { return slice(0..<(maxWidth - 3)) + marker }
        if maxWidth < 7 { return "" }
        if offset + maxWidth - 3 < bytes.count {
            return marker + abbreviate(slice(offset..<bytes.count), 0, maxWidth - 3)
        }
        return marker + slice((bytes.count - (maxWidth - 3))..<bytes.count)
    }

    /// goutils `WrapCustom` on bytes.
    static func wrap(_ text: String, _ length: Int, newline: String, wrapLongWords: Bool)
        -> String
    {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return "" }
        let newline = newline.isEmpty ? "\n" : newline
        let length = max(length, 1)
        var offset = 0
        var out = ""
        func slice(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        let space = UInt8(ascii: " ")
        while bytes.count - offset > length {
            if bytes[offset] == space {
                offset += 1
                continue
            }
            let end = min(length + offset + 1, bytes.count)
            let lastSpace = bytes[offset..<end].lastIndex(of: space)
            if let spaceAt = lastSpace, spaceAt >= offset {
                out += slice(offset..<spaceAt) + newline
                offset = spaceAt + 1
            } else if wrapLongWords {
                out += slice(offset..<(length + offset)) + newline
                offset += length
            } else {
                let end = length + offset
                if let spaceAt = bytes[end...].firstIndex(of: space) {
                    out += slice(offset..<spaceAt) + newline
                    offset = spaceAt + 1
                } else {
                    out += slice(offset..<bytes.count)
                    offset = bytes.count
                }
            }
        }
        out += slice(offset..<bytes.count)
        return out
    }
}

struct DecodeError: Error {
    var message: String
}

/// `encoding/base64.StdEncoding` decoding with Go's error texts.
enum Base64 {
    static func decode(_ text: String) -> Result<[UInt8], DecodeError> {
        let alphabet = Array(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var table = [Int](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = index }
        var input = Array(text.utf8).filter { $0 != 10 && $0 != 13 }
        _ = input.count
        var out: [UInt8] = []
        var index = 0
        let raw = Array(text.utf8)
        // Go reports offsets in the original input; newlines are skipped in place.
        var positions: [Int] = []
        for (position, byte) in raw.enumerated() where byte != 10 && byte != 13 {
            positions.append(position)
        }
        input = positions.map { raw[$0] }
        while index < input.count {
            var quantum: [Int] = []
            var padding = 0
            let quantumStart = index
            while quantum.count + padding < 4 {
                if index >= input.count {
                    if quantum.isEmpty && padding == 0 { return .success(out) }
                    // Go reports where the unfinished quantum starts.
                    let offset =
                        quantumStart < positions.count ? positions[quantumStart] : raw.count
                    return .failure(corrupt(offset))
                }
                let byte = input[index]
                if byte == UInt8(ascii: "=") {
                    if quantum.count < 2 { return .failure(corrupt(positions[index])) }
                    padding += 1
                    index += 1
                    if quantum.count == 2 && padding == 1 {
                        guard index < input.count, input[index] == UInt8(ascii: "=") else {
                            let offset = index < positions.count ? positions[index] : raw.count
                            return .failure(corrupt(offset))
                        }
                        padding += 1
                        index += 1
                    }
                    if index < input.count { return .failure(corrupt(positions[index])) }
                    break
                }
                let value = table[Int(byte)]
                if value < 0 { return .failure(corrupt(positions[index])) }
                quantum.append(value)
                index += 1
            }
            switch quantum.count {
            case 4:
                out.append(UInt8((quantum[0] << 2 | quantum[1] >> 4) & 0xFF))
                out.append(UInt8((quantum[1] << 4 | quantum[2] >> 2) & 0xFF))
                out.append(UInt8((quantum[2] << 6 | quantum[3]) & 0xFF))
            case 3:
                out.append(UInt8((quantum[0] << 2 | quantum[1] >> 4) & 0xFF))
                out.append(UInt8((quantum[1] << 4 | quantum[2] >> 2) & 0xFF))
            case 2:
                out.append(UInt8((quantum[0] << 2 | quantum[1] >> 4) & 0xFF))
            default:
                break
            }
        }
        return .success(out)
    }

    static func corrupt(_ offset: Int) -> DecodeError {
        DecodeError(message: "illegal base64 data at input byte \(offset)")
    }
}

/// `encoding/base32.StdEncoding`.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 5, bytes.count)])
            var buffer = [UInt8](repeating: 0, count: 5)
            for (position, byte) in chunk.enumerated() { buffer[position] = byte }
            let bits = buffer.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let characters = [8, 2, 4, 5, 7, 8][chunk.count]
            for position in 0..<8 {
                if position < characters {
                    out.append(alphabet[Int((bits >> UInt64(35 - position * 5)) & 31)])
                } else {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> Result<[UInt8], DecodeError> {
        var table = [Int](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = index }
        let raw = Array(text.utf8)
        var positions: [Int] = []
        for (position, byte) in raw.enumerated() where byte != 10 && byte != 13 {
            positions.append(position)
        }
        let input = positions.map { raw[$0] }
        var out: [UInt8] = []
        var index = 0
        while index < input.count {
            guard input.count - index >= 8 else {
                // Go reports where the unfinished quantum starts.
                return .failure(corrupt(positions[index]))
            }
            var values: [Int] = []
            var padding = 0
            for position in 0..<8 {
                let byte = input[index + position]
                if byte == UInt8(ascii: "=") {
                    padding += 1
                    continue
                }
                if padding > 0 { return .failure(corrupt(positions[index + position])) }
                let value = table[Int(byte)]
                if value < 0 { return .failure(corrupt(positions[index + position])) }
                values.append(value)
            }
            let bytesFor = [0: 0, 2: 1, 4: 2, 5: 3, 7: 4, 8: 5]
            guard let count = bytesFor[values.count] else {
                return .failure(corrupt(positions[index + values.count]))
            }
            var bits: UInt64 = 0
            for position in 0..<8 {
                bits = bits << 5 | UInt64(position < values.count ? values[position] : 0)
            }
            for position in 0..<count {
                out.append(UInt8((bits >> UInt64(32 - position * 8)) & 0xFF))
            }
            index += 8
            if padding > 0 && index < input.count {
                return .failure(corrupt(positions[index]))
            }
        }
        return .success(out)
    }

    static func corrupt(_ offset: Int) -> DecodeError {
        DecodeError(message: "illegal base32 data at input byte \(offset)")
    }
}
