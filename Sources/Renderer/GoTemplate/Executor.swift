// The executor of Go's text/template (text/template/exec.go): the same evaluation order, the
// same notion of "the node being evaluated" for error messages, and Go's reflect distinctions
// that show in output and errors (a missing value, a nil interface, a value held in an
// interface).

/// A value during evaluation, with the reflect distinctions Go's executor makes.
enum EvalValue {
    /// The zero `reflect.Value`: a missing map key, nil data, the value of a nil pipeline.
    case invalid
    /// A value of its own type.
    case concrete(Value)
    /// A value held in an `interface {}`: an element of a list or map, a function result.
    /// `.boxed(.null)` is a nil interface (`nil pointer evaluating interface {}.x`).
    case boxed(Value)

    /// Go's `indirectInterface`: the value inside, or nil for a nil interface.
    var unboxed: Value? {
        switch self {
        case .invalid: return nil
        case .concrete(let value), .boxed(let value):
            if case .null = value { return nil }
            return value
        }
    }

    /// What a pipeline stage yields: interfaces are opened, a nil one becomes invalid.
    var dug: EvalValue {
        guard let value = unboxed else { return .invalid }
        return .concrete(value)
    }

    /// The value handed to a function (nil for invalid).
    var argument: Value { unboxed ?? .null }
}

/// Dot (`.`) as the executor passes it down: a value, or, at the top of a template, the
/// template's `$` read when dot is used, so that a map function changing `$` or `.` (Sprig's
/// `set . "k" v`) is seen by the rest of the template, as Go's shared maps are.
enum Dot {
    case value(EvalValue)
    case root
}

/// The type a callee declares for a parameter.
enum ParamType {
    /// `reflect.Value`: anything, including a missing value, passes unchanged.
    case reflectValue
    case go(GoType)

    var goName: String {
        switch self {
        case .reflectValue: return "reflect.Value"
        case .go(let type): return type.goName
        }
    }
}

enum ControlFlow: Error {
    case breakLoop
    case continueLoop
}

/// The node Go's `state.at` last recorded, for the `executing "NAME" at <...>` context.
enum ErrorNode {
    case none
    case node(ParseNode)
    case list(ListNode)
    case expr(Expr)
    case pipe(PipeNode)
    case command(CommandNode)

    var pos: Int {
        switch self {
        case .none: return 0
        case .node(let node): return node.pos
        case .list(let list): return list.pos
        case .expr(let expr): return expr.pos
        case .pipe(let pipe): return pipe.pos
        case .command(let command): return command.pos
        }
    }

    var description: String {
        switch self {
        case .none: return ""
        case .node(let node): return node.description
        case .list(let list): return list.description
        case .expr(let expr): return expr.description
        case .pipe(let pipe): return pipe.description
        case .command(let command): return command.description
        }
    }
}

/// What an execution needs from its template set: a snapshot, safe to share across threads.
final class ExecutionRuntime: Sendable {
    let templates: [String: ParsedTemplate]
    let functions: FunctionMap
    let options: TemplateOptions
    /// How many `include`/`tpl` executions enclose this one.
    let nesting: Int
    let stack: StackGuard
    /// How many `executeTemplate` runs of each template name enclose this one.
    let runs: [String: Int]

    init(
        templates: [String: ParsedTemplate], functions: FunctionMap, options: TemplateOptions,
        nesting: Int, stack: StackGuard, runs: [String: Int] = [:]
    ) {
        self.templates = templates
        self.functions = functions
        self.options = options
        self.nesting = nesting
        self.stack = stack
        self.runs = runs
    }

    func hasFunction(_ name: String) -> Bool {
        functions[name] != nil || Builtin(rawValue: name) != nil
    }

    func nested(templates: [String: ParsedTemplate]? = nil, running name: String? = nil)
        -> ExecutionRuntime
    {
        var runs = self.runs
        if let name { runs[name, default: 0] += 1 }
        return ExecutionRuntime(
            templates: templates ?? self.templates, functions: functions, options: options,
            nesting: nesting + 1, stack: stack, runs: runs)
    }

    /// Runs the named template on `data`.
    func execute(name: String, data: Value) throws -> String {
        guard let template = templates[name] else {
            throw TemplateError(
                kind: .execution,
                description:
                    "template: no template \(GoFormat.quote(name)) associated with template "
                    + GoFormat.quote(options.rootName), templateName: name, fileName: nil)
        }
        return try execute(template, data: data)
    }

