// The parse tree of text/template (text/template/parse/node.go), with each node's byte
// position and the `String()` text Go prints in error contexts.

/// A node that can print itself as Go's `Node.String()` does.
protocol TreeText {
    func write(to out: inout String)
}

extension TreeText {
    var description: String {
        var out = ""
        write(to: &out)
        return out
    }
}

/// A number literal with every interpretation Go's parser computes.
struct NumberNode: Sendable {
    var pos: Int
    var text: String
    var isInt = false
    var isUint = false
    var isFloat = false
    var int64: Int64 = 0
    var uint64: UInt64 = 0
    var float64: Double = 0
}

/// An operand or command word.
indirect enum Expr: Sendable, TreeText {
    case field(pos: Int, idents: [String])
    case chain(pos: Int, node: Expr, fields: [String])
    case variable(pos: Int, idents: [String])
    case identifier(pos: Int, name: String)
    case dot(pos: Int)
    case nilValue(pos: Int)
    case bool(pos: Int, value: Bool)
    case number(NumberNode)
    case string(pos: Int, quoted: String, text: String)
    case pipe(PipeNode)

    var pos: Int {
        switch self {
        case .field(let pos, _), .chain(let pos, _, _), .variable(let pos, _),
            .identifier(let pos, _), .dot(let pos), .nilValue(let pos), .bool(let pos, _),
            .string(let pos, _, _):
            return pos
        case .number(let number): return number.pos
        case .pipe(let pipe): return pipe.pos
        }
    }

    func write(to out: inout String) {
        switch self {
        case .field(_, let idents):
            for ident in idents {
                out += "."
                out += ident
            }
        case .chain(_, let node, let fields):
            if case .pipe = node {
                out += "("
                node.write(to: &out)
                out += ")"
            } else {
                node.write(to: &out)
            }
            for field in fields {
                out += "."
                out += field
            }
        case .variable(_, let idents): out += idents.joined(separator: ".")
        case .identifier(_, let name): out += name
        case .dot: out += "."
        case .nilValue: out += "nil"
        case .bool(_, let value): out += value ? "true" : "false"
        case .number(let number): out += number.text
        case .string(_, let quoted, _): out += quoted
        case .pipe(let pipe): pipe.write(to: &out)
        }
    }
}

/// A command: an operand followed by arguments.
struct CommandNode: Sendable, TreeText {
    var pos: Int
    var args: [Expr]

    func write(to out: inout String) {
        for (index, arg) in args.enumerated() {
            if index > 0 { out += " " }
            if case .pipe = arg {
                out += "("
                arg.write(to: &out)
                out += ")"
            } else {
                arg.write(to: &out)
            }
        }
    }
}

/// A pipeline with its optional declarations (`$x := ...`) or assignments (`$x = ...`).
final class PipeNode: Sendable, TreeText {
    let pos: Int
    let line: Int
    let isAssign: Bool
    let decl: [String]
    let cmds: [CommandNode]

    init(pos: Int, line: Int, isAssign: Bool, decl: [String], cmds: [CommandNode]) {
        self.pos = pos
        self.line = line
        self.isAssign = isAssign
        self.decl = decl
        self.cmds = cmds
    }

    func write(to out: inout String) {
        if !decl.isEmpty {
            out += decl.joined(separator: ", ")
            out += isAssign ? " = " : " := "
        }
        for (index, cmd) in cmds.enumerated() {
            if index > 0 { out += " | " }
            cmd.write(to: &out)
        }
    }
}

/// `if`, `range` and `with`.
struct BranchNode: Sendable {
    var pos: Int
    var line: Int
    var pipe: PipeNode
    var list: ListNode
    var elseList: ListNode?
}

struct ListNode: Sendable, TreeText {
    var pos: Int
    var nodes: [ParseNode]

    func write(to out: inout String) {
        for node in nodes { node.write(to: &out) }
    }

    /// Go's `IsEmptyTree`: nothing but space in text nodes.
    var isEmpty: Bool {
        for node in nodes {
            switch node {
            case .text(_, let text):
                if !text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                    return false
                }
            case .list(let list):
                if !list.isEmpty { return false }
            case .comment:
                continue
            default:
                return false
            }
        }
        return true
    }
}

/// A statement-level node.
indirect enum ParseNode: Sendable, TreeText {
    case text(pos: Int, text: String)
    case comment(pos: Int, text: String)
    case action(pos: Int, line: Int, pipe: PipeNode)
    case ifNode(BranchNode)
    case rangeNode(BranchNode)
    case withNode(BranchNode)
    case list(ListNode)
    case template(pos: Int, line: Int, name: String, pipe: PipeNode?)
    case breakNode(pos: Int)
    case continueNode(pos: Int)
    /// Parse-time only: `{{end}}` and `{{else}}` terminate lists.
    case end(pos: Int)
    case elseNode(pos: Int, line: Int)

    var pos: Int {
        switch self {
        case .text(let pos, _), .comment(let pos, _), .action(let pos, _, _),
            .template(let pos, _, _, _), .breakNode(let pos), .continueNode(let pos),
            .end(let pos), .elseNode(let pos, _):
            return pos
        case .ifNode(let branch), .rangeNode(let branch), .withNode(let branch): return branch.pos
        case .list(let list): return list.pos
        }
    }

    func write(to out: inout String) {
        switch self {
        case .text(_, let text): out += text
        case .comment(_, let text): out += "{{" + text + "}}"
        case .action(_, _, let pipe):
            out += "{{"
            pipe.write(to: &out)
            out += "}}"
        case .ifNode(let branch): ParseNode.writeBranch("if", branch, &out)
        case .rangeNode(let branch): ParseNode.writeBranch("range", branch, &out)
        case .withNode(let branch): ParseNode.writeBranch("with", branch, &out)
        case .list(let list): list.write(to: &out)
        case .template(_, _, let name, let pipe):
            out += "{{template " + GoFormat.quote(name)
            if let pipe {
                out += " "
                pipe.write(to: &out)
            }
            out += "}}"
        case .breakNode: out += "{{break}}"
        case .continueNode: out += "{{continue}}"
        case .end: out += "{{end}}"
        case .elseNode: out += "{{else}}"
        }
    }

    private static func writeBranch(_ name: String, _ branch: BranchNode, _ out: inout String) {
        out += "{{" + name + " "
        branch.pipe.write(to: &out)
        out += "}}"
        branch.list.write(to: &out)
        if let elseList = branch.elseList {
            out += "{{else}}"
            elseList.write(to: &out)
        }
        out += "{{end}}"
    }
}
