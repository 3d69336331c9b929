import ShipModel
import Testing
import Validator

/// Parses a policy file's text, as `--policy` reads it.
func policy(_ yaml: String) throws -> Policy {
    try ProjectParser.parsePolicy(yaml, file: "policy.yaml")
}

func metrics(_ text: String) throws -> Metrics {
    try Metrics.parse(text, file: "metrics.json")
}

func evaluate(_ policyYAML: String, _ candidate: String, baseline: String? = nil) throws
    -> Evaluation
{
    try PolicyEvaluator.evaluate(
        policy(policyYAML), candidate: metrics(candidate),
        baseline: try baseline.map { .metrics(try metrics($0)) } ?? .none)
}

@Suite("policy evaluation")
struct PolicyEvaluatorTests {
    @Test(arguments: [0.9199999, 0.92, 0.9200001])
    func minIsInclusive(value: Double) throws {
        let result = try evaluate(
            "thresholds: [{metric: accuracy, min: 0.92}]", "{\"accuracy\": \(value)}")
        let check = try #require(result.checks.first)
        #expect(check.verdict == (value >= 0.92 ? .passed : .failed))
        #expect(result.blessed == (value >= 0.92))
        #expect(check.compared == value)
        if value < 0.92 {
            #expect(check.reason == "accuracy \(value) is below the minimum 0.92")
        }
    }

    @Test(arguments: [249.0, 250.0, 250.5])
    func maxIsInclusive(value: Double) throws {
        let result = try evaluate(
            "thresholds: [{metric: latency, max: 250}]", "{\"latency\": \(value)}")
        #expect(result.checks.map(\.verdict) == [value <= 250 ? .passed : .failed])
    }

    @Test func aRegressionIsMeasuredInTheDirectionThatIsBetter() throws {
        let base = 0.90
        for (direction, candidate) in [("higher", 0.87), ("lower", 0.93)] {
            let result = try evaluate(
                "thresholds: [{metric: m, direction: \(direction), max_regression: {abs: 0.02}}]",
                "{\"m\": \(candidate)}", baseline: "{\"m\": \(base)}")
            let check = try #require(result.checks.first)
            #expect(check.verdict == .failed, "\(direction)")
            #expect(abs((check.delta ?? 0) - (candidate - base)) < 1e-12)
            #expect(check.reason.contains("regressed by 0.03"))
            #expect(check.reason.hasSuffix("more than the allowed 0.02 abs"))
        }
        // The same moves the other way are improvements.
        for (direction, candidate) in [("higher", 0.93), ("lower", 0.87)] {
            let result = try evaluate(
                "thresholds: [{metric: m, direction: \(direction), max_regression: {abs: 0.02}}]",
                "{\"m\": \(candidate)}", baseline: "{\"m\": \(base)}")
            #expect(result.checks.map(\.verdict) == [.passed])
            #expect(result.checks[0].reason.contains("improved by 0.03"))
        }
    }

    @Test func aRegressionExactlyAtTheLimitPassesDespiteRounding() throws {
        // 0.90 - 0.92 is -0.020000000000000018 in binary floating point.
        let result = try evaluate(
            "thresholds: [{metric: f1, direction: higher, max_regression: {abs: 0.02}}]",
            "{\"f1\": 0.90}", baseline: "{\"f1\": 0.92}")
        #expect(result.checks.map(\.verdict) == [.passed])
    }

    @Test func relativeChangeDividesByTheBaselinesMagnitude() throws {
        // R² may be negative: from -0.50 to -0.60 is 0.10 worse, 20% of |−0.50|.
        let base = -0.50
        let candidate = -0.60
        let expected = (candidate - base) / abs(base)
        let failing = try evaluate(
            "thresholds: [{metric: r2, direction: higher, max_regression: {rel: 0.1}}]",
            "{\"r2\": \(candidate)}", baseline: "{\"r2\": \(base)}")
        let check = try #require(failing.checks.first)
        #expect(check.verdict == .failed)
        #expect(abs((check.relativeDelta ?? 0) - expected) < 1e-12)
        #expect(check.reason.contains("regressed by 0.1 (rel 20%)"))
        let passing = try evaluate(
            "thresholds: [{metric: r2, direction: higher, max_regression: {rel: 0.25}}]",
            "{\"r2\": \(candidate)}", baseline: "{\"r2\": \(base)}")
        #expect(passing.checks.map(\.verdict) == [.passed])
    }

