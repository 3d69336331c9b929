import ShipModel
import Testing
import Validator

/// One malformed policy or metrics file and the exact diagnostic it must give.
struct BadValidatorInput: CustomTestStringConvertible, Sendable {
    enum Kind: Sendable {
        case policy
        case metrics
    }

    var name: String
    var kind: Kind
    var text: String
    /// The file name the text is parsed under.
    var file: String?
    /// `file:line:col: error: path: message`, in full.
    var expected: String

    var testDescription: String { name }

    init(name: String, kind: Kind, text: String, file: String? = nil, expected: String) {
        self.name = name
        self.kind = kind
        self.text = text
        self.file = file
        self.expected = expected
    }
}

let badValidatorInputs: [BadValidatorInput] = [
    // Policy files: the same grammar as shipml.yaml's inline evaluation section.
    BadValidatorInput(
        name: "empty policy file", kind: .policy, text: "",
        expected: "policy.yaml:1:1: error: the file is empty"),
    BadValidatorInput(
        name: "policy is a list", kind: .policy, text: "- {metric: a, min: 1}\n",
        expected:
            "policy.yaml:1:1: error: expected a mapping with \"thresholds\", got a list"),
    BadValidatorInput(
        name: "no thresholds key", kind: .policy, text: "inconclusive: warn\n",
        expected:
            "policy.yaml:1:1: error: thresholds: missing required field \"thresholds\" (the rules the metrics must meet)"
    ),
    BadValidatorInput(
        name: "no thresholds", kind: .policy, text: "thresholds: []\n",
        expected:
            "policy.yaml:1:13: error: thresholds: a policy with no thresholds would bless any model; name at least one threshold"
    ),
    BadValidatorInput(
        name: "misspelt inconclusive", kind: .policy,
        text: "on_inconclusive: warn\nthresholds: [{metric: a, min: 1}]\n",
        expected:
            "policy.yaml:1:1: error: on_inconclusive: unknown field \"on_inconclusive\"; did you mean \"inconclusive\"?"
    ),
    BadValidatorInput(
        name: "inconclusive neither fail nor warn", kind: .policy,
        text: "inconclusive: wran\nthresholds: [{metric: a, min: 1}]\n",
        expected:
            "policy.yaml:1:15: error: inconclusive: expected one of \"fail\", \"warn\", got \"wran\""
    ),
    BadValidatorInput(
        name: "threshold without a metric", kind: .policy, text: "thresholds:\n  - {min: 1}\n",
        expected:
            "policy.yaml:2:5: error: thresholds[0].metric: missing required field \"metric\" (the metric's name)"
    ),
    BadValidatorInput(
        name: "threshold without a condition", kind: .policy,
        text: "thresholds:\n  - metric: f1\n    slice: language=de\n",
        expected:
            "policy.yaml:2:5: error: thresholds[0]: a threshold needs at least one of min, max, max_regression or min_improvement"
    ),
    BadValidatorInput(
        name: "min above max", kind: .policy,
        text: "thresholds:\n  - {metric: f1, min: 0.9, max: 0.5}\n",
        expected:
            "policy.yaml:2:33: error: thresholds[0].max: max (0.5) is below min (0.9): no value could pass"
    ),
    BadValidatorInput(
        name: "quoted bound", kind: .policy, text: "thresholds:\n  - {metric: f1, min: '0.9'}\n",
        expected: "policy.yaml:2:23: error: thresholds[0].min: expected a number, got \"0.9\""),
    BadValidatorInput(
        name: "infinite bound", kind: .policy, text: "thresholds:\n  - {metric: f1, max: .inf}\n",
        expected:
            "policy.yaml:2:23: error: thresholds[0].max: expected a finite number, got \".inf\""),
    BadValidatorInput(
        name: "misspelt min", kind: .policy, text: "thresholds:\n  - {metric: f1, minimum: 0.9}\n",
        expected:
            "policy.yaml:2:18: error: thresholds[0].minimum: unknown field \"minimum\"; expected one of aggregate, bound, direction, inconclusive, max, max_regression, metric, min, min_improvement, min_slice_size, slice"
    ),
    BadValidatorInput(
        name: "change without a direction", kind: .policy,
        text: "thresholds:\n  - metric: f1\n    max_regression: {abs: 0.01}\n",
        expected:
            "policy.yaml:3:21: error: thresholds[0].max_regression: a change against the baseline needs \"direction: higher\" or \"direction: lower\" to say which way is better"
    ),
    BadValidatorInput(
        name: "unknown direction", kind: .policy,
        text: "thresholds:\n  - {metric: f1, direction: up, min_improvement: {abs: 0.01}}\n",
        expected:
            "policy.yaml:2:29: error: thresholds[0].direction: expected one of \"higher\", \"lower\", got \"up\""
    ),
    BadValidatorInput(
        name: "change neither abs nor rel", kind: .policy,
        text: "thresholds:\n  - {metric: f1, direction: higher, max_regression: {pct: 2}}\n",
        expected:
            "policy.yaml:2:54: error: thresholds[0].max_regression.pct: unknown field \"pct\"; expected one of abs, rel"
    ),
    BadValidatorInput(
        name: "change both abs and rel", kind: .policy,
        text:
            "thresholds:\n  - {metric: f1, direction: higher, max_regression: {abs: 1, rel: 0.1}}\n",
        expected:
            "policy.yaml:2:53: error: thresholds[0].max_regression: give \"abs\" or \"rel\", not both"
    ),
    BadValidatorInput(
        name: "negative absolute change", kind: .policy,
        text: "thresholds:\n  - {metric: f1, direction: higher, max_regression: {abs: -0.01}}\n",
        expected:
            "policy.yaml:2:59: error: thresholds[0].max_regression.abs: expected a size of change of 0 or more, got -0.01; \"direction\" says which way is worse"
    ),
    BadValidatorInput(
        name: "change as a bare number", kind: .policy,
        text: "thresholds:\n  - {metric: f1, direction: higher, min_improvement: 0.01}\n",
        expected:
            "policy.yaml:2:54: error: thresholds[0].min_improvement: expected {abs: NUMBER} or {rel: FRACTION}, got \"0.01\""
    ),
    BadValidatorInput(
        name: "unknown bound", kind: .policy,
        text: "thresholds:\n  - {metric: f1, min: 0.8, bound: lower}\n",
        expected:
            "policy.yaml:2:35: error: thresholds[0].bound: expected one of \"point\", \"ci_lower\", \"ci_upper\", \"pessimistic\", got \"lower\"; did you mean \"ci_lower\"?"
    ),
    BadValidatorInput(
        name: "slice not feature=value", kind: .policy,
        text: "thresholds:\n  - {metric: f1, min: 0.8, slice: german}\n",
        expected:
            "policy.yaml:2:35: error: thresholds[0].slice: expected a slice written feature=value (language=de, or language=* for every language), got \"german\""
    ),
    BadValidatorInput(
        name: "worst without a pattern", kind: .policy,
        text: "thresholds:\n  - {metric: f1, min: 0.8, slice: language=de, aggregate: worst}\n",
        expected:
            "policy.yaml:2:59: error: thresholds[0].aggregate: \"aggregate\" applies to a slice pattern with * or ?, such as language=*"
    ),
    BadValidatorInput(
        name: "min_slice_size without a slice", kind: .policy,
        text: "thresholds:\n  - {metric: f1, min: 0.8, min_slice_size: 100}\n",
        expected:
            "policy.yaml:2:44: error: thresholds[0].min_slice_size: min_slice_size applies to slices; add \"slice\""
    ),
    BadValidatorInput(
        name: "min_slice_size of zero", kind: .policy,
        text: "thresholds:\n  - {metric: f1, min: 0.8, slice: \"l=*\", min_slice_size: 0}\n",
        expected:
            "policy.yaml:2:58: error: thresholds[0].min_slice_size: expected at least 1 example, got 0"
    ),
    BadValidatorInput(
        name: "truncated policy", kind: .policy, text: "thresholds:\n  - {metric: f1, min: 0.8\n",
        expected:
            "policy.yaml:3:1: error: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping)"
    ),

    // Metrics files.
    BadValidatorInput(
        name: "empty metrics file", kind: .metrics, text: "",
        expected:
            "metrics.json:1:1: error: the file is empty; expected a map of metric names to numbers"),
    BadValidatorInput(
        name: "metrics are a list", kind: .metrics, text: "[0.9, 0.8]",
        expected:
            "metrics.json:1:1: error: expected a map of metric names to numbers, such as {\"accuracy\": 0.93}"
    ),
    BadValidatorInput(
        name: "unknown key beside overall", kind: .metrics,
        text: "{\"overall\": {\"f1\": 0.9},\n \"slice\": {}}",
        expected:
            "metrics.json:2:2: error: slice: unknown field \"slice\" beside overall and slices; did you mean \"slices\"?"
    ),
    BadValidatorInput(
        name: "slice name not feature=value", kind: .metrics,
        text: "{\"slices\": {\"german\": {\"f1\": 0.9}}}",
        expected:
            "metrics.json:1:13: error: slices.german: expected a slice name written feature=value, such as language=de, got \"german\""
    ),
    BadValidatorInput(
        name: "slice size not a whole number", kind: .metrics,
        text: "{\"slices\": {\"language=de\": {\"size\": 81.5, \"f1\": 0.9}}}",
        expected:
            "metrics.json:1:37: error: slices.language=de.size: expected a whole number of examples (0 or more), got \"81.5\""
    ),
    BadValidatorInput(
        name: "slice with size and count", kind: .metrics,
        text: "slices:\n  language=de:\n    size: 10\n    count: 10\n    f1: 0.9\n",
        expected:
            "metrics.json:4:5: error: slices.language=de.count: give the slice's size once, as size or count"
    ),
    BadValidatorInput(
        name: "slice that is a number", kind: .metrics, text: "slices:\n  language=de: 0.9\n",
        expected:
            "metrics.json:2:16: error: slices.language=de: expected the slice's size and metrics, such as {size: 812, f1: 0.9}"
    ),
    BadValidatorInput(
        name: "interval without its upper end", kind: .metrics,
        text: "{\"overall\": {\"f1\": {\"value\": 0.9, \"ci_lower\": 0.8}}}",
        expected:
            "metrics.json:1:35: error: overall.f1.ci_lower: ci_lower needs ci_upper beside it"),
    BadValidatorInput(
        name: "interval that misses its value", kind: .metrics,
        text: "overall:\n  f1: {value: 0.9, ci_lower: 0.91, ci_upper: 0.95}\n",
        expected:
            "metrics.json:2:30: error: overall.f1.ci_lower: the interval [0.91, 0.95] does not contain the value 0.9"
    ),
    BadValidatorInput(
        name: "misspelt interval key", kind: .metrics,
        text: "overall:\n  f1: {value: 0.9, ci_low: 0.8, ci_upper: 0.95}\n",
        expected:
            "metrics.json:2:20: error: overall.f1.ci_low: unknown field \"ci_low\"; did you mean \"ci_lower\"?"
    ),
    BadValidatorInput(
        name: "a single sample", kind: .metrics, text: "overall:\n  f1: {samples: [0.9]}\n",
        expected:
            "metrics.json:2:17: error: overall.f1.samples: an interval needs at least 2 samples, got 1"
    ),
    BadValidatorInput(
        name: "samples beside a value", kind: .metrics,
        text: "overall:\n  f1: {value: 0.9, samples: [0.9, 0.8]}\n",
        expected:
            "metrics.json:2:8: error: overall.f1.value: value is computed from the samples; give one or the other"
    ),
    BadValidatorInput(
        name: "samples and scores", kind: .metrics,
        text: "overall:\n  f1: {samples: [0.9, 0.8], scores: [1, 0]}\n",
        expected: "metrics.json:2:29: error: overall.f1.scores: give samples or scores, not both"),
    BadValidatorInput(
        name: "samples that are not a list", kind: .metrics,
        text: "overall:\n  f1: {samples: 0.9}\n",
        expected:
            "metrics.json:2:17: error: overall.f1.samples: expected a list of numbers, got \"0.9\""
    ),
    BadValidatorInput(
        name: "a sample that is a list", kind: .metrics,
        text: "overall:\n  f1: {samples: [0.9, [0.8]]}\n",
        expected: "metrics.json:2:23: error: overall.f1.samples[1]: expected a number, got a list"),
    BadValidatorInput(
        name: "model card without front matter", kind: .metrics, text: "# Model\n",
        file: "README.md",
        expected:
            "README.md:1:1: error: a model card needs YAML front matter (a \"---\" line first) holding model-index"
    ),
    BadValidatorInput(
        name: "model card without a closing line", kind: .metrics,
        text: "---\nmodel-index: []\n# Model\n",
        expected:
            "metrics.json:1:1: error: the front matter that starts on line 1 has no closing \"---\" line"
    ),
    BadValidatorInput(
        name: "model card without model-index", kind: .metrics,
        text: "---\nlicense: mit\n---\n# Model\n",
        expected:
            "metrics.json:2:1: error: the model card has no \"model-index\" in its front matter; expected model-index: [{results: [{metrics: [{type: accuracy, value: 0.93}]}]}]"
    ),
    BadValidatorInput(
        name: "model card metric without a type", kind: .metrics,
        text: "---\nmodel-index:\n  - results:\n      - metrics:\n          - {value: 0.9}\n---\n",
        expected:
            "metrics.json:5:13: error: model-index[0].results[0].metrics[0].type: missing required field \"type\" (the metric's name, such as accuracy)"
    ),
    BadValidatorInput(
        name: "model card results not a list", kind: .metrics,
        text: "---\nmodel-index:\n  - name: m\n    results: {metrics: []}\n---\n",
        expected:
            "metrics.json:4:14: error: model-index[0].results: expected a list, got a mapping"),
]

@Suite("malformed policies and metrics files")
struct BadValidatorInputTests {
    @Test(arguments: badValidatorInputs)
    func eachGivesAPreciseLocatedError(input: BadValidatorInput) throws {
        let error = #expect(throws: ProjectFileError.self) {
            switch input.kind {
            case .policy: _ = try ProjectParser.parsePolicy(input.text, file: "policy.yaml")
            case .metrics:
                _ = try Metrics.parse(input.text, file: input.file ?? "metrics.json")
            }
        }
        #expect(error?.diagnostics.first?.description == input.expected)
    }

    @Test func thereAreEnoughCases() {
        #expect(badValidatorInputs.count >= 25)
    }
}
