/// One Kubernetes object while a kustomization is built, with what kustomize remembers about it.
struct Resource {
    var value: KValue
    /// The names it had before prefixes, suffixes and hashes, oldest first.
    var previousNames: [String] = []
    /// The namespace it was read or generated with.
    var originalNamespace: String
    /// A generated ConfigMap or Secret whose name gets a content hash at the end of the build.
    var needsHash = false
    /// The behaviour a generator asked for (create, merge, replace).
    var behavior = "create"

    init(_ value: KValue) {
        self.value = value
        self.originalNamespace = value.value(at: ["metadata", "namespace"])?.stringValue ?? ""
    }

    var kind: String { value["kind"]?.stringValue ?? "" }
    var apiVersion: String { value["apiVersion"]?.stringValue ?? "" }
    var group: String {
        let parts = apiVersion.split(separator: "/", maxSplits: 1)
        return parts.count == 2 ? String(parts[0]) : ""
    }
    var version: String {
        let parts = apiVersion.split(separator: "/", maxSplits: 1)
        return parts.count == 2 ? String(parts[1]) : apiVersion
    }
    var name: String { value.value(at: ["metadata", "name"])?.stringValue ?? "" }
    var namespace: String { value.value(at: ["metadata", "namespace"])?.stringValue ?? "" }

    /// Every name it has been known by, current last.
    var allNames: [String] { previousNames + [name] }

    /// The original name, before any transformer touched it.
    var originalName: String { previousNames.first ?? name }

    mutating func rename(_ newName: String) {
        guard newName != name else { return }
        previousNames.append(name)
        value.setValue(.string(newName), at: ["metadata", "name"])
    }

    var labels: [(String, KValue)] { value.value(at: ["metadata", "labels"])?.mapPairs ?? [] }
    var annotations: [(String, KValue)] {
        value.value(at: ["metadata", "annotations"])?.mapPairs ?? []
    }

    /// Whether kustomize puts this kind in a namespace.
    var isNamespaced: Bool { !Resource.clusterScopedKinds.contains(kind) }

    static let clusterScopedKinds: Set<String> = [
        "APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "Cluster",
        "ClusterRole", "ClusterRoleBinding", "ComponentStatus", "CustomResourceDefinition",
        "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume",
        "PodSecurityPolicy", "PriorityClass", "RuntimeClass", "SelfSubjectAccessReview",
        "SelfSubjectRulesReview", "StorageClass", "SubjectAccessReview", "TokenReview",
        "ValidatingWebhookConfiguration", "VolumeAttachment",
    ]

    /// What makes two resources the same object: kind, group, name and namespace.
    var idKey: String { "\(kind)|\(group)|\(name)|\(namespace)" }

    /// The id kustomize prints in messages: `Kind.version.group/name.namespace`.
    var idDescription: String {
        let groupPart = group.isEmpty ? "" : ".\(group)"
        let namespacePart = namespace.isEmpty ? "" : ".\(namespace)"
        return "\(kind).\(version)\(groupPart)/\(name)\(namespacePart)"
    }
}

/// Kustomize's default ("legacy") output order.
enum LegacyOrder {
    static let first = [
        "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
        "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
        "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange",
        "PriorityClass", "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet",
        "CronJob", "PodDisruptionBudget",
    ]
    static let last = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

    static func sort(_ resources: [Resource], first: [String], last: [String]) -> [Resource] {
        var rank: [String: Int] = [:]
        for (index, kind) in first.enumerated() { rank[kind] = -first.count + index }
        for (index, kind) in last.enumerated() { rank[kind] = 1 + index }
        func gvkText(_ resource: Resource) -> String {
            let group = resource.group.isEmpty ? "~G" : resource.group
            let version = resource.version.isEmpty ? "~V" : resource.version
            let kind = resource.kind.isEmpty ? "~K" : resource.kind
            return "\(group)_\(version)_\(kind)"
        }
        func idText(_ resource: Resource) -> String {
            let namespace = resource.namespace.isEmpty ? "~X" : resource.namespace
            let name = resource.name.isEmpty ? "~N" : resource.name
            return "\(gvkText(resource))|\(namespace)|\(name)"
        }
        // The keys are computed once per resource, not once per comparison.
        let keyed = resources.enumerated().map { offset, resource in
            (
                rank: rank[resource.kind] ?? 0, gvk: gvkText(resource), id: idText(resource),
                offset: offset, resource: resource
            )
        }
        return keyed.sorted { a, b in
            if a.gvk != b.gvk {
                if a.rank != b.rank { return a.rank < b.rank }
                return a.gvk < b.gvk
            }
            if a.id != b.id { return a.id < b.id }
            return a.offset < b.offset
        }.map(\.resource)
    }
}
