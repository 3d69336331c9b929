import Foundation

/// A point value with a confidence interval around it.
public struct Estimate: Equatable, Sendable {
    /// The point value: as given, or the mean of the samples.
    public var value: Double
    /// The lower end of the interval.
    public var lower: Double
    /// The upper end of the interval.
    public var upper: Double
    /// Where the interval came from.
    public var method: IntervalMethod

    public init(value: Double, lower: Double, upper: Double, method: IntervalMethod) {
        self.value = value
        self.lower = lower
        self.upper = upper
        self.method = method
    }

    /// The mean of `samples` with a two-sided 95% Student-t interval:
    /// `mean ± t(0.975, n−1) · s / √n`, where `s` is the sample standard deviation (n − 1).
    /// Returns nil with fewer than two samples; the caller has checked they are finite.
    public static func tInterval95(_ samples: [Double], method: IntervalMethod) -> Estimate? {
        let count = samples.count
        guard count >= 2 else { return nil }
        let mean = samples.reduce(0, +) / Double(count)
        let squares = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let deviation = (squares / Double(count - 1)).squareRoot()
        let half = studentT975(degreesOfFreedom: count - 1) * deviation / Double(count).squareRoot()
        return Estimate(value: mean, lower: mean - half, upper: mean + half, method: method)
    }

    /// The 97.5% quantile of Student's t distribution: a table to 30 degrees of freedom, then
    /// the Cornish-Fisher expansion around the normal quantile (error below 1e-4).
    static func studentT975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
            2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
            2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
            2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
        ]
        if df >= 1, df <= table.count { return table[df - 1] }
        let z = 1.959963985
        let n = Double(df)
        let z3 = z * z * z
        let z5 = z3 * z * z
        return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n)
    }
}

/// How an interval was obtained.
public enum IntervalMethod: Equatable, Sendable {
    /// Written in the file as `ci_lower` and `ci_upper`.
    case given
    /// Written as `value ± error` (a model card).
    case plusMinus
    /// A 95% t-interval over per-seed results.
    case seeds(count: Int)
    /// A 95% t-interval over per-example scores.
    case examples(count: Int)

    /// Words for a report.
    public var description: String {
        switch self {
        case .given: return "given"
        case .plusMinus: return "value ± error"
        case .seeds(let count): return "95% t-interval over \(count) seeds"
        case .examples(let count): return "95% t-interval over \(count) examples"
        }
    }
}
