/// Scans pickle opcodes (protocols 0 to 5) without executing them, and names every global the
/// pickle would import, resolving `GLOBAL`, `INST` and `STACK_GLOBAL` through a model of the
/// unpickler's stack and memo that tracks only string constants.
///
/// The scan reads the bytes in place: no allocation per opcode, only per string that reaches
/// a memo slot or a global.
struct PickleScanner {
    /// The deepest stack the scan models before it gives up on a file.
    static let maxStackDepth = 1 << 20

    struct Result {
        var findings: [ArtifactFinding]
        var globals: [String]
    }

    /// A stack slot: a string constant's bytes (`start`, `count` into the pickle), a string
    /// whose value the scan cannot know exactly, or any other value. Marks are kept apart, as
    /// the stack heights they were set at.
    private struct Slot {
        enum Kind: UInt8 {
            case other
            case string
            case opaqueString
        }
        var kind: Kind
        var start: Int
        var count: Int

        static let other = Slot(kind: .other, start: 0, count: 0)
    }

    private struct ParseError: Error {
        var offset: Int
        var message: String
    }

    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private let rules: ArtifactRules
    private var findings: [ArtifactFinding] = []
    private var globals: [String] = []
    private var seenGlobals: Set<String> = []
    private var stack: [Slot] = []
    private var marks: [Int] = []
    private var memoStrings: [Int: Slot] = [:]
    private var memoDense: [Bool] = []
    private var memoSparse: Set<Int> = []
    private var memoCount = 0

    /// Scans every pickle in `bytes`; a file may hold several pickles one after another.
    static func scan(_ bytes: UnsafeRawBufferPointer, file: String, rules: ArtifactRules) -> Result
    {
        var scanner = PickleScanner(bytes: bytes, file: file, rules: rules)
        scanner.run()
        return Result(findings: scanner.findings, globals: scanner.globals)
    }

    private init(bytes: UnsafeRawBufferPointer, file: String, rules: ArtifactRules) {
        self.bytes = bytes
        self.file = file
        self.rules = rules
    }

    private mutating func run() {
        var offset = 0
        var first = true
        while offset < bytes.count {
            if !first && bytes[offset] != 0x80 {
                findings.append(
                    ArtifactFinding(
                        file: file, location: "byte \(offset)", severity: .warning,
                        check: "pickle",
                        message:
                            "\(bytes.count - offset) bytes after the last pickle are not a pickle "
                            + "and were not scanned"))
                return
            }
            first = false
            stack.removeAll(keepingCapacity: true)
            marks.removeAll(keepingCapacity: true)
            memoStrings.removeAll()
            memoDense.removeAll(keepingCapacity: true)
            memoSparse.removeAll()
            memoCount = 0
            do {
                offset = try scanOne(from: offset)
            } catch {
                findings.append(
                    ArtifactFinding(
                        file: file, location: "byte \(error.offset)", check: "pickle",
                        message: "cannot be parsed: \(error.message); the scan stopped there, so "
                            + "the rest of the file is unchecked"))
                return
            }
        }
        if bytes.isEmpty {
            findings.append(
                ArtifactFinding(file: file, check: "pickle", message: "is empty; expected a pickle")
            )
        }
    }

    // MARK: - Reading arguments

    private func byte(_ at: Int) -> UInt8 { bytes[at] }

    private func need(_ count: Int, at offset: Int, _ opcode: Int) throws(ParseError) {
        guard count >= 0, count <= bytes.count - offset else {
            throw ParseError(
                offset: opcode,
                message: "the argument of opcode \(printable(bytes[opcode])) runs "
                    + "past the end of the data")
        }
    }

