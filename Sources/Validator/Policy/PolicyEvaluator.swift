public import ShipModel

/// The baseline a candidate is compared with.
public enum BaselineMetrics: Sendable, Equatable {
    /// None was given: checks of a change are inconclusive.
    case none
    /// The baseline model's metrics.
    case metrics(Metrics)
    /// A baseline was named but cannot be read here; the reason says why.
    case unavailable(String)
}

/// What a validation decided: every check, and the metrics no threshold looked at.
public struct Evaluation: Sendable, Equatable {
    public var checks: [CheckResult]
    /// Metric names (overall or in a slice) that no threshold mentions, sorted.
    public var unmentionedMetrics: [String]

    public init(checks: [CheckResult], unmentionedMetrics: [String]) {
        self.checks = checks
        self.unmentionedMetrics = unmentionedMetrics
    }

    /// FAILED if a check failed or an inconclusive check counts as failing; WARNED if an
    /// inconclusive check only warns; PASSED otherwise. No checks at all is FAILED.
    public var result: TestOutcome { checks.map(\.outcome).max() ?? .failed }

    /// Whether the model may be released: nothing failed, nothing inconclusive under `fail`.
    public var blessed: Bool { result != .failed }

    /// How many checks passed, failed and were inconclusive.
    public func count(_ verdict: Verdict) -> Int { checks.filter { $0.verdict == verdict }.count }
}

/// A policy that cannot be evaluated.
public struct ValidatorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// Judges a candidate's metrics against a policy. Pure: no files, no clock.
///
/// Each threshold gives one check per condition (`min`, `max`, `max_regression`,
/// `min_improvement`) and per slice. A change is `candidate − baseline` in the threshold's
/// `direction`; a relative change divides it by `|baseline|`, and a relative threshold against
/// a baseline of exactly 0 is inconclusive (the change has no size). Changes within 1e-9 of
/// the limit (relative to the numbers involved) count as equal to it, so decimal rounding never
/// fails `0.92 − 0.90 ≤ 0.02`.
public enum PolicyEvaluator {
    /// Evaluates every threshold of `policy`.
    /// - Throws: ``ValidatorError`` for a policy without thresholds: it would bless any model.
    public static func evaluate(
        _ policy: Policy, candidate: Metrics, baseline: BaselineMetrics = .none
    ) throws -> Evaluation {
        guard !policy.thresholds.isEmpty else {
            throw ValidatorError(
                "the policy has no thresholds and would bless any model; name at least one threshold"
            )
        }
        var checks: [CheckResult] = []
        for threshold in policy.thresholds {
            let judge = Judge(
                threshold: threshold, outcome: threshold.inconclusive ?? policy.inconclusive,
                baseline: baseline)
            checks += judge.run(candidate)
        }
        let mentioned = Set(policy.thresholds.map(\.metric))
        return Evaluation(
            checks: checks,
            unmentionedMetrics: candidate.allMetricNames.filter { !mentioned.contains($0) })
    }
}

/// Whether a slice name matches a glob: `*` any run of characters, `?` one character.
public func sliceMatches(_ pattern: String, _ name: String) -> Bool {
    let pattern = Array(pattern)
    let name = Array(name)
    var p = 0
    var n = 0
    var star: Int?
    var resume = 0
    while n < name.count {
        if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
            p += 1
            n += 1
        } else if p < pattern.count, pattern[p] == "*" {
            star = p
            resume = n
            p += 1
        } else if let star {
            p = star + 1
            resume += 1
            n = resume
        } else {
            return false
        }
    }
    while p < pattern.count, pattern[p] == "*" { p += 1 }
    return p == pattern.count
}

/// One threshold's conditions, applied to the slices it selects.
private struct Judge {
    let threshold: Threshold
    let outcome: InconclusiveOutcome
    let baseline: BaselineMetrics

    struct Target {
        var slice: String?
        var values: [String: MetricValue]
        var size: Int?
    }

    var conditions: [(Condition, Double, String?)] {
        var result: [(Condition, Double, String?)] = []
        if let min = threshold.min { result.append((.min, min, nil)) }
        if let max = threshold.max { result.append((.max, max, nil)) }
        if let change = threshold.maxRegression {
            result.append(Self.split(.maxRegression, change))
        }
        if let change = threshold.minImprovement {
            result.append(Self.split(.minImprovement, change))
        }
        return result
    }

    static func split(_ condition: Condition, _ change: Change) -> (Condition, Double, String?) {
        switch change {
        case .absolute(let value): return (condition, value, "abs")
        case .relative(let value): return (condition, value, "rel")
        }
    }

    func name(_ condition: Condition, _ limit: Double, _ kind: String?) -> String {
        "\(threshold.metric) \(condition.rawValue) \(limitText(limit, kind))"
    }

