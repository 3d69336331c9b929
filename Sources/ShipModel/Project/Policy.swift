/// The thresholds a candidate's metrics must meet. Keys follow the metric-policy names
/// (`max_regression`, `min_slice_size`, ...) so a policy file reads the same inline or apart.
public struct Policy: Sendable, Equatable, Encodable {
    /// What an inconclusive check (metric or slice missing, slice too small) counts as.
    public var inconclusive: InconclusiveOutcome
    public var thresholds: [Threshold]

    public init(inconclusive: InconclusiveOutcome = .fail, thresholds: [Threshold]) {
        self.inconclusive = inconclusive
        self.thresholds = thresholds
    }
}

/// Whether an inconclusive check fails the validation or only warns.
public enum InconclusiveOutcome: String, Sendable, Equatable, Encodable, CaseIterable {
    case fail, warn
}

/// One rule about one metric.
public struct Threshold: Sendable, Equatable, Encodable {
    public var metric: String
    /// Which slice the rule applies to.
    public var slice: SliceSelector
    /// Inclusive lower bound on the value.
    public var min: Double?
    /// Inclusive upper bound on the value.
    public var max: Double?
    /// Which way is better; needed to judge a change against the baseline.
    public var direction: Direction?
    /// How much worse than the baseline the candidate may be.
    public var maxRegression: Change?
    /// How much better than the baseline the candidate must be.
    public var minImprovement: Change?
    /// Slices with fewer examples are inconclusive.
    public var minSliceSize: Int?
    /// Which value is compared: the point estimate or a pessimistic interval bound.
    public var bound: Bound
    /// Overrides the policy's outcome for an inconclusive check of this rule.
    public var inconclusive: InconclusiveOutcome?

    public init(
        metric: String, slice: SliceSelector = .overall, min: Double? = nil, max: Double? = nil,
        direction: Direction? = nil, maxRegression: Change? = nil, minImprovement: Change? = nil,
        minSliceSize: Int? = nil, bound: Bound = .point, inconclusive: InconclusiveOutcome? = nil
    ) {
        self.metric = metric
        self.slice = slice
        self.min = min
        self.max = max
        self.direction = direction
        self.maxRegression = maxRegression
        self.minImprovement = minImprovement
        self.minSliceSize = minSliceSize
        self.bound = bound
        self.inconclusive = inconclusive
    }
}

/// Which slices a threshold looks at.
public enum SliceSelector: Sendable, Equatable, Encodable {
    /// The whole evaluation set.
    case overall
    /// One slice, such as `language=de`.
    case named(String)
    /// Every slice whose name matches a glob (`language=*`); each is checked.
    case each(pattern: String)
    /// Only the worst of the slices matching a glob.
    case worst(pattern: String)
}

public enum Direction: String, Sendable, Equatable, Encodable, CaseIterable {
    case higher, lower
}

/// A change against the baseline, absolute (in the metric's units) or relative (a fraction of
/// `|baseline|`).
public enum Change: Sendable, Equatable, Encodable {
    case absolute(Double)
    case relative(Double)
}

/// The value a threshold compares.
public enum Bound: String, Sendable, Equatable, Encodable, CaseIterable {
    /// The point estimate.
    case point
    /// The lower end of the confidence interval.
    case ciLower = "ci_lower"
    /// The upper end of the confidence interval.
    case ciUpper = "ci_upper"
    /// The end of the interval that is worse for the check: `ci_lower` against a minimum or when
    /// higher is better, `ci_upper` against a maximum or when lower is better.
    case pessimistic
}
