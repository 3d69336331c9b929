// The parser of Go's text/template (text/template/parse/parse.go): the same grammar, the same
// three-token look-ahead (so errors name the same line), the same error texts.

/// The text a template was parsed from, shared by every tree defined in it.
final class TemplateSource: Sendable {
    /// The name of the top-level template being parsed (Go's `ParseName`): the file.
    let parseName: String
    let lines: LineIndex

    init(parseName: String, lines: LineIndex) {
        self.parseName = parseName
        self.lines = lines
    }

    /// `NAME:LINE:COL` as Go's `ErrorContext` prints it.
    func location(of pos: Int) -> String {
        let (line, column) = lines.lineAndColumn(at: pos)
        return "\(parseName):\(line):\(column)"
    }
}

/// One parsed template: a file or a `define`/`block`.
struct ParsedTemplate: Sendable {
    let name: String
    let source: TemplateSource
    let root: ListNode
}

struct ParseFailure: Error {
    let message: String
}

/// The state shared by a file's parser and the parsers of the definitions inside it.
final class ParseShared {
    var lexer: Lexer
    let source: TemplateSource
    let hasFunction: (String) -> Bool
    /// The trees of this parse, in definition order.
    var treeSet: [String: ParsedTemplate] = [:]
    var order: [String] = []
    var nesting = 0

    init(lexer: Lexer, source: TemplateSource, hasFunction: @escaping (String) -> Bool) {
        self.lexer = lexer
        self.source = source
        self.hasFunction = hasFunction
    }
}

final class Parser {
    static let maxExpressionDepth = 10000
    static let maxNesting = 10000

    private let shared: ParseShared
    private var name: String
    private var token: [Item]
    private var peekCount = 0
    private var vars: [String] = ["$"]
    private var actionLine = 0
    private var rangeDepth = 0
    private var stackDepth = 0

    init(shared: ParseShared, name: String) {
        self.shared = shared
        self.name = name
        let empty = Item(type: .eof, pos: 0, val: "", line: 1)
        token = [empty, empty, empty]
    }

    /// Parses a whole file: its top-level tree and its definitions go into `shared.treeSet`.
    static func parse(
        name: String, text: String, hasFunction: @escaping (String) -> Bool
    ) throws(ParseFailure) -> ParseShared {
        let bytes = Array(text.utf8)
        let lines = LineIndex(bytes)
        let lexer = Lexer(
            input: bytes, lines: lines, breakOK: !hasFunction("break"),
            continueOK: !hasFunction("continue"))
        let shared = ParseShared(
            lexer: lexer, source: TemplateSource(parseName: name, lines: lines),
            hasFunction: hasFunction)
        let parser = Parser(shared: shared, name: name)
        let root = try parser.parseTop()
        try parser.add(root)
        return shared
    }

    // MARK: Tokens

    private func next() -> Item {
        if peekCount > 0 {
            peekCount -= 1
        } else {
            token[0] = shared.lexer.nextItem()
        }
        return token[peekCount]
    }

    private func backup() { peekCount += 1 }

    private func backup2(_ t1: Item) {
        token[1] = t1
        peekCount = 2
    }

    private func backup3(_ t2: Item, _ t1: Item) {
        token[1] = t1
        token[2] = t2
        peekCount = 3
    }

    private func peek() -> Item {
        if peekCount > 0 { return token[peekCount - 1] }
        peekCount = 1
        token[0] = shared.lexer.nextItem()
        return token[0]
    }

    private func nextNonSpace() -> Item {
        var item = next()
        while item.type == .space { item = next() }
        return item
    }

    private func peekNonSpace() -> Item {
        let item = nextNonSpace()
        backup()
        return item
    }

    // MARK: Errors

    private func failure(_ message: String) -> ParseFailure {
        ParseFailure(message: "template: \(shared.source.parseName):\(token[0].line): \(message)")
    }

    private func expect(_ expected: ItemType, _ context: String) throws(ParseFailure) -> Item {
        let item = nextNonSpace()
        if item.type != expected { throw unexpected(item, context) }
        return item
    }

    private func unexpected(_ item: Item, _ context: String) -> ParseFailure {
        if item.type == .error {
            var extra = ""
            if actionLine != 0 && actionLine != item.line {
                extra = " in action started at \(shared.source.parseName):\(actionLine)"
                if item.val.hasSuffix(" action") {
                    extra = String(extra.dropFirst(" in action".count))
                }
            }
            return failure(item.description + extra)
        }
        return failure("unexpected \(item.description) in \(context)")
    }

    // MARK: Trees

