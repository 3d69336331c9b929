public import Foundation

/// When and how long to wait before trying a request again: exponential backoff with jitter,
/// on connection failures and 408, 429, 500, 502, 503 and 504, honouring `Retry-After`.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; 1 means no retry.
    public var attempts: Int
    /// The wait before the first retry; each later one doubles, up to ``maximumDelay``.
    public var baseDelay: Duration
    public var maximumDelay: Duration

    public init(
        attempts: Int = 6, baseDelay: Duration = .milliseconds(250),
        maximumDelay: Duration = .seconds(15)
    ) {
        self.attempts = max(1, attempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// No retries, for tests that want to see the first failure.
    public static let none = RetryPolicy(attempts: 1)

    /// Statuses worth another try.
    public static func isRetryable(status: Int) -> Bool {
        [408, 429, 500, 502, 503, 504].contains(status)
    }

    /// How long to wait after failed attempt number `attempt` (0 for the first): half the
    /// exponential delay plus a random part up to the other half, or what `Retry-After` asks
    /// (at most a minute).
    public func delay(afterAttempt attempt: Int, retryAfter: String? = nil) -> Duration {
        if let retryAfter, let asked = Self.parseRetryAfter(retryAfter) {
            return min(asked, .seconds(60))
        }
        let factor = Double(1 << min(attempt, 20))
        let exponential = min(baseDelay * factor, maximumDelay)
        let half = exponential / 2
        return half + half * Double.random(in: 0...1)
    }

    /// Sleeps for ``delay(afterAttempt:retryAfter:)``.
    public func pause(afterAttempt attempt: Int, retryAfter: String? = nil) {
        Thread.sleep(
            forTimeInterval: delay(afterAttempt: attempt, retryAfter: retryAfter).timeInterval)
    }

    /// `Retry-After: 3` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
    static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int(seconds * 1000))
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