    func limitText(_ limit: Double, _ kind: String?) -> String {
        switch kind {
        case "abs": return "\(Format.number(limit)) abs"
        case "rel": return "\(Format.percent(limit)) rel"
        default: return Format.number(limit)
        }
    }

    func run(_ candidate: Metrics) -> [CheckResult] {
        switch threshold.slice {
        case .overall:
            let target = Target(slice: nil, values: candidate.overall, size: nil)
            return conditions.map { check(target, $0.0, $0.1, $0.2).result }
        case .named(let name):
            guard let slice = candidate.slices[name] else {
                return conditions.map {
                    inconclusive(
                        $0.0, $0.1, $0.2, slice: name,
                        "slice \(name) is not in the candidate's metrics")
                }
            }
            let target = Target(slice: name, values: slice.metrics, size: slice.size)
            return conditions.map { check(target, $0.0, $0.1, $0.2).result }
        case .each(let pattern), .worst(let pattern):
            let targets = candidate.slices.keys.sorted().filter { sliceMatches(pattern, $0) }
                .compactMap { name in
                    candidate.slices[name].map {
                        Target(slice: name, values: $0.metrics, size: $0.size)
                    }
                }
            guard !targets.isEmpty else {
                return conditions.map {
                    inconclusive(
                        $0.0, $0.1, $0.2, slice: pattern,
                        "no slice in the candidate's metrics matches \(pattern)")
                }
            }
            var results: [CheckResult] = []
            for (condition, limit, kind) in conditions {
                let all = targets.map { check($0, condition, limit, kind) }
                guard case .worst = threshold.slice else {
                    results += all.map(\.result)
                    continue
                }
                // The worst slice stands for the decided ones; what could not be compared is
                // reported slice by slice, so nothing is hidden.
                results += all.filter { $0.badness == nil }.map(\.result)
                let decided = all.filter { $0.badness != nil }
                if var worst = decided.max(by: { ($0.badness ?? 0) < ($1.badness ?? 0) })?.result {
                    worst.reason =
                        "worst of \(decided.count) slices matching \(pattern): \(worst.reason)"
                    results.append(worst)
                }
            }
            return results
        }
    }

    func inconclusive(
        _ condition: Condition, _ limit: Double, _ kind: String?, slice: String?, _ reason: String
    ) -> CheckResult {
        CheckResult(
            name: name(condition, limit, kind), metric: threshold.metric, condition: condition,
            slice: slice, limit: limit, limitKind: kind, verdict: .inconclusive,
            onInconclusive: outcome, reason: reason)
    }

    /// The bound actually compared for a condition.
    func effectiveBound(_ condition: Condition) -> Bound {
        guard threshold.bound == .pessimistic else { return threshold.bound }
        switch condition {
        case .min: return .ciLower
        case .max: return .ciUpper
        default: return threshold.direction == .lower ? .ciUpper : .ciLower
        }
    }

    /// Decides one condition on one slice; `badness` orders decided results for `worst`.
    func check(_ target: Target, _ condition: Condition, _ limit: Double, _ kind: String?)
        -> (result: CheckResult, badness: Double?)
    {
        let metric = threshold.metric
        let on = target.slice.map { " on slice \($0)" } ?? ""
        var result = inconclusive(condition, limit, kind, slice: target.slice, "")
        func decide(_ verdict: Verdict, _ reason: String) -> CheckResult {
            var decided = result
            decided.verdict = verdict
            decided.reason = reason
            return decided
        }

        if let slice = target.slice, let minimum = threshold.minSliceSize {
            guard let size = target.size else {
                return (
                    decide(
                        .inconclusive,
                        "slice \(slice) does not say how many examples it holds; min_slice_size \(minimum) needs its size"
                    ), nil
                )
            }
            if size < minimum {
                return (
                    decide(
                        .inconclusive,
                        "slice \(slice) has \(size) examples, fewer than min_slice_size \(minimum)"),
                    nil
                )
            }
        }
        guard let value = target.values[metric] else {
            let whose = target.slice.map { "slice \($0) of the candidate's metrics" }
            return (
                decide(
                    .inconclusive, "\(metric) is missing from \(whose ?? "the candidate's metrics")"
                ),
                nil
            )
        }
        let point: Double
        let estimate: Estimate?
        switch value {
        case .unusable(let why):
            return (
                decide(.failed, "\(metric)\(on) is \(why); a threshold cannot compare it"), nil
            )
        case .number(let number):
            point = number
            estimate = nil
        case .estimate(let interval):
            point = interval.value
            estimate = interval
        }
        result.candidate = point
        let bound = effectiveBound(condition)
        result.bound = bound.rawValue
        let compared: Double
        switch (bound, estimate) {
        case (.point, _), (.pessimistic, _): compared = point
        case (.ciLower, let estimate?): compared = estimate.lower
        case (.ciUpper, let estimate?): compared = estimate.upper
        case (_, nil):
            return (
                decide(
                    .inconclusive,
                    "\(metric)\(on) has no confidence interval, and the threshold gates on \(bound.rawValue); give {value, ci_lower, ci_upper}, samples or scores"
                ), nil
            )
        }
        result.compared = compared
        let subject =
            bound == .point
            ? "\(metric)\(on) \(Format.number(compared))"
            : "\(metric)\(on) \(bound.rawValue) \(Format.number(compared)) (point \(Format.number(point)))"

        switch condition {
        case .min:
            return compared >= limit
                ? (
                    decide(.passed, "\(subject) is at least the minimum \(Format.number(limit))"),
                    -compared
                )
                : (
                    decide(.failed, "\(subject) is below the minimum \(Format.number(limit))"),
                    -compared
                )
        case .max:
            return compared <= limit
                ? (
                    decide(.passed, "\(subject) is at most the maximum \(Format.number(limit))"),
                    compared
                )
                : (
                    decide(.failed, "\(subject) is above the maximum \(Format.number(limit))"),
                    compared
                )
        case .maxRegression, .minImprovement:
            return change(
                target, condition, limit, kind, compared: compared, result: result, on: on)
        case .artifact:
            return (decide(.inconclusive, "not a metric condition"), nil)
        }
    }