    /// Runs `template` on `data`.
    func execute(_ template: ParsedTemplate, data: Value) throws -> String {
        let name = template.name
        if nesting > options.maxNesting || !stack.hasRoom {
            throw TemplateError(
                kind: .execution,
                description:
                    "template: \(name): exceeded maximum template depth (\(options.maxDepth))",
                templateName: name, fileName: template.source.parseName)
        }
        let state = ExecutionState(runtime: self, template: template)
        state.vars = [("$", data.isNilInterface ? .invalid : .concrete(data))]
        do {
            try state.walk(.root, template.root)
        } catch is ControlFlow {
            throw state.error("break or continue outside range")
        }
        return state.out
    }

    /// Parses `text` as template `name` over a copy of these templates and runs it.
    func execute(text: String, name: String, data: Value) throws -> String {
        var overlay = templates
        let parsed = try TemplateSet.parseTrees(name: name, text: text, hasFunction: hasFunction)
        TemplateSet.associate(parsed, into: &overlay)
        // Go runs the template the text was parsed into, even when it is empty and the set
        // keeps an older template of that name.
        guard let top = parsed.first(where: { $0.name == name }) else { return "" }
        return try nested(templates: overlay).execute(top, data: data)
    }
}

/// The `CallContext` a function receives.
struct ExecutionCallContext: CallContext {
    let runtime: ExecutionRuntime
    let source: TemplateSource
    let pos: Int
    let templateName: String

    var location: String { "template: " + source.location(of: pos) }
    var nesting: Int { runtime.nesting }

    func enclosingRuns(of name: String) -> Int { runtime.runs[name] ?? 0 }

    func executeTemplate(_ name: String, data: Value) throws -> String {
        try runtime.nested(running: name).execute(name: name, data: data)
    }

    func executeText(_ text: String, name: String, data: Value) throws -> String {
        try runtime.execute(text: text, name: name, data: data)
    }
}

extension Value {
    var isNilInterface: Bool {
        if case .null = self { return true }
        return false
    }

    /// Go's `truth` of a value that is not a nil interface.
    var isTrue: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .int64(let value): return value != 0
        case .float(let value): return value != 0
        case .string(let value): return !value.isEmpty
        case .list(let value): return !value.isEmpty
        case .map(let value): return !value.isEmpty
        case .object(let object): return object.isTruthy
        }
    }
}

final class ExecutionState {
    let runtime: ExecutionRuntime
    var template: ParsedTemplate
    var out = ""
    var node: ErrorNode = .none
    var vars: [(name: String, value: EvalValue)] = []
    var depth = 0

    init(runtime: ExecutionRuntime, template: ParsedTemplate) {
        self.runtime = runtime
        self.template = template
    }

    // MARK: Errors

    /// Go's `state.errorf`: the error with the location and text of the current node.
    func error(_ message: String) -> TemplateError {
        let name = template.name
        let text: String
        if case .none = node {
            text = "template: \(name): \(message)"
        } else {
            text =
                "template: \(template.source.location(of: node.pos)): executing "
                + "\(GoFormat.quote(name)) at <\(node.description)>: \(message)"
        }
        return TemplateError(
            kind: .execution, description: text, templateName: name,
            fileName: template.source.parseName)
    }

    // MARK: Variables

    /// The value of dot: `$` of the template when dot is its root.
    private func resolve(_ dot: Dot) -> EvalValue {
        switch dot {
        case .value(let value): return value
        case .root: return vars.first?.value ?? .invalid
        }
    }

    private func push(_ name: String, _ value: EvalValue) {
        vars.append((name, value))
    }

    private func pop(_ mark: Int) {
        if mark < vars.count { vars.removeSubrange(mark...) }
    }

    private func setVar(_ name: String, _ value: EvalValue) throws {
        for index in vars.indices.reversed() where vars[index].name == name {
            vars[index].value = value
            return
        }
        throw error("undefined variable: \(name)")
    }

    private func setTopVar(_ depth: Int, _ value: EvalValue) {
        let index = vars.count - depth
        if index >= 0 && index < vars.count { vars[index].value = value }
    }

    private func varValue(_ name: String) throws -> EvalValue {
        for index in vars.indices.reversed() where vars[index].name == name {
            return vars[index].value
        }
        throw error("undefined variable: \(name)")
    }

    // MARK: Walking