    private func little(_ offset: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[offset + index]) << (8 * index) }
        return value
    }

    /// The end of the line starting at `offset` (the index of its `\n`).
    private func lineEnd(from offset: Int, _ opcode: Int) throws(ParseError) -> Int {
        var index = offset
        while index < bytes.count {
            if bytes[index] == 0x0a { return index }
            index += 1
        }
        throw ParseError(
            offset: opcode, message: "opcode \(printable(bytes[opcode])) has no line end")
    }

    private func text(_ start: Int, _ count: Int) -> String {
        String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<start + count]), as: UTF8.self)
    }

    // MARK: - Stack model

    private mutating func push(_ slot: Slot, _ offset: Int) throws(ParseError) {
        guard stack.count < Self.maxStackDepth else {
            throw ParseError(
                offset: offset, message: "the stack grows deeper than \(Self.maxStackDepth) values")
        }
        stack.append(slot)
    }

    private mutating func pop(_ count: Int, _ offset: Int) throws(ParseError) {
        let floor = marks.last ?? 0
        guard stack.count - floor >= count else {
            throw ParseError(offset: offset, message: "the stack underflows")
        }
        stack.removeLast(count)
    }

    private mutating func popMark(_ offset: Int) throws(ParseError) {
        guard let mark = marks.popLast() else {
            throw ParseError(offset: offset, message: "there is no mark to pop to")
        }
        stack.removeLast(stack.count - mark)
    }

    private mutating func top(_ offset: Int) throws(ParseError) -> Slot {
        guard let last = stack.last, stack.count > (marks.last ?? 0) else {
            throw ParseError(offset: offset, message: "the stack underflows")
        }
        return last
    }

    private mutating func memoize(_ index: Int, _ offset: Int) throws(ParseError) {
        guard index >= 0 else { throw ParseError(offset: offset, message: "a negative memo index") }
        let slot = try top(offset)
        if index < 1 << 24 {
            if index >= memoDense.count {
                memoDense.append(
                    contentsOf: repeatElement(false, count: index - memoDense.count + 1))
            }
            if !memoDense[index] {
                memoDense[index] = true
                memoCount += 1
            }
        } else if memoSparse.insert(index).inserted {
            memoCount += 1
        }
        if slot.kind == .string || slot.kind == .opaqueString {
            memoStrings[index] = slot
        } else if !memoStrings.isEmpty {
            memoStrings.removeValue(forKey: index)
        }
    }

    private mutating func fetch(_ index: Int, _ offset: Int) throws(ParseError) {
        try push(memoStrings[index] ?? .other, offset)
    }

    // MARK: - Globals

    private mutating func global(module: String, name: String, at offset: Int, opcode: String) {
        let full = module + "." + name
        if seenGlobals.insert(full).inserted { globals.append(full) }
        switch PickleGlobals.verdict(module: module, name: name, extra: rules.extraAllowedGlobals) {
        case .allowed: return
        case .denied(let why):
            findings.append(
                ArtifactFinding(
                    file: file, location: "byte \(offset)", check: "pickle",
                    message: "\(opcode) imports the dangerous global \(full): \(why)"))
        case .suspicious:
            findings.append(
                ArtifactFinding(
                    file: file, location: "byte \(offset)",
                    severity: rules.picklePolicy == .strict ? .error : .warning, check: "pickle",
                    message: "\(opcode) imports \(full), which is not on the allow list of "
                        + "tensor and array rebuild functions"))
        }
    }

    private mutating func lineGlobal(at offset: Int, opcode: String) throws(ParseError) -> Int {
        let moduleEnd = try lineEnd(from: offset + 1, offset)
        let nameEnd = try lineEnd(from: moduleEnd + 1, offset)
        let module = text(offset + 1, moduleEnd - offset - 1)
        let name = text(moduleEnd + 1, nameEnd - moduleEnd - 1)
        global(module: module, name: name, at: offset, opcode: opcode)
        return nameEnd + 1
    }

    // MARK: - The opcode loop

    /// Scans one pickle from `start` to its STOP; returns the offset after the STOP.
    private mutating func scanOne(from start: Int) throws(ParseError) -> Int {
        var offset = start
        while offset < bytes.count {
            let opcode = offset
            let code = bytes[offset]
            offset += 1
            switch code {
            case 0x2e:  // STOP
                return offset
            case 0x28:  // MARK
                guard marks.count < Self.maxStackDepth else {
                    throw ParseError(offset: opcode, message: "too many nested marks")
                }
                marks.append(stack.count)
            case 0x30:  // POP
                if let mark = marks.last, mark == stack.count {
                    try popMark(opcode)
                } else {
                    try pop(1, opcode)
                }
            case 0x31:  // POP_MARK
                try popMark(opcode)
            case 0x32:  // DUP
                try push(try top(opcode), opcode)
            case 0x46, 0x49, 0x4c:  // FLOAT, INT, LONG
                offset = try lineEnd(from: offset, opcode) + 1
                try push(.other, opcode)
            case 0x50:  // PERSID
                offset = try lineEnd(from: offset, opcode) + 1
                try push(.other, opcode)
            case 0x4a:  // BININT
                try need(4, at: offset, opcode)
                offset += 4
                try push(.other, opcode)
            case 0x4b:  // BININT1
                try need(1, at: offset, opcode)
                offset += 1
                try push(.other, opcode)
            case 0x4d:  // BININT2
                try need(2, at: offset, opcode)
                offset += 2
                try push(.other, opcode)
            case 0x47:  // BINFLOAT
                try need(8, at: offset, opcode)
                offset += 8
                try push(.other, opcode)
            case 0x4e, 0x88, 0x89, 0x7d, 0x5d, 0x29, 0x8f:
                // NONE, NEWTRUE, NEWFALSE, EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE, EMPTY_SET
                try push(.other, opcode)
            case 0x51:  // BINPERSID
                try pop(1, opcode)
                try push(.other, opcode)
            case 0x52:  // REDUCE
                try pop(2, opcode)
                try push(.other, opcode)
            case 0x62, 0x61:  // BUILD, APPEND
                try pop(1, opcode)
                _ = try top(opcode)
            case 0x65, 0x75, 0x90:  // APPENDS, SETITEMS, ADDITEMS
                try popMark(opcode)
                _ = try top(opcode)
            case 0x64, 0x6c, 0x74, 0x91:  // DICT, LIST, TUPLE, FROZENSET
                try popMark(opcode)
                try push(.other, opcode)
            case 0x6f:  // OBJ
                try popMark(opcode)
                try push(.other, opcode)
            case 0x73:  // SETITEM
                try pop(2, opcode)
                _ = try top(opcode)
            case 0x85:  // TUPLE1
                try pop(1, opcode)
                try push(.other, opcode)
            case 0x86:  // TUPLE2
                try pop(2, opcode)
                try push(.other, opcode)
            case 0x87:  // TUPLE3
                try pop(3, opcode)
                try push(.other, opcode)
            case 0x81:  // NEWOBJ
                try pop(2, opcode)
                try push(.other, opcode)
            case 0x92:  // NEWOBJ_EX
                try pop(3, opcode)
                try push(.other, opcode)
            case 0x53, 0x56:  // STRING, UNICODE: quoted or escaped text on one line
                let end = try lineEnd(from: offset, opcode)
                var slot = Slot(kind: .string, start: offset, count: end - offset)
                if code == 0x53 {
                    let quoted =
                        slot.count >= 2 && bytes[offset] == bytes[end - 1]
                        && (bytes[offset] == 0x27 || bytes[offset] == 0x22)
                    guard quoted else {
                        throw ParseError(offset: opcode, message: "STRING is not quoted")
                    }
                    slot.start += 1
                    slot.count -= 2
                }
                if UnsafeRawBufferPointer(rebasing: bytes[slot.start..<slot.start + slot.count])
                    .contains(0x5c)
                {
                    slot.kind = .opaqueString
                }
                offset = end + 1
                try push(slot, opcode)
            case 0x54, 0x58:  // BINSTRING, BINUNICODE
                try need(4, at: offset, opcode)
                let length = Int(little(offset, 4))
                offset += 4
                try need(length, at: offset, opcode)
                try push(Slot(kind: .string, start: offset, count: length), opcode)
                offset += length
            case 0x55, 0x8c:  // SHORT_BINSTRING, SHORT_BINUNICODE
                try need(1, at: offset, opcode)
                let length = Int(bytes[offset])
                offset += 1
                try need(length, at: offset, opcode)
                try push(Slot(kind: .string, start: offset, count: length), opcode)
                offset += length
            case 0x8d:  // BINUNICODE8
                try need(8, at: offset, opcode)
                let length = little(offset, 8)
                offset += 8
                guard length <= UInt64(bytes.count - offset) else {
                    throw ParseError(
                        offset: opcode,
                        message: "the argument of opcode \(printable(code)) runs "
                            + "past the end of the data")
                }
                try push(Slot(kind: .string, start: offset, count: Int(length)), opcode)
                offset += Int(length)
            case 0x42:  // BINBYTES
                try need(4, at: offset, opcode)
                let length = Int(little(offset, 4))
                offset += 4
                try need(length, at: offset, opcode)
                offset += length
                try push(.other, opcode)
            case 0x43:  // SHORT_BINBYTES
                try need(1, at: offset, opcode)
                let length = Int(bytes[offset])
                offset += 1
                try need(length, at: offset, opcode)
                offset += length
                try push(.other, opcode)
            case 0x8a:  // LONG1
                try need(1, at: offset, opcode)
                let length = Int(bytes[offset])
                offset += 1
                try need(length, at: offset, opcode)
                offset += length
                try push(.other, opcode)
            case 0x8b:  // LONG4
                try need(4, at: offset, opcode)
                let length = Int(little(offset, 4))
                offset += 4
                try need(length, at: offset, opcode)
                offset += length
                try push(.other, opcode)
            case 0x8e, 0x96:  // BINBYTES8, BYTEARRAY8
                try need(8, at: offset, opcode)
                let length = little(offset, 8)
                offset += 8
                guard length <= UInt64(bytes.count - offset) else {
                    throw ParseError(
                        offset: opcode,
                        message: "the argument of opcode \(printable(code)) runs "
                            + "past the end of the data")
                }
                offset += Int(length)
                try push(.other, opcode)
            case 0x80:  // PROTO
                try need(1, at: offset, opcode)
                guard bytes[offset] <= 5 else {
                    throw ParseError(
                        offset: opcode, message: "protocol \(bytes[offset]) is not 0 to 5")
                }
                offset += 1
            case 0x95:  // FRAME
                try need(8, at: offset, opcode)
                offset += 8
            case 0x97:  // NEXT_BUFFER
                try push(.other, opcode)
            case 0x98:  // READONLY_BUFFER
                _ = try top(opcode)
            case 0x82, 0x83, 0x84:  // EXT1, EXT2, EXT4
                let width = code == 0x82 ? 1 : code == 0x83 ? 2 : 4
                try need(width, at: offset, opcode)
                let number = little(offset, width)
                offset += width
                findings.append(
                    ArtifactFinding(
                        file: file, location: "byte \(opcode)", check: "pickle",
                        message: "EXT\(width) imports extension code \(number) from the copyreg "
                            + "registry, which a scan cannot resolve; treated as dangerous"))
                try push(.other, opcode)
            case 0x63:  // GLOBAL
                offset = try lineGlobal(at: opcode, opcode: "GLOBAL")
                try push(.other, opcode)
            case 0x69:  // INST
                offset = try lineGlobal(at: opcode, opcode: "INST")
                try popMark(opcode)
                try push(.other, opcode)
            case 0x93:  // STACK_GLOBAL
                let name = try top(opcode)
                try pop(1, opcode)
                let module = try top(opcode)
                try pop(1, opcode)
                if module.kind == .string && name.kind == .string {
                    global(
                        module: text(module.start, module.count),
                        name: text(name.start, name.count), at: opcode, opcode: "STACK_GLOBAL")
                } else {
                    findings.append(
                        ArtifactFinding(
                            file: file, location: "byte \(opcode)", check: "pickle",
                            message: "STACK_GLOBAL imports a global whose module or name is "
                                + "computed, not a string constant, so the scan cannot resolve "
                                + "it; treated as dangerous"))
                }
                try push(.other, opcode)
            case 0x70:  // PUT
                let end = try lineEnd(from: offset, opcode)
                guard let index = Int(text(offset, end - offset)) else {
                    throw ParseError(offset: opcode, message: "PUT has no decimal memo index")
                }
                try memoize(index, opcode)
                offset = end + 1
            case 0x71:  // BINPUT
                try need(1, at: offset, opcode)
                try memoize(Int(bytes[offset]), opcode)
                offset += 1
            case 0x72:  // LONG_BINPUT
                try need(4, at: offset, opcode)
                try memoize(Int(little(offset, 4)), opcode)
                offset += 4
            case 0x94:  // MEMOIZE
                try memoize(memoCount, opcode)
            case 0x67:  // GET
                let end = try lineEnd(from: offset, opcode)
                guard let index = Int(text(offset, end - offset)) else {
                    throw ParseError(offset: opcode, message: "GET has no decimal memo index")
                }
                try fetch(index, opcode)
                offset = end + 1
            case 0x68:  // BINGET
                try need(1, at: offset, opcode)
                try fetch(Int(bytes[offset]), opcode)
                offset += 1
            case 0x6a:  // LONG_BINGET
                try need(4, at: offset, opcode)
                try fetch(Int(little(offset, 4)), opcode)
                offset += 4
            default:
                throw ParseError(offset: opcode, message: "unknown opcode \(printable(code))")
            }
        }
        throw ParseError(offset: bytes.count, message: "the data ends before a STOP opcode")
    }
}
