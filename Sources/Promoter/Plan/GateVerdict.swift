/// One gate's answer for one promotion: whether it lets the release through, why, and what
/// would make it pass.
public struct GateVerdict: Sendable, Equatable, Codable {
    /// The gate's name as `shipml.yaml` spells it: `from`, `requireValidation`, `soak`,
    /// `approvals`, `windows`, `freeze`, `requireLint`, `autoPromote`.
    public var gate: String
    public var passed: Bool
    /// Why, in one lower-case line.
    public var reason: String
    /// What would satisfy the gate; nil when it passed.
    public var remedy: String?

    public init(gate: String, passed: Bool, reason: String, remedy: String? = nil) {
        self.gate = gate
        self.passed = passed
        self.reason = reason
        self.remedy = remedy
    }

    static func pass(_ gate: String, _ reason: String) -> GateVerdict {
        GateVerdict(gate: gate, passed: true, reason: reason)
    }

    static func fail(_ gate: String, _ reason: String, _ remedy: String) -> GateVerdict {
        GateVerdict(gate: gate, passed: false, reason: reason, remedy: remedy)
    }

    /// `pass` or `fail`, for the `Shipml-Gate-<name>` trailer.
    public var word: String { passed ? "pass" : "fail" }
}

/// A promotion the gates refused: every failing gate, each with what would satisfy it.
public struct PromotionRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var environment: String
    public var model: String
    public var failing: [GateVerdict]

    public var description: String {
        var text = "promotion of \(model) to \(environment) refused by "
        text += failing.map(\.gate).joined(separator: ", ")
        for verdict in failing {
            text += "\n  \(verdict.gate): \(verdict.reason)"
            if let remedy = verdict.remedy { text += "; \(remedy)" }
        }
        return text
    }
}
