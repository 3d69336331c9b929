/// An error from parsing or executing a template, with Go's exact text in `description`:
/// `template: NAME:LINE: unexpected "}" in operand` or
/// `template: FILE:LINE:COL: executing "NAME" at <.x.y>: nil pointer evaluating interface {}.y`.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The text does not parse.
        case parse
        /// Execution failed; `templateName` and `fileName` say where.
        case execution
    }

    public let kind: Kind
    /// Go's error text.
    public let description: String
    /// The template that was executing (`executing "NAME"`), or the parsed name for a parse error.
    public let templateName: String
    /// The file (Go's `ParseName`) whose text holds the failing node, when known.
    public let fileName: String?
}
