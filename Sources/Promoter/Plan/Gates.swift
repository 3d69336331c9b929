public import Foundation
public import ShipModel

/// Everything the gates look at, gathered beforehand so that checking them is pure.
public struct GateInputs: Sendable {
    /// The target environment as `shipml.yaml` declares it.
    public var target: EnvironmentSpec
    /// The environment the release comes from; nil for a new release entering the first stage.
    public var sourceEnvironment: String?
    /// The release to promote; nil when the source environment runs none of the model.
    public var release: ReleaseRecord?
    /// When the source environment's promotion commit of this release was made.
    public var sourcePromotedAt: Date?
    /// Approvals recorded for this release in the target environment.
    public var approvals: [Approval]
    /// Who asks for the promotion (a CI login or a git user name).
    public var actor: String
    public var now: Date
    /// Whether automation asks without a person (`promote --auto`).
    public var automatic: Bool
    /// The digest of the policy file `requireValidation.policy` names, when it names one.
    public var requiredPolicy: Digest?
    /// `requireLint`: the error-level findings in the rendered manifests; nil when they have
    /// not been rendered (a status report before the promotion).
    public var lintErrors: [String]?

    public init(
        target: EnvironmentSpec, sourceEnvironment: String?, release: ReleaseRecord?,
        sourcePromotedAt: Date? = nil, approvals: [Approval] = [], actor: String, now: Date,
        automatic: Bool = false, requiredPolicy: Digest? = nil, lintErrors: [String]? = nil
    ) {
        self.lintErrors = lintErrors
        self.target = target
        self.sourceEnvironment = sourceEnvironment
        self.release = release
        self.sourcePromotedAt = sourcePromotedAt
        self.approvals = approvals
        self.actor = actor
        self.now = now
        self.automatic = automatic
        self.requiredPolicy = requiredPolicy
    }
}

/// The gates of `shipml.yaml`, checked in a fixed order. Only the gates an environment
/// declares give a verdict, except `from`, which every promotion has.
public enum GateCheck {
    /// Every verdict, in order: from, requireValidation, soak, approvals, windows, freeze,
    /// requireLint, autoPromote.
    public static func verdicts(_ inputs: GateInputs) -> [GateVerdict] {
        let gates = inputs.target.gates
        var verdicts = [from(inputs)]
        if let requirement = gates.requireValidation {
            verdicts.append(validation(requirement, inputs))
        }
        if let soak = gates.soak { verdicts.append(self.soak(soak, inputs)) }
        if let rule = gates.approvals { verdicts.append(approvals(rule, inputs)) }
        if !gates.windows.isEmpty { verdicts.append(windows(gates.windows, now: inputs.now)) }
        if !gates.freeze.isEmpty { verdicts.append(freeze(gates.freeze, now: inputs.now)) }
        if gates.requireLint { verdicts.append(lint(inputs)) }
        if inputs.automatic || gates.autoPromote {
            verdicts.append(autoPromote(gates.autoPromote, automatic: inputs.automatic))
        }
        return verdicts
    }

    static func lint(_ inputs: GateInputs) -> GateVerdict {
        guard let errors = inputs.lintErrors else {
            return .pass("requireLint", "checked when the promotion renders the manifests")
        }
        guard let first = errors.first else {
            return .pass("requireLint", "the rendered manifests have no lint errors")
        }
        let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
        return .fail(
            "requireLint",
            "\(errors.count) lint error\(errors.count == 1 ? "" : "s"): \(first)\(more)",
            "fix them (shipml lint shows each with its fix) or lower the rule's severity for \(inputs.target.name) in shipml.yaml"
        )
    }

    static func from(_ inputs: GateInputs) -> GateVerdict {
        let target = inputs.target
        let allowed = target.from
        guard let source = inputs.sourceEnvironment else {
            guard allowed.isEmpty else {
                return .fail(
                    "from",
                    "\(target.name) takes releases only from \(allowed.joined(separator: ", "))",
                    "promote with --from \(allowed[0])")
            }
            return inputs.release == nil
                ? .fail("from", "no release was given", "pass --artifact REFERENCE@DIGEST")
                : .pass("from", "a new release enters \(target.name), the first stage")
        }
        guard allowed.contains(source) else {
            return .fail(
                "from",
                allowed.isEmpty
                    ? "\(target.name) is a first stage and takes no releases from other environments"
                    : "\(target.name) takes releases from \(allowed.joined(separator: ", ")), not \(source)",
                allowed.isEmpty
                    ? "promote a new release with --artifact" : "promote with --from \(allowed[0])")
        }
        guard let release = inputs.release else {
            return .fail(
                "from", "\(source) runs no release of this model",
                "promote the model to \(source) first")
        }
        return .pass("from", "\(source) runs \(release.model.version)")
    }

    static func validation(_ requirement: ValidationRequirement, _ inputs: GateInputs)
        -> GateVerdict
    {
        guard let validation = inputs.release?.validation else {
            return .fail(
                "requireValidation", "the release carries no validation blessing",
                "run shipml validate --blessing FILE and promote with --blessing FILE")
        }
        guard validation.result == "PASSED" || validation.result == "WARNED" else {
            return .fail(
                "requireValidation",
                "the blessing \(validation.blessing.encoded.prefix(12)) says \(validation.result)",
                "fix the model or the policy and validate again")
        }
        if let policy = requirement.policy {
            guard let required = inputs.requiredPolicy else {
                return .fail(
                    "requireValidation", "the policy file \(policy) could not be read",
                    "make \(policy) readable beside shipml.yaml")
            }
            guard validation.policy == required else {
                return .fail(
                    "requireValidation",
                    "the blessing was made under policy \(validation.policy.map { String($0.encoded.prefix(12)) } ?? "unknown"), not \(policy) (\(required.encoded.prefix(12)))",
                    "validate again with --policy \(policy)")
            }
            return .pass(
                "requireValidation", "\(validation.result) under \(policy)")
        }
        return .pass(
            "requireValidation",
            "\(validation.result) (blessing \(validation.blessing.encoded.prefix(12)))")
    }