    /// Go's `(*Tree).add`: within one parse, a second non-empty definition is an error.
    fileprivate func add(_ root: ListNode) throws(ParseFailure) {
        if let existing = shared.treeSet[name], !existing.root.isEmpty {
            if !root.isEmpty {
                throw failure("template: multiple definition of template \(GoFormat.quote(name))")
            }
            return
        }
        if shared.treeSet[name] == nil { shared.order.append(name) }
        shared.treeSet[name] = ParsedTemplate(name: name, source: shared.source, root: root)
    }

    private func parseTop() throws(ParseFailure) -> ListNode {
        var root = ListNode(pos: peek().pos, nodes: [])
        while peek().type != .eof {
            if peek().type == .leftDelim {
                let delim = next()
                if nextNonSpace().type == .define {
                    let definition = Parser(shared: shared, name: "definition")
                    try definition.parseDefinition()
                    continue
                }
                backup2(delim)
            }
            guard let node = try textOrAction() else { continue }
            switch node {
            case .end, .elseNode: throw failure("unexpected \(node.description)")
            default: root.nodes.append(node)
            }
        }
        return root
    }

    private func parseDefinition() throws(ParseFailure) {
        let context = "define clause"
        let item = nextNonSpace()
        if item.type != .string && item.type != .rawString { throw unexpected(item, context) }
        do {
            name = try GoText.unquote(item.val)
        } catch {
            throw failure("invalid syntax")
        }
        _ = try expect(.rightDelim, context)
        let (list, end) = try itemList()
        if case .end = end {} else { throw failure("unexpected \(end.description) in \(context)") }
        try add(list)
    }

    private func itemList() throws(ParseFailure) -> (ListNode, ParseNode) {
        shared.nesting += 1
        defer { shared.nesting -= 1 }
        if shared.nesting > Parser.maxNesting { throw failure("max nesting depth exceeded") }
        var list = ListNode(pos: peekNonSpace().pos, nodes: [])
        while peekNonSpace().type != .eof {
            guard let node = try textOrAction() else { continue }
            switch node {
            case .end, .elseNode: return (list, node)
            default: list.nodes.append(node)
            }
        }
        throw failure("unexpected EOF")
    }

    private func textOrAction() throws(ParseFailure) -> ParseNode? {
        let item = nextNonSpace()
        switch item.type {
        case .text:
            return .text(pos: item.pos, text: item.val)
        case .leftDelim:
            actionLine = item.line
            defer { actionLine = 0 }
            return try action()
        case .comment:
            return .comment(pos: item.pos, text: item.val)
        default:
            throw unexpected(item, "input")
        }
    }

    private func action() throws(ParseFailure) -> ParseNode {
        let item = nextNonSpace()
        switch item.type {
        case .block: return try blockControl()
        case .breakKeyword: return try breakControl(pos: item.pos, keyword: "break")
        case .continueKeyword: return try breakControl(pos: item.pos, keyword: "continue")
        case .elseKeyword: return try elseControl()
        case .end: return .end(pos: try expect(.rightDelim, "end").pos)
        case .ifKeyword: return .ifNode(try parseControl("if"))
        case .range: return .rangeNode(try parseControl("range"))
        case .template: return try templateControl()
        case .with: return .withNode(try parseControl("with"))
        default: break
        }
        backup()
        let first = peek()
        let pipe = try pipeline("command", end: .rightDelim)
        return .action(pos: first.pos, line: first.line, pipe: pipe)
    }

    private func breakControl(pos: Int, keyword: String) throws(ParseFailure) -> ParseNode {
        let item = nextNonSpace()
        if item.type != .rightDelim { throw unexpected(item, "{{\(keyword)}}") }
        if rangeDepth == 0 { throw failure("{{\(keyword)}} outside {{range}}") }
        return keyword == "break" ? .breakNode(pos: pos) : .continueNode(pos: pos)
    }

    private func elseControl() throws(ParseFailure) -> ParseNode {
        let peeked = peekNonSpace()
        if peeked.type == .ifKeyword || peeked.type == .with {
            return .elseNode(pos: peeked.pos, line: peeked.line)
        }
        let item = try expect(.rightDelim, "else")
        return .elseNode(pos: item.pos, line: item.line)
    }

