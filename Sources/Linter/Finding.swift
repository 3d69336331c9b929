/// How much a finding matters. `error` fails `shipml lint` (exit 1) and a `requireLint` gate.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case off
    case info
    case warning
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// The object a finding is about: `Deployment/serving/sentiment`.
public struct ResourceID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: String
    public var namespace: String?
    public var name: String

    public init(kind: String, namespace: String?, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String {
        [kind, namespace, name].compactMap { $0 }.joined(separator: "/")
    }
}

/// One practice a manifest does not follow: which rule, where, and how to fix it.
public struct Finding: Sendable, Hashable, Codable {
    public var rule: String
    public var severity: Severity
    public var resource: ResourceID
    /// The field, as a path into the object: `spec.template.spec.containers[server].resources`.
    public var field: String
    public var message: String
    public var fix: String
    /// Where the object came from: a template (`# Source:`) or a file, when known.
    public var source: String?

    public init(
        rule: String, severity: Severity, resource: ResourceID, field: String, message: String,
        fix: String, source: String? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.resource = resource
        self.field = field
        self.message = message
        self.fix = fix
        self.source = source
    }
}