    func walk(_ dot: Dot, _ list: ListNode) throws {
        node = .list(list)
        if !runtime.stack.hasRoom {
            throw error("exceeded maximum template depth (\(runtime.options.maxDepth))")
        }
        for child in list.nodes { try walk(dot, child) }
    }

    private func walk(_ dot: Dot, _ current: ParseNode) throws {
        switch current {
        case .text(_, let text):
            out += text
            return
        default:
            break
        }
        node = .node(current)
        switch current {
        case .action(_, _, let pipe):
            let value = try evalPipeline(dot, pipe)
            if pipe.decl.isEmpty {
                node = .node(current)
                printValue(value)
            }
        case .comment, .text, .end, .elseNode:
            break
        case .ifNode(let branch):
            try walkIfOrWith(isWith: false, dot, branch)
        case .withNode(let branch):
            try walkIfOrWith(isWith: true, dot, branch)
        case .rangeNode(let branch):
            try walkRange(dot, branch)
        case .list(let list):
            try walk(dot, list)
        case .template(_, _, let name, let pipe):
            try walkTemplate(dot, name: name, pipe: pipe)
        case .breakNode:
            throw ControlFlow.breakLoop
        case .continueNode:
            throw ControlFlow.continueLoop
        }
    }

    private func printValue(_ value: EvalValue) {
        switch value.unboxed {
        case nil: out += "<no value>"
        case .string(let text): out += text
        case .some(let value): out += GoFormat.sprint([value])
        }
    }

    private func walkIfOrWith(isWith: Bool, _ dot: Dot, _ branch: BranchNode) throws {
        let mark = vars.count
        defer { pop(mark) }
        let value = try evalPipeline(dot, branch.pipe)
        if value.unboxed?.isTrue ?? false {
            try walk(isWith ? .value(value) : dot, branch.list)
        } else if let elseList = branch.elseList {
            try walk(dot, elseList)
        }
    }

