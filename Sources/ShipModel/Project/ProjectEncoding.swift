import Foundation

// The resolved configuration is printed in the same shape, and with the same keys, as the file
// it was read from, so `shipml config check` output can be pasted back.

private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension EvaluationSpec {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(metrics, forKey: Key("metrics"))
        try container.encodeIfPresent(baseline, forKey: Key("baseline"))
        try container.encodeIfPresent(policyFile, forKey: Key("policy"))
        if let policy {
            try container.encode(policy.inconclusive, forKey: Key("inconclusive"))
            try container.encode(policy.thresholds, forKey: Key("thresholds"))
        }
    }
}

extension BaselineSpec {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .file(let path): try container.encode(path, forKey: Key("file"))
        case .environment(let name): try container.encode(name, forKey: Key("environment"))
        }
    }
}

extension Threshold {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(metric, forKey: Key("metric"))
        switch slice {
        case .overall: break
        case .named(let name): try container.encode(name, forKey: Key("slice"))
        case .each(let pattern):
            try container.encode(pattern, forKey: Key("slice"))
            try container.encode("each", forKey: Key("aggregate"))
        case .worst(let pattern):
            try container.encode(pattern, forKey: Key("slice"))
            try container.encode("worst", forKey: Key("aggregate"))
        }
        try container.encodeIfPresent(min, forKey: Key("min"))
        try container.encodeIfPresent(max, forKey: Key("max"))
        try container.encodeIfPresent(direction, forKey: Key("direction"))
        try container.encodeIfPresent(maxRegression, forKey: Key("max_regression"))
        try container.encodeIfPresent(minImprovement, forKey: Key("min_improvement"))
        try container.encodeIfPresent(minSliceSize, forKey: Key("min_slice_size"))
        try container.encode(bound, forKey: Key("bound"))
        try container.encodeIfPresent(inconclusive, forKey: Key("inconclusive"))
    }
}

extension Change {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .absolute(let value): try container.encode(value, forKey: Key("abs"))
        case .relative(let value): try container.encode(value, forKey: Key("rel"))
        }
    }
}

extension SliceSelector {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .overall: try container.encode("overall")
        case .named(let name), .each(let name), .worst(let name): try container.encode(name)
        }
    }
}

extension DeploySpec {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch source {
        case .chart(let path): try container.encode(path, forKey: Key("chart"))
        case .kustomize(let path): try container.encode(path, forKey: Key("kustomize"))
        }
        try container.encode(releaseName, forKey: Key("releaseName"))
        if !valuesFiles.isEmpty { try container.encode(valuesFiles, forKey: Key("valuesFiles")) }
        try container.encodeIfPresent(values, forKey: Key("values"))
        try container.encodeIfPresent(image, forKey: Key("image"))
    }
}

extension DeploySpec.Source {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .chart(let path): try container.encode(path, forKey: Key("chart"))
        case .kustomize(let path): try container.encode(path, forKey: Key("kustomize"))
        }
    }
}

extension EnvironmentSpec {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(name, forKey: Key("name"))
        try container.encode(namespace ?? name, forKey: Key("namespace"))
        if !from.isEmpty { try container.encode(from, forKey: Key("from")) }
        try container.encode(gates, forKey: Key("gates"))
        if !valuesFiles.isEmpty { try container.encode(valuesFiles, forKey: Key("valuesFiles")) }
        try container.encodeIfPresent(values, forKey: Key("values"))
        try container.encodeIfPresent(overlay, forKey: Key("overlay"))
        try container.encode(production, forKey: Key("production"))
        if !lint.isEmpty { try container.encode(lint, forKey: Key("lint")) }
    }
}

extension Gates {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        if let requireValidation {
            if let policy = requireValidation.policy {
                try container.encode(["policy": policy], forKey: Key("requireValidation"))
            } else {
                try container.encode(true, forKey: Key("requireValidation"))
            }
        } else {
            try container.encode(false, forKey: Key("requireValidation"))
        }
        try container.encodeIfPresent(soak, forKey: Key("soak"))
        try container.encodeIfPresent(approvals, forKey: Key("approvals"))
        if !windows.isEmpty { try container.encode(windows, forKey: Key("windows")) }
        if !freeze.isEmpty { try container.encode(freeze, forKey: Key("freeze")) }
        try container.encode(requireLint, forKey: Key("requireLint"))
        try container.encode(autoPromote, forKey: Key("autoPromote"))
    }
}

extension PromotionWindow {
    /// `HH:MM-HH:MM`.
    public var hours: String {
        func clock(_ minutes: Int) -> String {
            let hours = minutes / 60
            let rest = minutes % 60
            return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
        }
        return "\(clock(startMinute))-\(clock(endMinute))"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(days, forKey: Key("days"))
        try container.encode(hours, forKey: Key("hours"))
        try container.encode(timeZone, forKey: Key("timezone"))
    }
}

extension FreezePeriod {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        try container.encode(formatter.string(from: from), forKey: Key("from"))
        try container.encode(formatter.string(from: to), forKey: Key("to"))
        try container.encode(reason, forKey: Key("reason"))
    }
}
