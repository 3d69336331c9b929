import Foundation

/// One document of a rendered template, with what Helm reads from its head.
struct SortedManifest: Sendable {
    var path: String
    var content: String
    var kind: String
    var isTest: Bool
}

/// Helm's `releaseutil.SortManifests`: templates split into documents, empty ones dropped,
/// hooks set apart, and both sorted by kind in install order (stable).
enum ManifestSorter {
    static let installOrder: [String] = [
        "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
        "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList",
        "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
        "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
        "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
        "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
        "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
        "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ]

    static let hookEvents: Set<String> = [
        "pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade",
        "post-upgrade", "pre-rollback", "post-rollback", "test", "test-success",
    ]

    /// `SplitManifests` (Helm >= 4.2.4): a separator is `---` at the start of a line, with the
    /// blanks after it; the text before it keeps its trailing blank lines. Each document loses
    /// its leading blanks; blank documents are dropped.
    static func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var documents: [String] = []
        var start = 0
        var index = 0
        func isBlank(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B
                || byte == 0x0C
        }
        while index + 3 <= bytes.count {
            let atLineStart = index == 0 || bytes[index - 1] == 0x0A
            if atLineStart && bytes[index] == 0x2D && bytes[index + 1] == 0x2D
                && bytes[index + 2] == 0x2D
            {
                documents.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += 3
                while index < bytes.count && isBlank(bytes[index]) { index += 1 }
                start = index
                continue
            }
            index += 1
        }
        documents.append(String(decoding: bytes[start...], as: UTF8.self))
        return documents.compactMap { document in
            let trimmed = String(document.drop { $0.isWhitespace })
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    static func sort(_ files: [String: String]) throws -> (
        hooks: [SortedManifest], manifests: [SortedManifest]
    ) {
        var hooks: [SortedManifest] = []
        var manifests: [SortedManifest] = []
        for path in files.keys.sorted() {
            if lastComponent(path).hasPrefix("_") { continue }
            guard let content = files[path],
                !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else { continue }
            for document in split(content) {
                let head: [String: Value]
                do {
                    switch try HelmYAML.value(document) {
                    case .map(let map): head = map
                    case .null: head = [:]
                    case let other:
                        throw HelmError(
                            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                                + HelmYAML.jsonKind(other)
                                + " into Go value of type util.SimpleHead")
                    }
                } catch {
                    throw HelmError("YAML parse error on \(path): \(error)")
                }
                var kind = ""
                if case .string(let text)? = head["kind"] { kind = text }
                var annotations: [String: String] = [:]
                if case .map(let metadata)? = head["metadata"],
                    case .map(let entries)? = metadata["annotations"]
                {
                    for (key, value) in entries {
                        if case .string(let text) = value { annotations[key] = text }
                    }
                }
                guard let hookTypes = annotations["helm.sh/hook"] else {
                    manifests.append(
                        SortedManifest(path: path, content: document, kind: kind, isTest: false))
                    continue
                }
                let events = hookTypes.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }
                if events.contains(where: { !hookEvents.contains($0) }) { continue }
                hooks.append(
                    SortedManifest(
                        path: path, content: document, kind: kind,
                        isTest: events.contains("test") || events.contains("test-success")))
            }
        }
        return (sortByKind(hooks), sortByKind(manifests))
    }

    static func sortByKind(_ items: [SortedManifest]) -> [SortedManifest] {
        var order: [String: Int] = [:]
        for (index, kind) in installOrder.enumerated() { order[kind] = index }
        return items.enumerated().sorted { a, b in
            let first = order[a.element.kind]
            let second = order[b.element.kind]
            switch (first, second) {
            case (nil, nil):
                if a.element.kind != b.element.kind { return a.element.kind < b.element.kind }
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?):
                if x != y { return x < y }
            }
            return a.offset < b.offset
        }.map(\.element)
    }
}
