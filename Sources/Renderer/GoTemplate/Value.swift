/// A value as Go's `text/template` sees it, with the Go type that decides how it prints, compares
/// and converts.
///
/// Helm reads values files through `sigs.k8s.io/yaml`, so every number in `.Values` is a
/// `float64` (`.float`); integer literals in a template are Go `int` (`.int`); Sprig's math
/// returns `int64` (`.int64`); `--set` gives `int64`. The three are distinct because Go keeps
/// them distinct: `printf "%T"`, `typeOf`, and the argument checks of functions with typed
/// parameters (`trunc (add 1 2) "x"` fails: `add` returns int64, `trunc` wants int).
///
/// Maps are `map[string]interface {}`; their iteration order never matters, because
/// `range`, `keys | sortAlpha`, `toYaml` and `toJson` all sort. Anything with fields or methods
/// (`.Chart`, `.Capabilities`, `.Files`, a semver version, a `time.Time`, a `[]byte`, a
/// `[]string`) is an `.object`.
public enum Value: Sendable {
    /// An untyped nil interface (`<no value>` when printed by a template, `<nil>` by `printf`).
    case null
    case bool(Bool)
    /// Go `int`.
    case int(Int)
    /// Go `int64`.
    case int64(Int64)
    /// Go `float64`.
    case float(Double)
    case string(String)
    /// `[]interface {}`.
    case list([Value])
    /// `map[string]interface {}`.
    case map([String: Value])
    /// Any other Go value: a struct, a pointer to one, a typed slice or map, a function value.
    case object(any GoObject)
}

/// What a template can do with a value that is not plain data.
public protocol GoObject: Sendable {
    /// The Go type as `%T` and `typeOf` print it: `*chart.Metadata`, `[]string`, `time.Time`.
    var goTypeName: String { get }
    /// The Go kind as `kindOf` prints it: `ptr`, `struct`, `slice`, `map`, `func`.
    var goKind: String { get }
    /// `.Name` on the object: a field's value, a method to call, or nothing (Go's
    /// `can't evaluate field Name in type T`).
    func member(_ name: String) -> GoMember
    /// The text `fmt`'s `%v` prints for it.
    var formatted: String { get }
    /// Whether `if` takes it as true (Go's `truth`: non-zero struct values are true; an empty
    /// slice or map is false).
    var isTruthy: Bool { get }
    /// What `encoding/json` would marshal it to, as plain values (`toJson`, `toYaml`); nil when
    /// Go cannot marshal it.
    var marshalled: Value? { get }
    /// The elements when Go can index, `range` over or take `len` of it (a `[]string`, a
    /// `[]byte`); nil otherwise.
    var elements: [Value]? { get }
    /// The entries when Go can index and `range` over it as a map with string keys (a
    /// `map[string]string` from Sprig's `split`); nil otherwise.
    var mapEntries: [String: Value]? { get }
}

/// The result of looking up `.Name` on an object.
public enum GoMember: Sendable {
    case field(Value)
    case method(Function)
    case missing
}

extension GoObject {
    /// Whether `.Name` is a method of the object.
    func hasMethod(_ name: String) -> Bool {
        if case .method = member(name) { return true }
        return false
    }

    public var isTruthy: Bool { true }
    public var marshalled: Value? { nil }
    public var elements: [Value]? { nil }
    public var mapEntries: [String: Value]? { nil }
}
