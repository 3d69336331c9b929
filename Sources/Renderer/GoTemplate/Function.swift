/// A Go type a function parameter declares. The executor converts and checks each argument
/// against it exactly as `text/template` does through reflection: untyped constants (`3`,
/// `1.5`, `"s"`, `true`, `nil`) take the parameter's type where Go allows; typed values must
/// match (`wrong type for value; expected int; got int64`); `nil` is refused where the type is
/// not nillable (`invalid value; expected int`).
public enum GoType: Sendable, Equatable {
    /// `interface {}`: anything; an untyped integer constant becomes `int`, a float `float64`.
    case any
    case string
    case int
    case int64
    case float64
    case bool
    /// `[]interface {}`.
    case list
    /// `map[string]interface {}`.
    case map
    /// `[]string`, `[]int`, and other types only objects carry: matched by `goTypeName`.
    case named(String)

    /// The name Go prints in its messages: `int`, `interface {}`, `map[string]interface {}`.
    public var goName: String {
        switch self {
        case .any: "interface {}"
        case .string: "string"
        case .int: "int"
        case .int64: "int64"
        case .float64: "float64"
        case .bool: "bool"
        case .list: "[]interface {}"
        case .map: "map[string]interface {}"
        case .named(let name): name
        }
    }
}

/// Where a function is called from: the executor hands it this so Helm's `include`, `tpl` and
/// `required` can reach the template set, and every function can name its call site.
public protocol CallContext: Sendable {
    /// `template: NAME:LINE:COL` of the call, for messages.
    var location: String { get }
    /// The template that makes the call (Go's `executing "NAME"`).
    var templateName: String { get }
    /// How many `executeTemplate`/`executeText` runs enclose this call (0 at the top), so that
    /// Helm's `include` can stop runaway recursion.
    var nesting: Int { get }
    /// How many `executeTemplate` runs of the template `name` enclose this call (Helm counts
    /// `include` recursion per template name).
    func enclosingRuns(of name: String) -> Int
    /// Runs the set's template `name` on `data` and returns its output (Helm's `include`).
    /// Throws `TemplateError` with Go's text.
    func executeTemplate(_ name: String, data: Value) throws -> String
    /// Parses `text` as a template called `name` over a private copy of the set's definitions
    /// and runs it on `data` (Helm's `tpl`). Throws `TemplateError` with Go's text.
    func executeText(_ text: String, name: String, data: Value) throws -> String
}

extension CallContext {
    public var templateName: String { "" }
    public var nesting: Int { 0 }
    public func enclosingRuns(of name: String) -> Int { 0 }

    public func executeTemplate(_ name: String, data: Value) throws -> String {
        throw FunctionError("no template set to execute \"\(name)\" in")
    }

    public func executeText(_ text: String, name: String, data: Value) throws -> String {
        throw FunctionError("no template set to execute text in")
    }
}

/// An error a function returns, as Go's second return value. The executor reports it as Go
/// does: `template: t:1:3: executing "t" at <fn ...>: error calling fn: MESSAGE`.
public struct FunctionError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// A function a template can call, with its Go signature.
///
/// `parameters` are the fixed parameters; `variadic`, when set, is the element type of a
/// trailing `...T` parameter. `canFail` says the Go function returns `(T, error)`; a body
/// signals that error by throwing `FunctionError`. Arity errors are the executor's:
/// `wrong number of args for trunc: want 2 got 1`.
public struct Function: Sendable {
    public var parameters: [GoType]
    public var variadic: GoType?
    public var canFail: Bool
    public var body: @Sendable (_ arguments: [Value], _ context: any CallContext) throws -> Value
    /// The index of an argument that the Go function changes in place (a map: Sprig's `set`,
    /// `unset`, `merge`, `mergeOverwrite`). Go maps are references, so `$_ := set $d "k" 1`
    /// changes `$d`; `Value` maps are not, so the executor stores the function's result back
    /// where that argument came from (a variable or a field chain). Nil for most functions.
    public var mutatesArgument: Int? = nil

    public init(
        _ parameters: [GoType], variadic: GoType? = nil, canFail: Bool = false,
        body: @escaping @Sendable (_ arguments: [Value], _ context: any CallContext) throws -> Value
    ) {
        self.parameters = parameters
        self.variadic = variadic
        self.canFail = canFail
        self.body = body
    }
}

/// Functions by name, as Go's `template.FuncMap`: a later map's entries replace an earlier
/// one's (Sprig's `slice` replaces the built-in).
public typealias FunctionMap = [String: Function]
