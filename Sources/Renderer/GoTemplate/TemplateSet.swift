import Foundation

/// Go's `missingkey` option: what `.key` gives when a map has no such key.
public enum MissingKey: Sendable, Equatable {
    /// `missingkey=default` (or `invalid`): no value; prints `<no value>`.
    case `default`
    /// `missingkey=zero`: the map's zero element, a nil interface (Helm's normal mode).
    case zero
    /// `missingkey=error`: fails with `map has no entry for key "x"` (Helm's strict mode).
    case error
}

/// Execution options of a template set.
public struct TemplateOptions: Sendable {
    public var missingKey: MissingKey
    /// Go's `maxExecDepth`: how deeply `{{template}}` calls may nest.
    public var maxDepth: Int
    /// How deeply `executeTemplate`/`executeText` (Helm's `include`/`tpl`) runs may nest.
    public var maxNesting: Int
    /// The name of the set's own template (Go's `template.New(name)`), which Go names when a
    /// template is missing: `no template "x" associated with template "gotpl"` in Helm.
    public var rootName: String

    public init(
        missingKey: MissingKey = .default, maxDepth: Int = 100_000, maxNesting: Int = 10_000,
        rootName: String = ""
    ) {
        self.missingKey = missingKey
        self.maxDepth = maxDepth
        self.maxNesting = maxNesting
        self.rootName = rootName
    }
}

/// A set of Go templates that share their definitions, as one `*template.Template` with its
/// associated templates: every parsed file and every `define`/`block` in them.
///
/// Parse each file once with `parse(name:text:)`, then `execute(name:data:)` any of them, from
/// any thread. Functions receive a `CallContext` through which they can run another template
/// of the set (`include`) or a text over the set's definitions (`tpl`):
///
/// ```swift
/// let set = TemplateSet(functions: helmFunctions, options: TemplateOptions(missingKey: .zero))
/// try set.parse(name: "chart/templates/_helpers.tpl", text: helpers)
/// try set.parse(name: "chart/templates/deploy.yaml", text: deploy)
/// let yaml = try set.execute(name: "chart/templates/deploy.yaml", data: .map(top))
/// ```
///
/// Errors are `TemplateError`s with Go's text. Where this differs from Go's text/template:
/// complex constants (`1i`) are parse errors; there are no unsigned integer types (indexing a
/// string gives an `int`); custom delimiters are not supported; a function that changes a map
/// argument (Sprig's `set`) changes the variable it was given (`$d`, `$d.a`) or, at the top of a
/// template, `$` (`set .Values ...`), but not other aliases of that map (dot inside `with` or
/// `range`, a template called with it); and recursion stops with Go's `exceeded maximum
/// template depth` error when the thread's stack would run out, even below 100000 levels.
public final class TemplateSet: @unchecked Sendable {
    // @unchecked: `templates` is only read or written while holding `lock`; executions work on
    // an immutable snapshot of it.
    private let lock = NSLock()
    private var templates: [String: ParsedTemplate] = [:]
    /// The functions templates may call, besides Go's built-ins (which they replace by name).
    public let functions: FunctionMap
    public let options: TemplateOptions

    /// - Parameters:
    ///   - functions: the set's `FuncMap`; known before parsing, since Go checks at parse time
    ///     that every called function exists.
    ///   - options: `missingkey` and the depth limits.
    public init(functions: FunctionMap = [:], options: TemplateOptions = TemplateOptions()) {
        self.functions = functions
        self.options = options
    }

    /// The names of the templates that can be executed, sorted.
    public var names: [String] {
        lock.withLock { Array(templates.keys) }.sorted()
    }

    /// Whether a template called `name` exists (a file or a definition).
    public func contains(_ name: String) -> Bool {
        lock.withLock { templates[name] != nil }
    }

    /// Parses `text` as template `name` (a file) and adds it and its definitions to the set.
    /// A later non-empty definition of a name replaces an earlier one; an empty one does not.
    /// - Throws: `TemplateError` of kind `.parse` with Go's text; the set is then unchanged.
    public func parse(name: String, text: String) throws {
        let functions = self.functions
        let parsed = try TemplateSet.onLargeStack { _ in
            try TemplateSet.parseTrees(
                name: name, text: text,
                hasFunction: { functions[$0] != nil || Builtin(rawValue: $0) != nil })
        }
        lock.withLock {
            TemplateSet.associate(parsed, into: &templates)
        }
    }

    /// Runs template `name` on `data` and returns its output.
    /// - Throws: `TemplateError` with Go's text (`template: no template "x" associated with
    ///   template "x"` when there is no such template).
    public func execute(name: String, data: Value) throws -> String {
        let templates = lock.withLock { self.templates }
        let functions = self.functions
        let options = self.options
        return try TemplateSet.onLargeStack { stack in
            try ExecutionRuntime(
                templates: templates, functions: functions, options: options, nesting: 0,
                stack: stack
            ).execute(name: name, data: data)
        }
    }

    // MARK: Internals

    static func parseTrees(
        name: String, text: String, hasFunction: @escaping (String) -> Bool
    ) throws -> [ParsedTemplate] {
        let shared: ParseShared
        do {
            shared = try Parser.parse(name: name, text: text, hasFunction: hasFunction)
        } catch {
            throw TemplateError(
                kind: .parse, description: error.message, templateName: name, fileName: name)
        }
        return shared.order.compactMap { shared.treeSet[$0] }
    }

    /// Go's `associate`: keep an existing template when the new one is empty.
    static func associate(
        _ parsed: [ParsedTemplate], into templates: inout [String: ParsedTemplate]
    ) {
        for template in parsed {
            if let existing = templates[template.name], template.root.isEmpty {
                _ = existing
                continue
            }
            templates[template.name] = template
        }
    }

    /// The stack a parse or an execution runs on: deep `{{template}}` recursion (Go allows
    /// 100000 levels) needs far more than a default thread's stack. Executions stop with Go's
    /// depth error well before it runs out (see `StackGuard`).
    static let stackSize = 1 << 30

    private final class ResultBox<T>: @unchecked Sendable {
        // @unchecked: written by the worker thread before it signals, read after the wait.
        var result: Result<T, any Error>?
    }

    /// The key under which a large-stack thread keeps its guard.
    private static let guardKey = "shipml.TemplateSet.stackGuard"

    /// Runs `body` on a new thread with a `stackSize` stack and waits for it; on such a thread
    /// already (a chart's whole render runs on one), runs it right there. Making a thread with
    /// a 1 GiB stack costs about a millisecond, too much to pay for every file and `tpl`.
    static func onLargeStack<T>(_ body: @escaping @Sendable (StackGuard) throws -> T) throws -> T {
        if let current = Thread.current.threadDictionary[guardKey] as? StackGuard {
            return try body(current)
        }
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let guardrail = StackGuard(size: stackSize)
            Thread.current.threadDictionary[guardKey] = guardrail
            box.result = Result { try body(guardrail) }
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        guard let result = box.result else {
            throw TemplateError(
                kind: .execution, description: "template: execution did not finish",
                templateName: "", fileName: nil)
        }
        return try result.get()
    }
}

/// Where the stack of the current large-stack thread must stop: recursion checks it so that
/// no template, however deeply it nests, can overflow the stack.
struct StackGuard: Sendable {
    /// The lowest address recursion may reach (stacks grow down).
    let limit: Int

    init(size: Int) {
        var marker = 0
        let base = withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
        limit = base - size + (64 << 20)
    }

    /// Whether the calling frame is still clear of the limit.
    var hasRoom: Bool {
        var marker = 0
        return withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) } > limit
    }
}
