// The built-in functions of text/template (text/template/funcs.go), with Go's signatures (for
// the executor's arity and argument checks) and Go's error texts.

enum Builtin: String, CaseIterable {
    case and, or, call, html, index, slice, js, len, not, print, printf, println, urlquery
    case eq, ge, gt, le, lt, ne

    var signature: (parameters: [ParamType], variadic: ParamType?) {
        switch self {
        case .and, .or, .call, .index, .slice, .eq: return ([.reflectValue], .reflectValue)
        case .html, .js, .urlquery, .print, .println: return ([], .go(.any))
        case .printf: return ([.go(.string)], .go(.any))
        case .len, .not: return ([.reflectValue], nil)
        case .ge, .gt, .le, .lt, .ne: return ([.reflectValue, .reflectValue], nil)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    func call(_ argv: [EvalValue], calleeName: String) throws -> EvalValue {
        switch self {
        case .and, .or:
            return argv.last ?? .invalid
        case .call:
            guard let function = argv.first?.unboxed else { throw Failure("call of nil") }
            throw Failure("non-function \(calleeName) of type \(function.goTypeName)")
        case .html:
            return .concrete(.string(Builtin.htmlEscape(Builtin.evalArgs(argv))))
        case .js:
            return .concrete(.string(Builtin.jsEscape(Builtin.evalArgs(argv))))
        case .urlquery:
            return .concrete(.string(Builtin.queryEscape(Builtin.evalArgs(argv))))
        case .print:
            return .concrete(.string(GoFormat.sprint(argv.map(\.argument))))
        case .println:
            return .concrete(.string(GoFormat.sprintln(argv.map(\.argument))))
        case .printf:
            guard case .string(let format)? = argv.first?.unboxed else {
                return .concrete(
                    .string(GoFormat.sprintf("", argv.dropFirst().map(\.argument))))
            }
            return .concrete(
                .string(GoFormat.sprintf(format, argv.dropFirst().map(\.argument))))
        case .index:
            return try Builtin.index(argv)
        case .slice:
            return try Builtin.slice(argv)
        case .len:
            return .concrete(.int(try Builtin.length(argv.first ?? .invalid)))
        case .not:
            return .concrete(.bool(!(argv.first?.unboxed?.isTrue ?? false)))
        case .eq:
            return .concrete(.bool(try Builtin.eq(argv[0], Array(argv.dropFirst()))))
        case .ne:
            return .concrete(.bool(!(try Builtin.eq(argv[0], [argv[1]]))))
        case .lt:
            return .concrete(.bool(try Builtin.lt(argv[0], argv[1])))
        case .le:
            return .concrete(.bool(try Builtin.le(argv[0], argv[1])))
        case .gt:
            return .concrete(.bool(!(try Builtin.le(argv[0], argv[1]))))
        case .ge:
            return .concrete(.bool(!(try Builtin.lt(argv[0], argv[1]))))
        }
    }

    // MARK: Escaping

    /// Go's `evalArgs`: a lone string as is; otherwise `fmt.Sprint` of the arguments, a nil one
    /// printed as `<no value>`.
    static func evalArgs(_ argv: [EvalValue]) -> String {
        if argv.count == 1, case .string(let text)? = argv[0].unboxed { return text }
        return GoFormat.sprint(argv.map { $0.unboxed ?? .string("<no value>") })
    }

    private static let htmlEscapes: [Unicode.Scalar: String] = [
        "\0": "\u{FFFD}", "\"": "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;",
    ]

    /// `template.HTMLEscapeString`.
    static func htmlEscape(_ text: String) -> String {
        GoText.escape(text) { htmlEscapes[$0] }
    }

    private static let jsEscapes: [Unicode.Scalar: String] = [
        "\\": "\\\\", "'": "\\'", "\"": "\\\"", "<": "\\u003C", ">": "\\u003E",
        "&": "\\u0026", "=": "\\u003D",
    ]

    /// `template.JSEscapeString`.
    static func jsEscape(_ text: String) -> String {
        GoText.escape(text) { scalar in
            if let escaped = jsEscapes[scalar] { return escaped }
            if scalar.value < 0x20 {
                return "\\u00" + String(scalar.value, radix: 16, uppercase: true).leftPadded(2)
            }
            if scalar.value < 0x80 || GoFormat.isPrint(scalar) { return nil }
            return "\\u" + String(scalar.value, radix: 16, uppercase: true).leftPadded(4)
        }
    }

    /// `url.QueryEscape`.
    static func queryEscape(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%"
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    // MARK: Indexing

    private static func indexArg(_ index: EvalValue, cap: Int) throws -> Int {
        let position: Int64
        switch index.unboxed {
        case .int(let value): position = Int64(value)
        case .int64(let value): position = value
        case nil: throw Failure("cannot index slice/array with nil")
        case .some(let other):
            throw Failure("cannot index slice/array with type \(other.goTypeName)")
        }
        if position < 0 || position > Int64(cap) {
            throw Failure("index out of range: \(position)")
        }
        return Int(position)
    }

    static func index(_ argv: [EvalValue]) throws -> EvalValue {
        guard let first = argv.first?.unboxed else { throw Failure("index of untyped nil") }
        var result: EvalValue = .concrete(first)
        for index in argv.dropFirst() {
            guard let item = result.unboxed else { throw Failure("index of nil pointer") }
            switch item {
            case .list(let elements):
                let position = try indexArg(index, cap: elements.count)
                guard position < elements.count else {
                    throw Failure("reflect: slice index out of range")
                }
                result = .boxed(elements[position])
            case .string(let text):
                let bytes = Array(text.utf8)
                let position = try indexArg(index, cap: bytes.count)
                guard position < bytes.count else {
                    throw Failure("reflect: string index out of range")
                }
                result = .concrete(.int(Int(bytes[position])))
            case .map(let entries):
                switch index.unboxed {
                case .string(let key)?:
                    result = .boxed(entries[key] ?? .null)
                case nil:
                    throw Failure("value is nil; should be of type string")
                case .some(let other):
                    throw Failure("value has type \(other.goTypeName); should be string")
                }
            case .object(let object) where object.mapEntries != nil:
                switch index.unboxed {
                case .string(let key)?:
                    result = .concrete(object.mapEntries?[key] ?? .string(""))
                case nil:
                    throw Failure("value is nil; should be of type string")
                case .some(let other):
                    throw Failure("value has type \(other.goTypeName); should be string")
                }
            case .object(let object):
                guard let elements = object.elements else {
                    throw Failure("can't index item of type \(object.goTypeName)")
                }
                let position = try indexArg(index, cap: elements.count)
                guard position < elements.count else {
                    throw Failure("reflect: slice index out of range")
                }
                result = .concrete(elements[position])
            default:
                throw Failure("can't index item of type \(item.goTypeName)")
            }
        }
        return result
    }

    static func slice(_ argv: [EvalValue]) throws -> EvalValue {
        guard let item = argv.first?.unboxed else { throw Failure("slice of untyped nil") }
        let indexes = Array(argv.dropFirst())
        if indexes.count > 3 { throw Failure("too many slice indexes: \(indexes.count)") }
        let count: Int
        switch item {
        case .string(let text):
            if indexes.count == 3 { throw Failure("cannot 3-index slice a string") }
            count = text.utf8.count
        case .list(let elements):
            count = elements.count
        default:
            throw Failure("can't slice item of type \(item.goTypeName)")
        }
        var bounds = [0, count, 0]
        for (position, index) in indexes.enumerated() {
            bounds[position] = try indexArg(index, cap: count)
        }
        if bounds[0] > bounds[1] {
            throw Failure("invalid slice index: \(bounds[0]) > \(bounds[1])")
        }
        if indexes.count == 3 && bounds[1] > bounds[2] {
            throw Failure("invalid slice index: \(bounds[1]) > \(bounds[2])")
        }
        switch item {
        case .string(let text):
            let bytes = Array(text.utf8)[bounds[0]..<bounds[1]]
            return .concrete(.string(String(decoding: bytes, as: UTF8.self)))
        case .list(let elements):
            return .concrete(.list(Array(elements[bounds[0]..<bounds[1]])))
        default:
            return .concrete(item)
        }
    }

    static func length(_ item: EvalValue) throws -> Int {
        switch item {
        case .invalid:
            throw Failure("reflect: call of reflect.Value.Type on zero Value")
        case .boxed(.null), .concrete(.null):
            throw Failure("len of nil pointer")
        case .boxed(let value), .concrete(let value):
            switch value {
            case .string(let text): return text.utf8.count
            case .list(let elements): return elements.count
            case .map(let entries): return entries.count
            case .object(let object):
                if let elements = object.elements { return elements.count }
                if let entries = object.mapEntries { return entries.count }
                throw Failure("len of type \(object.goTypeName)")
            default:
                throw Failure("len of type \(value.goTypeName)")
            }
        }
    }

    // MARK: Comparison

    private enum Kind {
        case invalid, bool, int, float, string
    }

    private static func basicKind(_ value: Value?) -> Kind {
        switch value {
        case .bool?: return .bool
        case .int?, .int64?: return .int
        case .float?: return .float
        case .string?: return .string
        default: return .invalid
        }
    }

    private static func integer(_ value: Value?) -> Int64 {
        switch value {
        case .int(let number)?: return Int64(number)
        case .int64(let number)?: return number
        default: return 0
        }
    }

    private static func float(_ value: Value?) -> Double {
        if case .float(let number)? = value { return number }
        return 0
    }

    private static func string(_ value: Value?) -> String {
        if case .string(let text)? = value { return text }
        return ""
    }

    private static func isNillable(_ value: Value?) -> Bool {
        switch value {
        case nil, .list?, .map?: return true
        default: return false
        }
    }

    static func eq(_ first: EvalValue, _ others: [EvalValue]) throws -> Bool {
        let arg1 = first.unboxed
        if others.isEmpty { throw Failure("missing argument for comparison") }
        let k1 = basicKind(arg1)
        for other in others {
            let arg = other.unboxed
            let k2 = basicKind(arg)
            var truth = false
            if k1 != k2 {
                if let arg1, let arg {
                    throw Failure(
                        "incompatible types for comparison: \(arg1.goTypeName) and \(arg.goTypeName)"
                    )
                }
            } else {
                switch k1 {
                case .bool:
                    if case .bool(let a)? = arg1, case .bool(let b)? = arg { truth = a == b }
                case .int: truth = integer(arg1) == integer(arg)
                case .float: truth = float(arg1) == float(arg)
                case .string: truth = string(arg1).utf8.elementsEqual(string(arg).utf8)
                case .invalid:
                    truth = try compareComposite(arg1, arg)
                }
            }
            if truth { return true }
        }
        return false
    }

    private static func kindName(_ value: Value?) -> String {
        switch value {
        case nil: return "invalid"
        case .list?: return "slice"
        case .map?: return "map"
        case .object(let object)?: return object.goKind
        default: return "basic"
        }
    }

    private static func compareComposite(_ arg1: Value?, _ arg: Value?) throws -> Bool {
        let k1 = kindName(arg1)
        let k2 = kindName(arg)
        if k1 != k2 && arg1 != nil && arg != nil {
            throw Failure(
                "non-comparable types \(GoFormat.sprint([arg1 ?? .null])): "
                    + "\(arg1?.goTypeName ?? "<nil>"), \(arg?.goTypeName ?? "<nil>"): "
                    + GoFormat.sprint([arg ?? .null]))
        }
        guard let arg1, let arg else { return arg1 == nil && arg == nil }
        switch arg {
        case .list, .map:
            throw Failure(
                "non-comparable type \(GoFormat.sprint([arg])): \(arg.goTypeName)")
        case .object(let right):
            guard case .object(let left) = arg1 else { return false }
            if right.goKind == "slice" || right.goKind == "map" || right.goKind == "func" {
                throw Failure("non-comparable type \(right.formatted): \(right.goTypeName)")
            }
            return left.goTypeName == right.goTypeName && left.formatted == right.formatted
        default:
            return false
        }
    }

    static func lt(_ first: EvalValue, _ second: EvalValue) throws -> Bool {
        let arg1 = first.unboxed
        let k1 = basicKind(arg1)
        if k1 == .invalid { throw Failure("invalid type for comparison") }
        let arg2 = second.unboxed
        let k2 = basicKind(arg2)
        if k2 == .invalid { throw Failure("invalid type for comparison") }
        if k1 != k2 {
            throw Failure(
                "incompatible types for comparison: \(arg1?.goTypeName ?? "") and "
                    + (arg2?.goTypeName ?? ""))
        }
        switch k1 {
        case .bool, .invalid: throw Failure("invalid type for comparison")
        case .int: return integer(arg1) < integer(arg2)
        case .float: return float(arg1) < float(arg2)
        case .string: return string(arg1).utf8.lexicographicallyPrecedes(string(arg2).utf8)
        }
    }

    static func le(_ first: EvalValue, _ second: EvalValue) throws -> Bool {
        if try lt(first, second) { return true }
        return try eq(first, [second])
    }
}

extension String {
    /// The text with zeros before it up to `width` characters.
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