    @Test func minImprovementAbsoluteAndRelative() throws {
        let base = 0.80
        let candidate = 0.83
        let relative = (candidate - base) / base
        let cases: [(String, Bool)] = [
            ("{abs: 0.03}", true), ("{abs: 0.031}", false),
            ("{rel: \(relative - 0.001)}", true), ("{rel: \(relative + 0.001)}", false),
        ]
        for (change, passes) in cases {
            let result = try evaluate(
                "thresholds: [{metric: auc, direction: higher, min_improvement: \(change)}]",
                "{\"auc\": \(candidate)}", baseline: "{\"auc\": \(base)}")
            #expect(result.checks.map(\.verdict) == [passes ? .passed : .failed], "\(change)")
        }
        let worse = try evaluate(
            "thresholds: [{metric: auc, direction: higher, min_improvement: {abs: 0.01}}]",
            "{\"auc\": 0.79}", baseline: "{\"auc\": 0.80}")
        #expect(
            worse.checks[0].reason
                == "auc regressed by 0.01 (rel 1.25%) against the baseline 0.8, but an improvement of at least 0.01 abs is required"
        )
    }

    @Test func aZeroBaselineWithARelativeThresholdIsInconclusiveNotNaN() throws {
        let result = try evaluate(
            "thresholds: [{metric: bias, direction: lower, max_regression: {rel: 0.1}}]",
            "{\"bias\": 0.01}", baseline: "{\"bias\": 0}")
        let check = try #require(result.checks.first)
        #expect(check.verdict == .inconclusive)
        #expect(check.relativeDelta == nil)
        #expect(check.reason.contains("is 0, so a relative change has no size"))
        #expect(!result.blessed)
        // An absolute threshold against 0 is decided.
        let absolute = try evaluate(
            "thresholds: [{metric: bias, direction: lower, max_regression: {abs: 0.1}}]",
            "{\"bias\": 0.01}", baseline: "{\"bias\": 0}")
        #expect(absolute.checks.map(\.verdict) == [.passed])
    }

    @Test func aBaselineThatLacksTheMetricOrSliceOrCannotBeReadIsInconclusive() throws {
        let rule =
            "thresholds: [{metric: f1, slice: \"l=*\", direction: higher, max_regression: {abs: 0.01}}]"
        let candidate = "{\"slices\": {\"l=a\": {\"f1\": 0.9}, \"l=b\": {\"f1\": 0.9}}}"
        let result = try evaluate(
            rule, candidate, baseline: "{\"slices\": {\"l=a\": {\"acc\": 0.9}}}")
        #expect(result.checks.map(\.verdict) == [.inconclusive, .inconclusive])
        #expect(
            result.checks.map(\.reason) == [
                "the baseline has no f1 on slice l=a", "the baseline has no slice l=b",
            ])
        let unavailable = try PolicyEvaluator.evaluate(
            policy(rule), candidate: metrics(candidate), baseline: .unavailable("not yet"))
        #expect(unavailable.checks.map(\.reason) == ["not yet", "not yet"])
    }

    @Test func noBaselineMakesChangeChecksInconclusive() throws {
        let result = try evaluate(
            "thresholds: [{metric: f1, direction: higher, max_regression: {abs: 0.01}}]",
            "{\"f1\": 0.9}")
        #expect(result.checks.map(\.verdict) == [.inconclusive])
        #expect(result.checks[0].reason.hasPrefix("no baseline was given"))
        #expect(result.result == .failed)
    }

    let sliced = """
        {"overall": {"f1": 0.9},
         "slices": {"language=de": {"size": 500, "f1": 0.84},
                    "language=fr": {"size": 40, "f1": 0.70},
                    "language=en": {"count": 900, "f1": 0.93},
                    "region=eu": {"size": 700, "f1": 0.5}}}
        """

    @Test func aNamedSliceAndAMissingOne() throws {
        let result = try evaluate(
            """
            thresholds:
              - {metric: f1, slice: language=de, min: 0.85}
              - {metric: f1, slice: language=it, min: 0.85}
            """, sliced)
        #expect(result.checks.map(\.verdict) == [.failed, .inconclusive])
        #expect(result.checks[0].reason == "f1 on slice language=de 0.84 is below the minimum 0.85")
        #expect(result.checks[1].reason == "slice language=it is not in the candidate's metrics")
    }

    @Test func aPatternChecksEveryMatchingSliceAndMinSliceSizeMakesSmallOnesInconclusive() throws {
        let result = try evaluate(
            "thresholds: [{metric: f1, slice: \"language=*\", min: 0.8, min_slice_size: 100}]",
            sliced)
        #expect(result.checks.map(\.slice) == ["language=de", "language=en", "language=fr"])
        #expect(result.checks.map(\.verdict) == [.passed, .passed, .inconclusive])
        #expect(
            result.checks[2].reason
                == "slice language=fr has 40 examples, fewer than min_slice_size 100")
        #expect(result.result == .failed)
        let warned = try evaluate(
            "inconclusive: warn\nthresholds: [{metric: f1, slice: \"language=*\", min: 0.8, min_slice_size: 100}]",
            sliced)
        #expect(warned.result == .warned)
        #expect(warned.blessed)
    }

    @Test func theWorstSliceIsTheOneReported() throws {
        let result = try evaluate(
            "thresholds: [{metric: f1, slice: \"language=*\", aggregate: worst, min: 0.75}]",
            sliced)
        // de 0.84, en 0.93, fr 0.70: the worst is fr.
        #expect(result.checks.count == 1)
        let check = try #require(result.checks.first)
        #expect(check.slice == "language=fr")
        #expect(check.verdict == .failed)
        #expect(check.reason.hasPrefix("worst of 3 slices matching language=*: "))
        let none = try evaluate(
            "thresholds: [{metric: f1, slice: \"lang=*\", aggregate: worst, min: 0.75}]", sliced)
        #expect(none.checks.map(\.verdict) == [.inconclusive])
        #expect(none.checks[0].reason == "no slice in the candidate's metrics matches lang=*")
    }

    @Test func theWorstSliceOfAChangeIsTheLargestRegression() throws {
        let baseline = """
            {"slices": {"language=de": {"f1": 0.86}, "language=en": {"f1": 0.99},
                        "language=fr": {"f1": 0.71}}}
            """
        let result = try evaluate(
            "thresholds: [{metric: f1, slice: \"language=*\", aggregate: worst, direction: higher, max_regression: {abs: 0.05}}]",
            sliced, baseline: baseline)
        // Regressions: de 0.02, en 0.06, fr 0.01.
        #expect(result.checks.map(\.slice) == ["language=en"])
        #expect(result.checks.map(\.verdict) == [.failed])
    }

    @Test func boundsGateOnTheInterval() throws {
        let candidate = """
            {"overall": {"accuracy": {"value": 0.93, "ci_lower": 0.915, "ci_upper": 0.945},
                         "latency": {"value": 240, "ci_lower": 230, "ci_upper": 255},
                         "plain": 0.95}}
            """
        let result = try evaluate(
            """
            thresholds:
              - {metric: accuracy, min: 0.92}
              - {metric: accuracy, min: 0.92, bound: ci_lower}
              - {metric: accuracy, min: 0.92, max: 0.94, bound: pessimistic}
              - {metric: latency, max: 250, bound: pessimistic}
              - {metric: plain, min: 0.9, bound: ci_lower}
            """, candidate)
        #expect(
            result.checks.map(\.bound) == [
                "point", "ci_lower", "ci_lower", "ci_upper", "ci_upper", "ci_lower",
            ])
        #expect(result.checks.map(\.compared) == [0.93, 0.915, 0.915, 0.945, 255, nil])
        #expect(
            result.checks.map(\.verdict) == [
                .passed, .failed, .failed, .failed, .failed, .inconclusive,
            ])
        #expect(
            result.checks[1].reason
                == "accuracy ci_lower 0.915 (point 0.93) is below the minimum 0.92")
        #expect(result.checks[5].reason.hasPrefix("plain has no confidence interval"))
    }

    @Test func aPessimisticChangeUsesTheWorseEndForTheDirection() throws {
        let candidate = """
            {"overall": {"loss": {"value": 0.50, "ci_lower": 0.45, "ci_upper": 0.56},
                         "f1": {"value": 0.90, "ci_lower": 0.87, "ci_upper": 0.93}}}
            """
        let result = try evaluate(
            """
            thresholds:
              - {metric: loss, direction: lower, max_regression: {abs: 0.05}, bound: pessimistic}
              - {metric: f1, direction: higher, max_regression: {abs: 0.02}, bound: pessimistic}
            """, candidate, baseline: "{\"loss\": 0.50, \"f1\": 0.90}")
        // loss: ci_upper 0.56 is 0.06 worse; f1: ci_lower 0.87 is 0.03 worse.
        #expect(result.checks.map(\.bound) == ["ci_upper", "ci_lower"])
        #expect(result.checks.map(\.compared) == [0.56, 0.87])
        #expect(result.checks.map(\.verdict) == [.failed, .failed])
    }

    @Test func samplesGiveAMeanAndATInterval() throws {
        let samples = [0.91, 0.93, 0.92, 0.94, 0.90]
        let parsed = try metrics(
            "{\"overall\": {\"acc\": {\"samples\": [\(samples.map { "\($0)" }.joined(separator: ", "))]}}}"
        )
        guard case .estimate(let estimate)? = parsed.overall["acc"] else {
            Issue.record("expected an estimate, got \(String(describing: parsed.overall["acc"]))")
            return
        }
        let mean = samples.reduce(0, +) / 5
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
        // t(0.975, 4) = 2.776445
        let half = 2.776445 * (variance / 5).squareRoot()
        #expect(abs(estimate.value - mean) < 1e-12)
        #expect(abs(estimate.lower - (mean - half)) < 1e-9)
        #expect(abs(estimate.upper - (mean + half)) < 1e-9)
        #expect(estimate.method == .seeds(count: 5))
        let result = try PolicyEvaluator.evaluate(
            policy("thresholds: [{metric: acc, min: \(mean - half - 0.001), bound: ci_lower}]"),
            candidate: parsed)
        #expect(result.checks.map(\.verdict) == [.passed])
    }

    @Test func largeSamplesUseTheNormalLimit() throws {
        let scores = (0..<1000).map { Double($0 % 2) }
        let parsed = try metrics(
            "{\"overall\": {\"hit\": {\"scores\": [\(scores.map { "\(Int($0))" }.joined(separator: ","))]}}}"
        )
        guard case .estimate(let estimate)? = parsed.overall["hit"] else {
            Issue.record("expected an estimate")
            return
        }
        let deviation = (250.0 / 999.0).squareRoot()
        let half = estimate.upper - estimate.value
        // t(0.975, 999) is 1.9623: within 1e-3 of the normal 1.96 times the standard error.
        #expect(abs(half / (deviation / 1000.0.squareRoot()) - 1.9623) < 1e-3)
        #expect(estimate.method == .examples(count: 1000))
    }

    @Test(arguments: [
        ("NaN", "NaN"), ("Infinity", "infinite"), ("\"0.93\"", "the string \"0.93\", not a number"),
        ("null", "null"), ("[0.9]", "a list, not a number"),
    ])
    func unusableValuesFailAndSaySo(value: String, why: String) throws {
        let result = try evaluate(
            "thresholds: [{metric: accuracy, min: 0.5}]", "{\"accuracy\": \(value)}")
        #expect(result.checks.map(\.verdict) == [.failed])
        #expect(result.checks[0].reason == "accuracy is \(why); a threshold cannot compare it")
        #expect(!result.blessed)
    }

    @Test func aMissingMetricIsInconclusiveAndUnmentionedOnesAreListed() throws {
        let result = try evaluate(
            "thresholds: [{metric: accuracy, min: 0.5}, {metric: recall, min: 0.5}]",
            """
            {"overall": {"accuracy": 0.9, "loss": 0.2},
             "slices": {"language=de": {"size": 3, "accuracy": 0.8, "bleu": 20}}}
            """)
        #expect(result.checks.map(\.verdict) == [.passed, .inconclusive])
        #expect(result.checks[1].reason == "recall is missing from the candidate's metrics")
        #expect(result.unmentionedMetrics == ["bleu", "loss"])
    }

    @Test func inconclusiveCanBeOverriddenPerThreshold() throws {
        let result = try evaluate(
            """
            inconclusive: fail
            thresholds:
              - {metric: accuracy, min: 0.5}
              - {metric: recall, min: 0.5, inconclusive: warn}
            """, "{\"accuracy\": 0.9}")
        #expect(result.checks.map(\.outcome) == [.passed, .warned])
        #expect(result.result == .warned)
        #expect(result.blessed)
    }

    @Test func anEmptyPolicyIsAnError() throws {
        let empty = Policy(inconclusive: .fail, thresholds: [])
        let error = #expect(throws: ValidatorError.self) {
            try PolicyEvaluator.evaluate(empty, candidate: Metrics(overall: ["a": .number(1)]))
        }
        #expect(error?.description.contains("would bless any model") == true)
        #expect(throws: ProjectFileError.self) { try policy("thresholds: []") }
    }

    @Test func slicePatternsAreGlobs() {
        #expect(sliceMatches("language=*", "language=de"))
        #expect(sliceMatches("language=?e", "language=de"))
        #expect(!sliceMatches("language=?", "language=de"))
        #expect(sliceMatches("*=de", "language=de"))
        #expect(sliceMatches("a*b*c", "aXXbYYc"))
        #expect(!sliceMatches("language=*", "region=eu"))
    }
}
