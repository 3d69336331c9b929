// The scanner of Go's text/template (text/template/parse/lex.go), byte for byte: the same items,
// positions (byte offsets), trim markers, comment rules and error texts.

/// The kind of a lexical item; keywords come after `keyword`, as in Go.
enum ItemType: Int, Sendable {
    case error, bool, char, charConstant, comment, complex, assign, declare, eof, field
    case identifier, leftDelim, leftParen, number, pipe, rawString, rightDelim, rightParen
    case space, string, text, variable
    case keyword
    case block, breakKeyword, continueKeyword, dot, define, elseKeyword, end, ifKeyword
    case nilKeyword, range, template, with

    var isKeyword: Bool { rawValue > ItemType.keyword.rawValue }

    static let keywords: [String: ItemType] = [
        ".": .dot, "block": .block, "break": .breakKeyword, "continue": .continueKeyword,
        "define": .define, "else": .elseKeyword, "end": .end, "if": .ifKeyword,
        "range": .range, "nil": .nilKeyword, "template": .template, "with": .with,
    ]
}

/// A token: its type, byte offset, text and the line it starts on.
struct Item: Sendable {
    var type: ItemType
    var pos: Int
    var val: String
    var line: Int

    /// Go's `item.String()`, used in parse errors.
    var description: String {
        switch type {
        case .eof: return "EOF"
        case .error: return val
        default:
            if type.isKeyword { return "<\(val)>" }
            let scalars = Array(val.unicodeScalars)
            if scalars.count > 10 {
                var prefix = String.UnicodeScalarView()
                prefix.append(contentsOf: scalars[0..<10])
                return GoFormat.quote(String(prefix)) + "..."
            }
            return GoFormat.quote(val)
        }
    }
}

/// Line numbers from byte offsets, by binary search over the newline offsets.
struct LineIndex: Sendable {
    private let newlines: [Int]