    func change(
        _ target: Target, _ condition: Condition, _ limit: Double, _ kind: String?,
        compared: Double, result: CheckResult, on: String
    ) -> (result: CheckResult, badness: Double?) {
        let metric = threshold.metric
        var result = result
        func decide(_ verdict: Verdict, _ reason: String) -> CheckResult {
            result.verdict = verdict
            result.reason = reason
            return result
        }
        let baselineMetrics: Metrics
        switch baseline {
        case .none:
            return (
                decide(
                    .inconclusive,
                    "no baseline was given; \(condition.rawValue) compares \(metric) with one (--baseline FILE, or evaluation.baseline)"
                ), nil
            )
        case .unavailable(let why):
            return (decide(.inconclusive, why), nil)
        case .metrics(let metrics):
            baselineMetrics = metrics
        }
        let values: [String: MetricValue]
        if let slice = target.slice {
            guard let baselineSlice = baselineMetrics.slices[slice] else {
                return (decide(.inconclusive, "the baseline has no slice \(slice)"), nil)
            }
            values = baselineSlice.metrics
        } else {
            values = baselineMetrics.overall
        }
        guard let baselineValue = values[metric] else {
            return (decide(.inconclusive, "the baseline has no \(metric)\(on)"), nil)
        }
        guard let base = baselineValue.point else {
            let why: String
            if case .unusable(let text) = baselineValue { why = text } else { why = "unusable" }
            return (
                decide(.failed, "the baseline's \(metric)\(on) is \(why); it cannot be compared"),
                nil
            )
        }
        result.baseline = base
        let delta = compared - base
        result.delta = delta
        result.relativeDelta = base == 0 ? nil : delta / abs(base)
        let direction = threshold.direction ?? .higher
        let improvement = direction == .higher ? delta : -delta
        let size: Double
        if kind == "rel" {
            guard base != 0 else {
                return (
                    decide(
                        .inconclusive,
                        "the baseline's \(metric)\(on) is 0, so a relative change has no size; use {abs: N} for this metric"
                    ), nil
                )
            }
            size = improvement / abs(base)
        } else {
            size = improvement
        }
        let tolerance = 1e-9 * Swift.max(1, abs(limit), abs(base), abs(compared))
        let amount = Format.number(abs(delta))
        let relative = base == 0 ? "" : " (rel \(Format.percent(abs(delta) / abs(base))))"
        let moved =
            improvement > 0
            ? "improved by \(amount)\(relative)"
            : improvement < 0 ? "regressed by \(amount)\(relative)" : "did not change"
        let against = " against the baseline \(Format.number(base))"
        let allowed = limitText(limit, kind)
        if condition == .maxRegression {
            let regression = -size
            if regression <= limit + tolerance {
                let tail = improvement < 0 ? ", within the allowed \(allowed)" : ""
                return (decide(.passed, "\(metric)\(on) \(moved)\(against)\(tail)"), regression)
            }
            return (
                decide(
                    .failed, "\(metric)\(on) \(moved)\(against), more than the allowed \(allowed)"),
                regression
            )
        }
        if size >= limit - tolerance {
            return (
                decide(
                    .passed, "\(metric)\(on) \(moved)\(against), at least the required \(allowed)"),
                -size
            )
        }
        let shortfall =
            improvement > 0
            ? "\(metric)\(on) improved by only \(amount)\(relative)\(against), less than the required \(allowed)"
            : "\(metric)\(on) \(moved)\(against), but an improvement of at least \(allowed) is required"
        return (decide(.failed, shortfall), -size)
    }
}