    private func parseControl(_ context: String) throws(ParseFailure) -> BranchNode {
        let mark = vars.count
        defer { vars.removeSubrange(mark...) }
        let pipe = try pipeline(context, end: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        var (list, next) = try itemList()
        if context == "range" { rangeDepth -= 1 }
        var elseList: ListNode?
        if case .elseNode = next {
            if context == "if" && peek().type == .ifKeyword {
                _ = self.next()
                elseList = ListNode(pos: next.pos, nodes: [.ifNode(try parseControl("if"))])
            } else if context == "with" && peek().type == .with {
                _ = self.next()
                elseList = ListNode(pos: next.pos, nodes: [.withNode(try parseControl("with"))])
            } else {
                let (parsed, end) = try itemList()
                elseList = parsed
                next = end
                if case .end = next {
                } else {
                    throw failure("expected end; found \(next.description)")
                }
            }
        }
        return BranchNode(
            pos: pipe.pos, line: pipe.line, pipe: pipe, list: list, elseList: elseList)
    }

    private func parseTemplateName(_ item: Item, _ context: String) throws(ParseFailure) -> String {
        guard item.type == .string || item.type == .rawString else {
            throw unexpected(item, context)
        }
        do {
            return try GoText.unquote(item.val)
        } catch {
            throw failure("invalid syntax")
        }
    }

    private func templateControl() throws(ParseFailure) -> ParseNode {
        let context = "template clause"
        let item = nextNonSpace()
        let templateName = try parseTemplateName(item, context)
        var pipe: PipeNode?
        if nextNonSpace().type != .rightDelim {
            backup()
            pipe = try pipeline(context, end: .rightDelim)
        }
        return .template(pos: item.pos, line: item.line, name: templateName, pipe: pipe)
    }

    private func blockControl() throws(ParseFailure) -> ParseNode {
        let context = "block clause"
        let item = nextNonSpace()
        let blockName = try parseTemplateName(item, context)
        let pipe = try pipeline(context, end: .rightDelim)
        let block = Parser(shared: shared, name: blockName)
        let (list, end) = try block.itemList()
        if case .end = end {
        } else {
            throw failure("unexpected \(end.description) in \(context)")
        }
        try block.add(list)
        return .template(pos: item.pos, line: item.line, name: blockName, pipe: pipe)
    }

    // MARK: Pipelines

    private func pipeline(_ context: String, end: ItemType) throws(ParseFailure) -> PipeNode {
        let first = peekNonSpace()
        var decl: [String] = []
        var isAssign = false
        var cmds: [CommandNode] = []
        declarations: while true {
            let variable = peekNonSpace()
            guard variable.type == .variable else { break }
            _ = next()
            let tokenAfterVariable = peek()
            let following = peekNonSpace()
            if following.type == .assign || following.type == .declare {
                isAssign = following.type == .assign
                _ = nextNonSpace()
                decl.append(variable.val)
                vars.append(variable.val)
            } else if following.type == .char && following.val == "," {
                _ = nextNonSpace()
                decl.append(variable.val)
                vars.append(variable.val)
                if context == "range" && decl.count < 2 {
                    switch peekNonSpace().type {
                    case .variable, .rightDelim, .rightParen:
                        continue declarations
                    default:
                        throw failure("range can only initialize variables")
                    }
                }
                throw failure("too many declarations in \(context)")
            } else if tokenAfterVariable.type == .space {
                backup3(variable, tokenAfterVariable)
            } else {
                backup2(variable)
            }
            break
        }
        while true {
            let item = nextNonSpace()
            switch item.type {
            case end:
                let pipe = PipeNode(
                    pos: first.pos, line: first.line, isAssign: isAssign, decl: decl, cmds: cmds)
                try checkPipeline(pipe, context)
                return pipe
            case .bool, .charConstant, .complex, .dot, .field, .identifier, .number, .nilKeyword,
                .rawString, .string, .variable, .leftParen:
                backup()
                cmds.append(try command())
            default:
                throw unexpected(item, context)
            }
        }
    }

    private func checkPipeline(_ pipe: PipeNode, _ context: String) throws(ParseFailure) {
        if pipe.cmds.isEmpty { throw failure("missing value for \(context)") }
        for (index, cmd) in pipe.cmds.enumerated().dropFirst() {
            switch cmd.args.first {
            case .bool, .dot, .nilValue, .number, .string:
                throw failure("non executable command in pipeline stage \(index + 1)")
            default:
                continue
            }
        }
    }

    private func command() throws(ParseFailure) -> CommandNode {
        var cmd = CommandNode(pos: peekNonSpace().pos, args: [])
        while true {
            _ = peekNonSpace()
            if let operand = try operand() { cmd.args.append(operand) }
            let item = next()
            switch item.type {
            case .space:
                continue
            case .rightDelim, .rightParen:
                backup()
            case .pipe:
                break
            default:
                throw unexpected(item, "operand")
            }
            break
        }
        if cmd.args.isEmpty { throw failure("empty command") }
        return cmd
    }

    private func operand() throws(ParseFailure) -> Expr? {
        guard let node = try term() else { return nil }
        guard peek().type == .field else { return node }
        let chainPos = peek().pos
        var fields: [String] = []
        while peek().type == .field {
            fields.append(String(next().val.dropFirst()))
        }
        switch node {
        case .field(_, let idents):
            return .field(pos: chainPos, idents: idents + fields)
        case .variable(_, let idents):
            return .variable(pos: chainPos, idents: idents + fields)
        case .bool, .string, .number, .nilValue, .dot:
            throw failure("unexpected . after term \(GoFormat.quote(node.description))")
        default:
            return .chain(pos: chainPos, node: node, fields: fields)
        }
    }

    private func term() throws(ParseFailure) -> Expr? {
        let item = nextNonSpace()
        switch item.type {
        case .identifier:
            if !shared.hasFunction(item.val) {
                throw failure("function \(GoFormat.quote(item.val)) not defined")
            }
            return .identifier(pos: item.pos, name: item.val)
        case .dot:
            return .dot(pos: item.pos)
        case .nilKeyword:
            return .nilValue(pos: item.pos)
        case .variable:
            let idents = item.val.split(separator: ".", omittingEmptySubsequences: false).map(
                String.init)
            let first = idents.first ?? item.val
            if !vars.contains(first) {
                throw failure("undefined variable \(GoFormat.quote(first))")
            }
            return .variable(pos: item.pos, idents: idents)
        case .field:
            return .field(
                pos: item.pos,
                idents: item.val.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
                    .map(String.init))
        case .bool:
            return .bool(pos: item.pos, value: item.val == "true")
        case .charConstant, .complex, .number:
            return .number(try number(item))
        case .leftParen:
            if stackDepth >= Parser.maxExpressionDepth {
                throw failure("max expression depth exceeded")
            }
            stackDepth += 1
            defer { stackDepth -= 1 }
            return .pipe(try pipeline("parenthesized pipeline", end: .rightParen))
        case .string, .rawString:
            do {
                let text = try GoText.unquote(item.val)
                return .string(pos: item.pos, quoted: item.val, text: text)
            } catch {
                throw failure("invalid syntax")
            }
        default:
            backup()
            return nil
        }
    }

    private func number(_ item: Item) throws(ParseFailure) -> NumberNode {
        var node = NumberNode(pos: item.pos, text: item.val)
        let text = item.val
        switch item.type {
        case .charConstant:
            let bytes = Array(text.utf8)
            guard bytes.count >= 2,
                let (value, _, next) = try? GoText.unquoteChar(bytes, 1, quote: UInt8(ascii: "'"))
            else {
                throw failure("invalid syntax")
            }
            guard next == bytes.count - 1 else {
                throw failure("malformed character constant: \(text)")
            }
            node.isInt = true
            node.int64 = Int64(value)
            node.isUint = true
            node.uint64 = UInt64(value)
            node.isFloat = true
            node.float64 = Double(value)
            return node
        case .complex:
            throw failure("complex constants are not supported: \(GoFormat.quote(text))")
        default:
            break
        }
        if text.hasSuffix("i"), GoText.parseFloat(String(text.dropLast())) != nil {
            throw failure("complex constants are not supported: \(GoFormat.quote(text))")
        }
        let unsigned = GoText.parseUnsigned(text)
        if let unsigned {
            node.isUint = true
            node.uint64 = unsigned
        }
        if let signed = GoText.parseSigned(text) {
            node.isInt = true
            node.int64 = signed
            if signed == 0 {
                node.isUint = true
                node.uint64 = 0
            }
        }
        if node.isInt {
            node.isFloat = true
            node.float64 = Double(node.int64)
        } else if node.isUint {
            node.isFloat = true
            node.float64 = Double(node.uint64)
        } else if let value = GoText.parseFloat(text) {
            if !text.contains(where: { ".eEpP".contains($0) }) {
                throw failure("integer overflow: \(GoFormat.quote(text))")
            }
            node.isFloat = true
            node.float64 = value
            if !node.isInt, value.rounded() == value, abs(value) < 9.2e18 {
                node.isInt = true
                node.int64 = Int64(value)
            }
            if !node.isUint, value.rounded() == value, value >= 0, value < 1.8e19 {
                node.isUint = true
                node.uint64 = UInt64(value)
            }
        }
        if !node.isInt && !node.isUint && !node.isFloat {
            throw failure("illegal number syntax: \(GoFormat.quote(text))")
        }
        return node
    }
}