    init(_ bytes: [UInt8]) {
        var offsets: [Int] = []
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            offsets.append(index)
        }
        newlines = offsets
    }

    /// The number of newlines before `offset`.
    func newlineCount(before offset: Int) -> Int {
        var low = 0
        var high = newlines.count
        while low < high {
            let mid = (low + high) / 2
            if newlines[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func line(at offset: Int) -> Int { 1 + newlineCount(before: offset) }

    /// Go's `ErrorContext` line and byte column (0-based from the line start).
    func lineAndColumn(at offset: Int) -> (line: Int, column: Int) {
        let count = newlineCount(before: offset)
        if count == 0 { return (1, offset) }
        return (count + 1, offset - (newlines[count - 1] + 1))
    }
}

struct Lexer {
    private enum State {
        case text, leftDelim, comment, insideAction, rightDelim, space, quote, rawQuote
        case variable, field, char, number, identifier
    }

    private static let leftDelimBytes: [UInt8] = Array("{{".utf8)
    private static let rightDelimBytes: [UInt8] = Array("}}".utf8)
    private static let leftComment: [UInt8] = Array("/*".utf8)
    private static let rightComment: [UInt8] = Array("*/".utf8)
    private static let eof: UInt32 = 0xFFFF_FFFF

    let input: [UInt8]
    let lines: LineIndex
    private let breakOK: Bool
    private let continueOK: Bool
    private var pos = 0
    private var start = 0
    private var width = 0
    private var insideAction = false
    private var parenDepth = 0
    private var done = false

    init(input: [UInt8], lines: LineIndex, breakOK: Bool, continueOK: Bool) {
        self.input = input
        self.lines = lines
        self.breakOK = breakOK
        self.continueOK = continueOK
    }

    // MARK: Runes

    private func decode(at offset: Int) -> (UInt32, Int) {
        guard offset < input.count else { return (Lexer.eof, 0) }
        let first = input[offset]
        if first < 0x80 { return (UInt32(first), 1) }
        var length = 0
        var value: UInt32 = 0
        if first & 0xE0 == 0xC0 {
            length = 2
            value = UInt32(first & 0x1F)
        } else if first & 0xF0 == 0xE0 {
            length = 3
            value = UInt32(first & 0x0F)
        } else if first & 0xF8 == 0xF0 {
            length = 4
            value = UInt32(first & 0x07)
        } else {
            return (0xFFFD, 1)
        }
        guard offset + length <= input.count else { return (0xFFFD, 1) }
        for index in 1..<length {
            let byte = input[offset + index]
            guard byte & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }

    private mutating func next() -> UInt32 {
        let (rune, size) = decode(at: pos)
        width = size
        pos += size
        return rune
    }

    private mutating func backup() { pos -= width }

    private func peek() -> UInt32 { decode(at: pos).0 }

    private func hasPrefix(_ prefix: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + prefix.count <= input.count else { return false }
        for (index, byte) in prefix.enumerated() where input[offset + index] != byte {
            return false
        }
        return true
    }

    private static func isSpace(_ rune: UInt32) -> Bool {
        rune == 0x20 || rune == 0x09 || rune == 0x0A || rune == 0x0D
    }

    private func isSpaceByte(at offset: Int) -> Bool {
        offset < input.count && Lexer.isSpace(UInt32(input[offset]))
    }

    static func isAlphaNumeric(_ rune: UInt32) -> Bool {
        if rune == UInt32(UInt8(ascii: "_")) { return true }
        guard rune != eof, let scalar = Unicode.Scalar(rune) else { return false }
        if rune < 0x80 {
            let byte = UInt8(rune)
            return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber:
            return true
        default:
            return false
        }
    }

    private func hasLeftTrimMarker(at offset: Int) -> Bool {
        offset + 1 < input.count && input[offset] == UInt8(ascii: "-")
            && isSpaceByte(at: offset + 1)
    }

    private func hasRightTrimMarker(at offset: Int) -> Bool {
        offset >= 0 && offset + 1 < input.count && isSpaceByte(at: offset)
            && input[offset + 1] == UInt8(ascii: "-")
    }

    private func atRightDelim() -> (delim: Bool, trim: Bool) {
        if hasRightTrimMarker(at: pos) && hasPrefix(Lexer.rightDelimBytes, at: pos + 2) {
            return (true, true)
        }
        if hasPrefix(Lexer.rightDelimBytes, at: pos) { return (true, false) }
        return (false, false)
    }

    private func atTerminator() -> Bool {
        let rune = peek()
        if Lexer.isSpace(rune) { return true }
        switch rune {
        case Lexer.eof, 0x2E, 0x2C, 0x7C, 0x3A, 0x29, 0x28: return true
        default: return rune == UInt32(Lexer.rightDelimBytes[0])
        }
    }

    // MARK: Items

    private func string(_ from: Int, _ to: Int) -> String {
        String(decoding: input[from..<to], as: UTF8.self)
    }

    private mutating func emit(_ type: ItemType) -> Item {
        let item = Item(
            type: type, pos: start, val: string(start, pos), line: lines.line(at: start))
        start = pos
        return item
    }

    private mutating func fail(_ message: String) -> Item {
        done = true
        return Item(type: .error, pos: start, val: message, line: lines.line(at: start))
    }

    /// The next item; after EOF or an error, EOF forever.
    mutating func nextItem() -> Item {
        if done {
            return Item(type: .eof, pos: pos, val: "EOF", line: lines.line(at: start))
        }
        var state: State = insideAction ? .insideAction : .text
        while true {
            switch step(state) {
            case .item(let item):
                if item.type == .eof { done = true }
                return item
            case .state(let next):
                state = next
            }
        }
    }

    private enum Step {
        case item(Item)
        case state(State)
    }

    private mutating func step(_ state: State) -> Step {
        switch state {
        case .text: return lexText()
        case .leftDelim: return lexLeftDelim()
        case .comment: return lexComment()
        case .insideAction: return lexInsideAction()
        case .rightDelim: return lexRightDelim()
        case .space: return lexSpace()
        case .quote: return lexQuote()
        case .rawQuote: return lexRawQuote()
        case .variable:
            if atTerminator() { return .item(emit(.variable)) }
            return lexFieldOrVariable(.variable)
        case .field: return lexFieldOrVariable(.field)
        case .char: return lexChar()
        case .number: return lexNumber()
        case .identifier: return lexIdentifier()
        }
    }

    private func indexOfLeftDelim(from offset: Int) -> Int? {
        var index = offset
        let first = Lexer.leftDelimBytes[0]
        while index + 1 < input.count {
            if input[index] == first && input[index + 1] == Lexer.leftDelimBytes[1] {
                return index
            }
            index += 1
        }
        return nil
    }

    private func rightTrimLength(_ from: Int, _ to: Int) -> Int {
        var end = to
        while end > from && Lexer.isSpace(UInt32(input[end - 1])) { end -= 1 }
        return to - end
    }

    private func leftTrimLength(from offset: Int) -> Int {
        var end = offset
        while end < input.count && Lexer.isSpace(UInt32(input[end])) { end += 1 }
        return end - offset
    }

    private mutating func lexText() -> Step {
        if let found = indexOfLeftDelim(from: pos) {
            if found > pos {
                pos = found
                var trimLength = 0
                if hasLeftTrimMarker(at: pos + Lexer.leftDelimBytes.count) {
                    trimLength = rightTrimLength(start, pos)
                }
                pos -= trimLength
                let item = Item(
                    type: .text, pos: start, val: string(start, pos), line: lines.line(at: start))
                pos += trimLength
                start = pos
                if !item.val.isEmpty { return .item(item) }
            }
            return .state(.leftDelim)
        }
        pos = input.count
        if pos > start { return .item(emit(.text)) }
        return .item(emit(.eof))
    }

    private mutating func lexLeftDelim() -> Step {
        pos += Lexer.leftDelimBytes.count
        let trim = hasLeftTrimMarker(at: pos)
        let afterMarker = trim ? 2 : 0
        if hasPrefix(Lexer.leftComment, at: pos + afterMarker) {
            pos += afterMarker
            start = pos
            return .state(.comment)
        }
        let item = emit(.leftDelim)
        insideAction = true
        pos += afterMarker
        start = pos
        parenDepth = 0
        return .item(item)
    }

    private mutating func lexComment() -> Step {
        pos += Lexer.leftComment.count
        var index = pos
        var found = -1
        while index + 1 < input.count {
            if input[index] == Lexer.rightComment[0] && input[index + 1] == Lexer.rightComment[1] {
                found = index
                break
            }
            index += 1
        }
        if found < 0 { return .item(fail("unclosed comment")) }
        pos = found + Lexer.rightComment.count
        let (delim, trim) = atRightDelim()
        if !delim { return .item(fail("comment ends before closing delimiter")) }
        if trim { pos += 2 }
        pos += Lexer.rightDelimBytes.count
        if trim { pos += leftTrimLength(from: pos) }
        start = pos
        return .state(.text)
    }

    private mutating func lexRightDelim() -> Step {
        let (_, trim) = atRightDelim()
        if trim {
            pos += 2
            start = pos
        }
        pos += Lexer.rightDelimBytes.count
        let item = emit(.rightDelim)
        if trim {
            pos += leftTrimLength(from: pos)
            start = pos
        }
        insideAction = false
        return .item(item)
    }

    private mutating func lexInsideAction() -> Step {
        let (delim, _) = atRightDelim()
        if delim {
            if parenDepth == 0 { return .state(.rightDelim) }
            return .item(fail("unclosed left paren"))
        }
        let rune = next()
        switch rune {
        case Lexer.eof:
            return .item(fail("unclosed action"))
        case _ where Lexer.isSpace(rune):
            backup()
            return .state(.space)
        case 0x3D:  // =
            return .item(emit(.assign))
        case 0x3A:  // :
            if next() != 0x3D { return .item(fail("expected :=")) }
            return .item(emit(.declare))
        case 0x7C:
            return .item(emit(.pipe))
        case 0x22:
            return .state(.quote)
        case 0x60:
            return .state(.rawQuote)
        case 0x24:
            return .state(.variable)
        case 0x27:
            return .state(.char)
        case 0x2E:
            if pos < input.count {
                let following = input[pos]
                if following < 0x30 || following > 0x39 { return .state(.field) }
            }
            backup()
            return .state(.number)
        case 0x2B, 0x2D, 0x30...0x39:
            backup()
            return .state(.number)
        case _ where Lexer.isAlphaNumeric(rune):
            backup()
            return .state(.identifier)
        case 0x28:
            parenDepth += 1
            return .item(emit(.leftParen))
        case 0x29:
            parenDepth -= 1
            if parenDepth < 0 { return .item(fail("unexpected right paren")) }
            return .item(emit(.rightParen))
        case 0x20...0x7E:
            return .item(emit(.char))
        default:
            return .item(fail("unrecognized character in action: \(GoText.unicodeName(rune))"))
        }
    }

    private mutating func lexSpace() -> Step {
        var spaces = 0
        while Lexer.isSpace(peek()) {
            _ = next()
            spaces += 1
        }
        if hasRightTrimMarker(at: pos - 1) && hasPrefix(Lexer.rightDelimBytes, at: pos - 1 + 2) {
            pos -= 1
            if spaces == 1 { return .state(.rightDelim) }
        }
        return .item(emit(.space))
    }

    private mutating func lexIdentifier() -> Step {
        while true {
            let rune = next()
            if Lexer.isAlphaNumeric(rune) { continue }
            backup()
            if !atTerminator() { return .item(fail("bad character \(GoText.unicodeName(rune))")) }
            let word = string(start, pos)
            if let keyword = ItemType.keywords[word], keyword.isKeyword {
                if (keyword == .breakKeyword && !breakOK)
                    || (keyword == .continueKeyword && !continueOK)
                {
                    return .item(emit(.identifier))
                }
                return .item(emit(keyword))
            }
            if word.hasPrefix(".") { return .item(emit(.field)) }
            if word == "true" || word == "false" { return .item(emit(.bool)) }
            return .item(emit(.identifier))
        }
    }

    private mutating func lexFieldOrVariable(_ type: ItemType) -> Step {
        if atTerminator() {
            return .item(emit(type == .variable ? .variable : .dot))
        }
        var rune: UInt32
        repeat {
            rune = next()
        } while Lexer.isAlphaNumeric(rune)
        backup()
        if !atTerminator() { return .item(fail("bad character \(GoText.unicodeName(rune))")) }
        return .item(emit(type))
    }

    private mutating func lexChar() -> Step {
        lexQuoted(quote: 0x27, type: .charConstant, unterminated: "unterminated character constant")
    }

    private mutating func accept(_ valid: String) -> Bool {
        let rune = next()
        if rune != Lexer.eof, let scalar = Unicode.Scalar(rune),
            valid.unicodeScalars.contains(scalar)
        {
            return true
        }
        backup()
        return false
    }

    private mutating func acceptRun(_ valid: String) {
        while accept(valid) {}
    }

    private mutating func scanNumber() -> Bool {
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") {
                digits = "0123456789abcdefABCDEF_"
            } else if accept("oO") {
                digits = "01234567_"
            } else if accept("bB") {
                digits = "01_"
            }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.count == 11 && accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.count == 23 && accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        if Lexer.isAlphaNumeric(peek()) {
            _ = next()
            return false
        }
        return true
    }

    private mutating func lexNumber() -> Step {
        if !scanNumber() {
            return .item(fail("bad number syntax: \(GoFormat.quote(string(start, pos)))"))
        }
        let sign = peek()
        if sign == 0x2B || sign == 0x2D {
            if !scanNumber() || input[pos - 1] != UInt8(ascii: "i") {
                return .item(fail("bad number syntax: \(GoFormat.quote(string(start, pos)))"))
            }
            return .item(emit(.complex))
        }
        return .item(emit(.number))
    }

    private mutating func lexQuote() -> Step {
        lexQuoted(quote: 0x22, type: .string, unterminated: "unterminated quoted string")
    }

    /// A character constant or an interpreted string: up to the closing quote, on one line.
    private mutating func lexQuoted(quote: UInt32, type: ItemType, unterminated: String) -> Step {
        while true {
            let rune = next()
            if rune == 0x5C {
                let escaped = next()
                if escaped != Lexer.eof && escaped != 0x0A { continue }
                return .item(fail(unterminated))
            }
            if rune == Lexer.eof || rune == 0x0A { return .item(fail(unterminated)) }
            if rune == quote { return .item(emit(type)) }
        }
    }

    private mutating func lexRawQuote() -> Step {
        while true {
            switch next() {
            case Lexer.eof:
                return .item(fail("unterminated raw quoted string"))
            case 0x60:
                return .item(emit(.rawString))
            default:
                continue
            }
        }
    }
}
