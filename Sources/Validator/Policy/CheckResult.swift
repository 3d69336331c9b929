public import ShipModel

/// What one check decided.
public enum Verdict: String, Sendable, Equatable, Codable, CaseIterable {
    case passed, failed, inconclusive
}

/// The condition a check tests.
public enum Condition: String, Sendable, Equatable, Codable, CaseIterable {
    /// The value is at least a minimum.
    case min
    /// The value is at most a maximum.
    case max
    /// The candidate is no more than so much worse than the baseline.
    case maxRegression = "max_regression"
    /// The candidate is at least so much better than the baseline.
    case minImprovement = "min_improvement"
    /// An artifact check on the model's files.
    case artifact
}

/// One decided check: a condition of a threshold on one slice, or an artifact check.
public struct CheckResult: Sendable, Equatable, Encodable {
    /// A stable name for the check, such as `accuracy min 0.92` or `f1 max_regression 0.02 abs`.
    public var name: String
    /// The metric, or the artifact rule.
    public var metric: String
    public var condition: Condition
    /// The slice, or nil for the whole evaluation set (for an artifact check: the file).
    public var slice: String?
    /// The candidate's point value.
    public var candidate: Double?
    /// The value that was compared: the point or an interval bound.
    public var compared: Double?
    /// Which value was compared (`point`, `ci_lower`, `ci_upper`).
    public var bound: String?
    /// The baseline's point value, for a change.
    public var baseline: Double?
    /// `compared − baseline`, in the metric's units.
    public var delta: Double?
    /// `delta / |baseline|`.
    public var relativeDelta: Double?
    /// The threshold's number: the minimum, maximum or allowed change.
    public var limit: Double?
    /// `abs` or `rel` for a change.
    public var limitKind: String?
    public var verdict: Verdict
    /// What an inconclusive verdict counts as under the policy.
    public var onInconclusive: InconclusiveOutcome
    /// Why, in a reviewer's words.
    public var reason: String

    public init(
        name: String, metric: String, condition: Condition, slice: String?,
        candidate: Double? = nil, compared: Double? = nil, bound: String? = nil,
        baseline: Double? = nil, delta: Double? = nil, relativeDelta: Double? = nil,
        limit: Double? = nil, limitKind: String? = nil, verdict: Verdict,
        onInconclusive: InconclusiveOutcome, reason: String
    ) {
        self.name = name
        self.metric = metric
        self.condition = condition
        self.slice = slice
        self.candidate = candidate
        self.compared = compared
        self.bound = bound
        self.baseline = baseline
        self.delta = delta
        self.relativeDelta = relativeDelta
        self.limit = limit
        self.limitKind = limitKind
        self.verdict = verdict
        self.onInconclusive = onInconclusive
        self.reason = reason
    }

    /// How the check counts towards the overall result.
    public var outcome: TestOutcome {
        switch verdict {
        case .passed: return .passed
        case .failed: return .failed
        case .inconclusive: return onInconclusive == .fail ? .failed : .warned
        }
    }

    /// The name with the slice, unique within one evaluation: `f1 min 0.9 [language=de]`.
    public var qualifiedName: String {
        "\(name) [\(slice ?? "overall")]"
    }

    enum CodingKeys: String, CodingKey {
        case name, metric, condition, slice, candidate, compared, bound, baseline, delta
        case relativeDelta, limit, limitKind, verdict, onInconclusive, outcome, reason
    }

    /// Every key is written, with null for what is absent, so the schema is the same each time.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(metric, forKey: .metric)
        try container.encode(condition, forKey: .condition)
        try container.encode(slice, forKey: .slice)
        try container.encode(candidate, forKey: .candidate)
        try container.encode(compared, forKey: .compared)
        try container.encode(bound, forKey: .bound)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(delta, forKey: .delta)
        try container.encode(relativeDelta, forKey: .relativeDelta)
        try container.encode(limit, forKey: .limit)
        try container.encode(limitKind, forKey: .limitKind)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(onInconclusive, forKey: .onInconclusive)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(reason, forKey: .reason)
    }
}

/// How a check, or the whole validation, counts: the in-toto test-result vocabulary.
public enum TestOutcome: String, Sendable, Equatable, Codable, Comparable {
    case passed = "PASSED"
    case warned = "WARNED"
    case failed = "FAILED"

    private var rank: Int {
        switch self {
        case .passed: return 0
        case .warned: return 1
        case .failed: return 2
        }
    }

    public static func < (lhs: TestOutcome, rhs: TestOutcome) -> Bool { lhs.rank < rhs.rank }
}