    static func soak(_ soak: ShipDuration, _ inputs: GateInputs) -> GateVerdict {
        guard let source = inputs.sourceEnvironment, let since = inputs.sourcePromotedAt else {
            return .fail(
                "soak", "the release has not run anywhere yet to soak",
                "promote it to a source environment first and wait \(soak)")
        }
        let elapsed = Int(inputs.now.timeIntervalSince(since))
        guard elapsed >= soak.seconds else {
            let remaining = ShipDuration(seconds: soak.seconds - max(elapsed, 0))
            return .fail(
                "soak",
                "it has run in \(source) for \(ShipDuration(seconds: max(elapsed, 0))) of \(soak)",
                "wait \(remaining)")
        }
        return .pass("soak", "it has run in \(source) for \(ShipDuration(seconds: elapsed))")
    }

    static func approvals(_ rule: ApprovalRule, _ inputs: GateInputs) -> GateVerdict {
        var counted = Set<String>()
        var ignored: [String] = []
        for approval in inputs.approvals {
            if approval.approver == inputs.actor {
                ignored.append("\(approval.approver) (the promoter)")
            } else if !rule.from.isEmpty && !rule.from.contains(approval.approver) {
                ignored.append("\(approval.approver) (not allowed)")
            } else {
                counted.insert(approval.approver)
            }
        }
        let names = counted.sorted().joined(separator: ", ")
        let note = ignored.isEmpty ? "" : "; not counted: " + ignored.joined(separator: ", ")
        guard counted.count >= rule.count else {
            let who =
                rule.from.isEmpty ? "anyone but \(inputs.actor)" : rule.from.joined(separator: ", ")
            return .fail(
                "approvals",
                "\(counted.count) of \(rule.count) approvals\(names.isEmpty ? "" : " (\(names))")\(note)",
                "\(rule.count - counted.count) more by \(who): shipml approve --env \(inputs.target.name) --release \(inputs.release?.artifact.digest.description ?? "DIGEST")"
            )
        }
        return .pass("approvals", "\(counted.count) of \(rule.count) approvals (\(names))\(note)")
    }

    static func windows(_ windows: [PromotionWindow], now: Date) -> GateVerdict {
        var described: [String] = []
        for window in windows {
            let text = describe(window)
            described.append(text)
            guard let zone = TimeZone(identifier: window.timeZone) else {
                return .fail(
                    "windows", "unknown time zone \(window.timeZone)",
                    "use an IANA name such as Europe/Berlin")
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let parts = calendar.dateComponents([.weekday, .hour, .minute], from: now)
            let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
            // Calendar weekdays run 1 = Sunday ... 7 = Saturday.
            let order: [Weekday] = [.sun, .mon, .tue, .wed, .thu, .fri, .sat]
            let today = order[((parts.weekday ?? 1) - 1 + 7) % 7]
            let yesterday = order[((parts.weekday ?? 1) - 2 + 7) % 7]
            let inside: Bool
            if window.startMinute <= window.endMinute {
                inside =
                    window.days.contains(today) && minute >= window.startMinute
                    && minute < window.endMinute
            } else {
                // Past midnight: the evening of a listed day, or the morning after one.
                inside =
                    (window.days.contains(today) && minute >= window.startMinute)
                    || (window.days.contains(yesterday) && minute < window.endMinute)
            }
            if inside { return .pass("windows", "inside \(text)") }
        }
        return .fail(
            "windows", "outside every promotion window",
            "promote during " + described.joined(separator: " or "))
    }

    static func freeze(_ periods: [FreezePeriod], now: Date) -> GateVerdict {
        let active = periods.filter { $0.from <= now && now < $0.to }
        guard active.isEmpty else {
            let end = active.map(\.to).max() ?? now
            return .fail(
                "freeze",
                "frozen: "
                    + active.map { "\($0.reason) (until \(rfc3339($0.to)))" }.joined(
                        separator: "; "),
                "wait until \(rfc3339(end)), or end the freeze in shipml.yaml")
        }
        return .pass("freeze", "no freeze now")
    }

    static func autoPromote(_ allowed: Bool, automatic: Bool) -> GateVerdict {
        guard automatic else { return .pass("autoPromote", "asked for by a person") }
        guard allowed else {
            return .fail(
                "autoPromote", "this environment is not promoted automatically",
                "promote without --auto, or set autoPromote: true")
        }
        return .pass("autoPromote", "automatic promotion is allowed")
    }

    static func describe(_ window: PromotionWindow) -> String {
        func clock(_ minutes: Int) -> String {
            let hours = minutes / 60
            let rest = minutes % 60
            return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
        }
        let days = window.days.map(\.rawValue).joined(separator: ",")
        return "\(days) \(clock(window.startMinute))-\(clock(window.endMinute)) \(window.timeZone)"
    }
}

/// A date as RFC 3339 in UTC, e.g. `2026-11-29T09:00:00Z`, whole seconds. Computed from the
/// civil calendar directly: a date formatter costs more to create than a history listing.
public func rfc3339(_ date: Date) -> String {
    let seconds = Int(date.timeIntervalSince1970.rounded(.down))
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = seconds - days * 86_400
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return
        "\(year)-\(two(month))-\(two(day))T\(two(rest / 3_600)):\(two(rest % 3_600 / 60)):\(two(rest % 60))Z"
}
