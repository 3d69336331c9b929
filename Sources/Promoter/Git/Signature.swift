import CGit2
public import Foundation

/// Who made a commit and when: git's author or committer line.
public struct Signature: Hashable, Sendable {
    /// The person's name, e.g. `Release Bot`.
    public var name: String
    /// The person's email, e.g. `bot@example.com`.
    public var email: String
    /// When; git keeps whole seconds, so fractions are dropped when a commit is written.
    public var time: Date
    /// The time zone's offset from UTC in minutes, e.g. `120` for UTC+2.
    public var timeZoneOffsetMinutes: Int

    /// Creates a signature.
    /// - Parameters:
    ///   - name: The person's name; must not contain `<` or `>`.
    ///   - email: The person's email; must not contain `<` or `>`.
    ///   - time: When; now by default.
    ///   - timeZoneOffsetMinutes: Offset from UTC; by default the current time zone's at `time`.
    public init(
        name: String, email: String, time: Date = Date(), timeZoneOffsetMinutes: Int? = nil
    ) {
        self.name = name
        self.email = email
        self.time = time
        self.timeZoneOffsetMinutes =
            timeZoneOffsetMinutes ?? TimeZone.current.secondsFromGMT(for: time) / 60
    }

    /// Copies a signature that libgit2 lends; the pointer is not kept.
    init(_ signature: UnsafePointer<git_signature>) {
        let value = signature.pointee
        self.init(
            name: value.name.map { String(cString: $0) } ?? "",
            email: value.email.map { String(cString: $0) } ?? "",
            time: Date(timeIntervalSince1970: TimeInterval(value.when.time)),
            timeZoneOffsetMinutes: Int(value.when.offset))
    }
}
