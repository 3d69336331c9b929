public import Foundation

/// Where Sprig's random functions (`randAlphaNum`, `randInt`, `shuffle`, `uuidv4`,
/// `randBytes`, `htpasswd`'s salt, key generation) take their randomness from. Seed it to make a
/// render repeatable.
public final class RandomSource: @unchecked Sendable {
    // Safe: `state` is only read and written while `lock` is held.
    private let lock = NSLock()
    private var state: UInt64
    private let seeded: Bool

    /// A source seeded from the system's random generator.
    public init() {
        state = UInt64.random(in: .min ... .max)
        seeded = false
    }

    /// A repeatable source (SplitMix64 from the seed).
    public init(seed: UInt64) {
        state = seed
        seeded = true
    }

    /// Whether the source was seeded (and so is repeatable).
    public var isSeeded: Bool { seeded }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (`bound` > 0).
    public func below(_ bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit
        while true {
            let value = next()
            if value >= threshold { return Int(value % limit) }
        }
    }

    /// `count` random bytes.
    public func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            var value = next()
            for _ in 0..<8 where out.count < count {
                out.append(UInt8(truncatingIfNeeded: value))
                value >>= 8
            }
        }
        return out
    }
}

/// Where `now` and the date functions take the current time from, and the local time zone
/// (`date`, `dateInZone "Local"`). Fix both to make a render repeatable.
public struct Clock: Sendable {
    public var now: @Sendable () -> Date
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = .current, now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        self.timeZone = timeZone
    }

    /// A clock stopped at `date`.
    public static func fixed(
        _ date: Date, timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current
    )
        -> Clock
    {
        Clock(timeZone: timeZone) { date }
    }

    /// The system clock in the system's time zone.
    public static var system: Clock { Clock() }
}
