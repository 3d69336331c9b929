/// Checks rendered manifests against the practices of running models on Kubernetes.
public enum Linter {
    /// How an environment wants its findings weighed.
    public struct Options: Sendable {
        /// A production environment: replicas, disruption budgets and digests matter more.
        public var production: Bool
        /// Severities set in `shipml.yaml`, by rule id; they replace the defaults.
        public var severities: [String: Severity]

        public init(production: Bool = false, severities: [String: Severity] = [:]) {
            self.production = production
            self.severities = severities
        }
    }

    /// The rule ids `severities` may name.
    public static var ruleIDs: [String] { Rule.all.map(\.id) }

    /// Lints manifests; findings come rule by rule, in the order of the manifests, and rules
    /// set to `off` report nothing.
    public static func lint(_ manifests: [Manifest], options: Options = Options()) -> [Finding] {
        let workloads = manifests.compactMap(Workload.init)
        var findings: [Finding] = []
        for rule in Rule.all {
            let severity =
                options.severities[rule.id]
                ?? (options.production ? rule.productionSeverity : rule.severity)
            guard severity != .off else { continue }
            for draft in rule.check(workloads, manifests) {
                findings.append(
                    Finding(
                        rule: rule.id, severity: severity, resource: draft.manifest.id,
                        field: draft.field, message: draft.message, fix: draft.fix,
                        source: draft.manifest.source))
            }
        }
        return findings
    }
}