    private func walkRange(_ dot: Dot, _ branch: BranchNode) throws {
        node = .node(.rangeNode(branch))
        let outerMark = vars.count
        defer { pop(outerMark) }
        let value = try evalPipeline(dot, branch.pipe)
        let pipe = branch.pipe
        let mark = vars.count
        func iteration(_ index: EvalValue, _ element: EvalValue) throws {
            if !pipe.decl.isEmpty {
                if pipe.isAssign {
                    try setVar(pipe.decl[0], pipe.decl.count > 1 ? index : element)
                } else {
                    setTopVar(1, element)
                }
            }
            if pipe.decl.count > 1 {
                if pipe.isAssign {
                    try setVar(pipe.decl[1], element)
                } else {
                    setTopVar(2, index)
                }
            }
            defer { pop(mark) }
            do {
                try walk(.value(element), branch.list)
            } catch ControlFlow.continueLoop {}
        }
        var ran = false
        do {
            switch value.unboxed {
            case nil:
                break
            case .list(let elements):
                for (index, element) in elements.enumerated() {
                    ran = true
                    try iteration(.concrete(.int(index)), .boxed(element))
                }
            case .map(let entries):
                for key in entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                    ran = true
                    try iteration(.concrete(.string(key)), .boxed(entries[key] ?? .null))
                }
            case .int(let count):
                if pipe.decl.count > 1 {
                    throw error(
                        "can't use \(count) to iterate over more than one variable")
                }
                var index = 0
                while index < count {
                    ran = true
                    try iteration(.invalid, .concrete(.int(index)))
                    index += 1
                }
            case .int64(let count):
                if pipe.decl.count > 1 {
                    throw error(
                        "can't use \(count) to iterate over more than one variable")
                }
                var index: Int64 = 0
                while index < count {
                    ran = true
                    try iteration(.invalid, .concrete(.int64(index)))
                    index += 1
                }
            case .object(let object) where object.mapEntries != nil:
                let entries = object.mapEntries ?? [:]
                for key in entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                    ran = true
                    try iteration(.concrete(.string(key)), .concrete(entries[key] ?? .null))
                }
            case .object(let object):
                guard let elements = object.elements else {
                    throw error("range can't iterate over \(object.formatted)")
                }
                for (index, element) in elements.enumerated() {
                    ran = true
                    try iteration(.concrete(.int(index)), .concrete(element))
                }
            case .some(let other):
                throw error("range can't iterate over \(GoFormat.sprint([other]))")
            }
        } catch ControlFlow.breakLoop {
            return
        }
        if !ran, let elseList = branch.elseList {
            try walk(dot, elseList)
        }
    }

    private func walkTemplate(_ dot: Dot, name: String, pipe: PipeNode?) throws {
        guard let called = runtime.templates[name] else {
            throw error("template \(GoFormat.quote(name)) not defined")
        }
        if depth >= runtime.options.maxDepth {
            throw error("exceeded maximum template depth (\(runtime.options.maxDepth))")
        }
        let newDot = try evalPipeline(dot, pipe)
        let saved = (template, vars, depth, node)
        template = called
        vars = [("$", newDot)]
        depth += 1
        defer { (template, vars, depth, node) = saved }
        try walk(.root, called.root)
    }

    // MARK: Pipelines and commands

    func evalPipeline(_ dot: Dot, _ pipe: PipeNode?) throws -> EvalValue {
        guard let pipe else { return .invalid }
        node = .pipe(pipe)
        if !runtime.stack.hasRoom {
            throw error("exceeded maximum template depth (\(runtime.options.maxDepth))")
        }
        var value: EvalValue?
        for cmd in pipe.cmds {
            value = try evalCommand(dot, cmd, final: value).dug
        }
        let result = value ?? .invalid
        for variable in pipe.decl {
            if pipe.isAssign {
                try setVar(variable, result)
            } else {
                push(variable, result)
            }
        }
        return result
    }

    private func notAFunction(_ args: [Expr], _ final: EvalValue?) throws {
        if args.count > 1 || final != nil {
            throw error(
                "can't give argument to non-function \(args.first?.description ?? "")")
        }
    }

    private func evalCommand(_ dot: Dot, _ cmd: CommandNode, final: EvalValue?) throws
        -> EvalValue
    {
        guard let first = cmd.args.first else { return .invalid }
        switch first {
        case .field(_, let idents):
            return try evalFieldNode(dot, first, idents, args: cmd.args, final: final)
        case .chain(_, let base, let fields):
            return try evalChainNode(dot, first, base, fields, args: cmd.args, final: final)
        case .identifier(_, let name):
            return try evalFunction(
                dot, first, name, callNode: .command(cmd), args: cmd.args, final: final)
        case .pipe(let pipe):
            try notAFunction(cmd.args, final)
            return try evalPipeline(dot, pipe)
        case .variable(_, let idents):
            return try evalVariableNode(dot, first, idents, args: cmd.args, final: final)
        default:
            break
        }
        node = .expr(first)
        try notAFunction(cmd.args, final)
        switch first {
        case .bool(_, let value): return .concrete(.bool(value))
        case .dot: return resolve(dot)
        case .nilValue: throw error("nil is not a command")
        case .number(let number): return try idealConstant(number)
        case .string(_, _, let text): return .concrete(.string(text))
        default: throw error("can't evaluate command \(GoFormat.quote(first.description))")
        }
    }

    private func idealConstant(_ number: NumberNode) throws -> EvalValue {
        node = .expr(.number(number))
        let text = number.text
        let isHexInt =
            text.count > 2 && text.hasPrefix("0")
            && (text.dropFirst().first == "x"
                || text.dropFirst().first == "X")
            && !text.contains(where: { $0 == "p" || $0 == "P" })
        let isRuneInt = text.hasPrefix("'")
        if number.isFloat && !isHexInt && !isRuneInt
            && text.contains(where: { ".eEpP".contains($0) })
        {
            return .concrete(.float(number.float64))
        }
        if number.isInt { return .concrete(.int(Int(number.int64))) }
        if number.isUint { throw error("\(text) overflows int") }
        return .invalid
    }

    private func evalFieldNode(
        _ dot: Dot, _ field: Expr, _ idents: [String], args: [Expr]?, final: EvalValue?
    ) throws -> EvalValue {
        node = .expr(field)
        return try evalFieldChain(dot, resolve(dot), field, idents[...], args: args, final: final)
    }

    private func evalChainNode(
        _ dot: Dot, _ chain: Expr, _ base: Expr, _ fields: [String], args: [Expr]?,
        final: EvalValue?
    ) throws -> EvalValue {
        node = .expr(chain)
        if case .nilValue = base {
            throw error("indirection through explicit nil in \(chain.description)")
        }
        let receiver = try evalArg(dot, nil, base)
        return try evalFieldChain(dot, receiver, chain, fields[...], args: args, final: final)
    }

    private func evalVariableNode(
        _ dot: Dot, _ variable: Expr, _ idents: [String], args: [Expr]?, final: EvalValue?
    ) throws -> EvalValue {
        node = .expr(variable)
        let value = try varValue(idents[0])
        if idents.count == 1 {
            try notAFunction(args ?? [], final)
            return value
        }
        return try evalFieldChain(
            dot, value, variable, idents.dropFirst(), args: args, final: final)
    }

    private func evalFieldChain(
        _ dot: Dot, _ receiver: EvalValue, _ fieldNode: Expr, _ idents: ArraySlice<String>,
        args: [Expr]?, final: EvalValue?
    ) throws -> EvalValue {
        var receiver = receiver
        guard let last = idents.last else { return receiver }
        for ident in idents.dropLast() {
            receiver = try evalField(dot, ident, fieldNode, args: nil, final: nil, receiver)
        }
        return try evalField(dot, last, fieldNode, args: args, final: final, receiver)
    }

    private func evalField(
        _ dot: Dot, _ name: String, _ fieldNode: Expr, args: [Expr]?, final: EvalValue?,
        _ receiver: EvalValue
    ) throws -> EvalValue {
        let value: Value
        let typeName: String
        switch receiver {
        case .invalid:
            if runtime.options.missingKey == .error {
                throw error("nil data; no entry for key \(GoFormat.quote(name))")
            }
            return .invalid
        case .boxed(let inner):
            if case .null = inner {
                throw error("nil pointer evaluating interface {}.\(name)")
            }
            value = inner
            typeName = "interface {}"
        case .concrete(let inner):
            if case .null = inner {
                throw error("nil pointer evaluating interface {}.\(name)")
            }
            value = inner
            typeName = inner.goTypeName
        }
        let hasArgs = (args?.count ?? 0) > 1 || final != nil
        switch value {
        case .object(let object) where object.mapEntries != nil && !object.hasMethod(name):
            // A map type's methods come before its keys (Helm's `.Files.Get`).
            if hasArgs { throw error("\(name) is not a method but has arguments") }
            if let found = object.mapEntries?[name] { return .concrete(found) }
            if runtime.options.missingKey == .zero && object.goTypeName == "map[string]string" {
                return .concrete(.string(""))
            }
            return try missingKey(name)
        case .object(let object):
            switch object.member(name) {
            case .method(let function):
                return try evalCall(
                    dot, .function(function), callNode: .expr(fieldNode), name: name, args: args,
                    final: final)
            case .field(let field):
                if hasArgs {
                    throw error("\(name) has arguments but cannot be invoked as function")
                }
                if case .null = field { return .boxed(.null) }
                return .concrete(field)
            case .missing:
                break
            }
        case .map(let entries):
            if hasArgs { throw error("\(name) is not a method but has arguments") }
            if let found = entries[name] { return .boxed(found) }
            return try missingKey(name)
        default:
            break
        }
        throw error("can't evaluate field \(name) in type \(typeName)")
    }

    /// A map without the key, as the `missingkey` option says.
    private func missingKey(_ name: String) throws -> EvalValue {
        switch runtime.options.missingKey {
        case .default: return .invalid
        case .zero: return .boxed(.null)
        case .error: throw error("map has no entry for key \(GoFormat.quote(name))")
        }
    }

    private func evalFunction(
        _ dot: Dot, _ identifier: Expr, _ name: String, callNode: ErrorNode, args: [Expr]?,
        final: EvalValue?
    ) throws -> EvalValue {
        node = .expr(identifier)
        if let function = runtime.functions[name] {
            return try evalCall(
                dot, .function(function), callNode: callNode, name: name, args: args, final: final)
        }
        if let builtin = Builtin(rawValue: name) {
            return try evalCall(
                dot, .builtin(builtin), callNode: callNode, name: name, args: args, final: final)
        }
        throw error("\(GoFormat.quote(name)) is not a defined function")
    }

    enum Callee {
        case function(Function)
        case builtin(Builtin)

        var signature: (parameters: [ParamType], variadic: ParamType?) {
            switch self {
            case .function(let function):
                return (function.parameters.map { .go($0) }, function.variadic.map { .go($0) })
            case .builtin(let builtin):
                return builtin.signature
            }
        }
    }

    private func evalCall(
        _ dot: Dot, _ callee: Callee, callNode: ErrorNode, name: String, args: [Expr]?,
        final: EvalValue?
    ) throws -> EvalValue {
        let argNodes = args.map { Array($0.dropFirst()) } ?? []
        let (parameters, variadic) = callee.signature
        let numIn = argNodes.count + (final == nil ? 0 : 1)
        var numFixed = argNodes.count
        if variadic != nil {
            numFixed = parameters.count
            if numIn < numFixed {
                throw error(
                    "wrong number of args for \(name): want at least \(parameters.count) "
                        + "got \(argNodes.count)")
            }
        } else if numIn != parameters.count {
            throw error("wrong number of args for \(name): want \(parameters.count) got \(numIn)")
        }
        if case .builtin(let builtin) = callee, builtin == .and || builtin == .or {
            var value: EvalValue = .invalid
            for arg in argNodes {
                value = try evalArg(dot, .reflectValue, arg)
                if (value.unboxed?.isTrue ?? false) == (builtin == .or) { return value }
            }
            if let final { value = final }
            return value
        }
        var argv: [EvalValue] = []
        argv.reserveCapacity(numIn)
        var index = 0
        while index < numFixed && index < argNodes.count {
            argv.append(try evalArg(dot, parameters[index], argNodes[index]))
            index += 1
        }
        if let variadic {
            while index < argNodes.count {
                argv.append(try evalArg(dot, variadic, argNodes[index]))
                index += 1
            }
        }
        if let final {
            var type = parameters.last ?? .reflectValue
            if let variadic {
                type = numIn - 1 < numFixed ? parameters[numIn - 1] : variadic
            }
            argv.append(try validateType(final, type))
        }
        switch callee {
        case .function(let function):
            let context = ExecutionCallContext(
                runtime: runtime, source: template.source, pos: callNode.pos,
                templateName: template.name)
            let result: Value
            do {
                result = try function.body(argv.map(\.argument), context)
            } catch {
                node = callNode
                throw self.error("error calling \(name): \(ExecutionState.message(of: error))")
            }
            if let index = function.mutatesArgument, index < argNodes.count {
                try storeBack(result, into: argNodes[index], dot: dot)
            }
            if case .null = result { return .boxed(.null) }
            return .concrete(result)
        case .builtin(let builtin):
            do {
                var calleeName = ""
                if builtin == .call {
                    calleeName =
                        argNodes.first?.description
                        ?? GoFormat.sprint([final?.argument ?? .null])
                }
                return try builtin.call(argv, calleeName: calleeName)
            } catch {
                node = callNode
                throw self.error("error calling \(name): \(ExecutionState.message(of: error))")
            }
        }
    }

    /// Go maps are references: a function that changes its map argument (Sprig's `set`) changes
    /// the variable it came from. Values are not, so the changed map is stored back into the
    /// variable (`$d`, or the map at `$d.a.b`), or into `$` when the argument is dot or a field
    /// of dot at the top of a template (`set .Values "k" v`).
    private func storeBack(_ result: Value, into argument: Expr, dot: Dot) throws {
        let idents: [String]
        switch (argument, dot) {
        case (.variable(_, let names), _): idents = names
        case (.dot, .root): idents = ["$"]
        case (.field(_, let names), .root): idents = ["$"] + names
        default: return
        }
        guard let root = idents.first, let current = try varValue(root).unboxed else { return }
        if let updated = ExecutionState.replacing(in: current, at: idents.dropFirst(), with: result)
        {
            try setVar(root, .concrete(updated))
        }
    }

    private static func replacing(
        in value: Value, at path: ArraySlice<String>, with replacement: Value
    ) -> Value? {
        guard let key = path.first else { return replacement }
        guard case .map(var entries) = value, let inner = entries[key],
            let updated = replacing(in: inner, at: path.dropFirst(), with: replacement)
        else { return nil }
        entries[key] = updated
        return .map(entries)
    }

    static func message(of error: any Error) -> String {
        switch error {
        case let error as FunctionError: return error.message
        case let error as TemplateError: return error.description
        default: return String(describing: error)
        }
    }

    // MARK: Arguments

    private func canBeNil(_ type: ParamType) -> Bool {
        switch type {
        case .reflectValue: return true
        case .go(let type):
            switch type {
            case .any, .list, .map: return true
            case .named(let name):
                return name.hasPrefix("[]") || name.hasPrefix("map[") || name.hasPrefix("*")
                    || name.hasPrefix("func")
            default: return false
            }
        }
    }

    private func validateType(_ value: EvalValue, _ type: ParamType?) throws -> EvalValue {
        guard let type else { return value }
        guard case .go(let goType) = type else { return value }
        let inner: Value
        switch value {
        case .invalid:
            if canBeNil(type) { return .boxed(.null) }
            throw error("invalid value; expected \(goType.goName)")
        case .boxed(let boxed):
            if goType == .any { return value }
            if case .null = boxed {
                throw error("wrong type for value; expected \(goType.goName); got interface {}")
            }
            inner = boxed
        case .concrete(let concrete):
            if goType == .any { return value }
            inner = concrete
        }
        if ExecutionState.matches(inner, goType) { return .concrete(inner) }
        throw error(
            "wrong type for value; expected \(goType.goName); got \(inner.goTypeName)")
    }

    static func matches(_ value: Value, _ type: GoType) -> Bool {
        switch (value, type) {
        case (_, .any): return true
        case (.string, .string), (.int, .int), (.int64, .int64), (.float, .float64),
            (.bool, .bool), (.list, .list), (.map, .map):
            return true
        case (.object(let object), .named(let name)): return object.goTypeName == name
        case (.object(let object), _): return object.goTypeName == type.goName
        default: return false
        }
    }

    private func evalArg(_ dot: Dot, _ type: ParamType?, _ arg: Expr) throws -> EvalValue {
        node = .expr(arg)
        switch arg {
        case .dot:
            return try validateType(resolve(dot), type)
        case .nilValue:
            if let type {
                if canBeNil(type) { return .boxed(.null) }
                throw error("cannot assign nil to \(type.goName)")
            }
            return .invalid
        case .field(_, let idents):
            return try validateType(
                evalFieldNode(dot, arg, idents, args: [arg], final: nil), type)
        case .variable(_, let idents):
            return try validateType(evalVariableNode(dot, arg, idents, args: nil, final: nil), type)
        case .pipe(let pipe):
            return try validateType(evalPipeline(dot, pipe), type)
        case .identifier(_, let name):
            return try validateType(
                evalFunction(dot, arg, name, callNode: .expr(arg), args: nil, final: nil), type)
        case .chain(_, let base, let fields):
            return try validateType(
                evalChainNode(dot, arg, base, fields, args: nil, final: nil), type)
        default:
            break
        }
        guard case .go(let goType) = type ?? .reflectValue else {
            return try evalEmptyInterface(dot, arg)
        }
        switch goType {
        case .bool:
            if case .bool(_, let value) = arg { return .concrete(.bool(value)) }
            throw error("expected bool; found \(arg.description)")
        case .float64:
            if case .number(let number) = arg, number.isFloat {
                return .concrete(.float(number.float64))
            }
            throw error("expected float; found \(arg.description)")
        case .int:
            if case .number(let number) = arg, number.isInt {
                return .concrete(.int(Int(number.int64)))
            }
            throw error("expected integer; found \(arg.description)")
        case .int64:
            if case .number(let number) = arg, number.isInt {
                return .concrete(.int64(number.int64))
            }
            throw error("expected integer; found \(arg.description)")
        case .string:
            if case .string(_, _, let text) = arg { return .concrete(.string(text)) }
            throw error("expected string; found \(arg.description)")
        case .any:
            return try evalEmptyInterface(dot, arg)
        default:
            throw error("can't handle \(arg.description) for arg of type \(goType.goName)")
        }
    }

    private func evalEmptyInterface(_ dot: Dot, _ arg: Expr) throws -> EvalValue {
        node = .expr(arg)
        switch arg {
        case .bool(_, let value): return .concrete(.bool(value))
        case .dot: return resolve(dot)
        case .field(_, let idents):
            return try evalFieldNode(dot, arg, idents, args: nil, final: nil)
        case .identifier(_, let name):
            return try evalFunction(dot, arg, name, callNode: .expr(arg), args: nil, final: nil)
        case .nilValue: throw error("evalEmptyInterface: nil (can't happen)")
        case .number(let number): return try idealConstant(number)
        case .string(_, _, let text): return .concrete(.string(text))
        case .variable(_, let idents):
            return try evalVariableNode(dot, arg, idents, args: nil, final: nil)
        case .pipe(let pipe): return try evalPipeline(dot, pipe)
        case .chain:
            throw error("can't handle assignment of \(arg.description) to empty interface argument")
        }
    }
}
