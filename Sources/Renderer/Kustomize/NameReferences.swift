/// After names change (prefixes, suffixes, hashes), kustomize rewrites the fields that refer to
/// them: a Deployment's `configMapKeyRef`, a RoleBinding's subjects, an HPA's target.
enum NameReferences {
    struct Reference {
        /// Kinds of referrer; empty means any kind.
        var kinds: Set<String>
        var path: [String]
        /// Whether the object holding the name must name the referral's kind in `kind`.
        var checkKind = false
    }

    static let podSpecPaths: [String: [[String]]] = {
        var table: [String: [[String]]] = ["Pod": [["spec"]]]
        for kind in Transformers.podTemplateKinds { table[kind] = [["spec", "template", "spec"]] }
        table["CronJob"] = [["spec", "jobTemplate", "spec", "template", "spec"]]
        return table
    }()

    static func podReferences(_ relative: [[String]]) -> [Reference] {
        var references: [Reference] = []
        for (kind, prefixes) in podSpecPaths {
            for prefix in prefixes {
                for path in relative {
                    references.append(Reference(kinds: [kind], path: prefix + path))
                }
            }
        }
        return references
    }

    static let containerKeys = ["containers", "initContainers", "ephemeralContainers"]

    static let table: [String: [Reference]] = {
        var configMap: [[String]] = [
            ["volumes", "configMap", "name"],
            ["volumes", "projected", "sources", "configMap", "name"],
        ]
        var secret: [[String]] = [
            ["volumes", "secret", "secretName"],
            ["volumes", "projected", "sources", "secret", "name"],
            ["imagePullSecrets", "name"],
        ]
        for key in containerKeys {
            configMap.append([key, "env", "valueFrom", "configMapKeyRef", "name"])
            configMap.append([key, "envFrom", "configMapRef", "name"])
            secret.append([key, "env", "valueFrom", "secretKeyRef", "name"])
            secret.append([key, "envFrom", "secretRef", "name"])
        }
        let workloads: Set<String> = [
            "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController",
        ]
        let bindings: Set<String> = ["RoleBinding", "ClusterRoleBinding"]
        let ingress: Set<String> = ["Ingress"]
        var table: [String: [Reference]] = [
            "ConfigMap": podReferences(configMap),
            "Secret": podReferences(secret) + [
                Reference(kinds: ingress, path: ["spec", "tls", "secretName"]),
                Reference(kinds: ["ServiceAccount"], path: ["imagePullSecrets", "name"]),
                Reference(kinds: ["ServiceAccount"], path: ["secrets", "name"]),
            ],
            "ServiceAccount": podReferences([["serviceAccountName"], ["serviceAccount"]]) + [
                Reference(kinds: bindings, path: ["subjects", "name"], checkKind: true)
            ],
            "PersistentVolumeClaim": podReferences([
                ["volumes", "persistentVolumeClaim", "claimName"]
            ]),
            "PriorityClass": podReferences([["priorityClassName"]]),
            "Service": [
                Reference(
                    kinds: ingress,
                    path: ["spec", "rules", "http", "paths", "backend", "service", "name"]),
                Reference(
                    kinds: ingress,
                    path: ["spec", "rules", "http", "paths", "backend", "serviceName"]),
                Reference(kinds: ingress, path: ["spec", "defaultBackend", "service", "name"]),
                Reference(kinds: ingress, path: ["spec", "backend", "serviceName"]),
                Reference(kinds: ["StatefulSet"], path: ["spec", "serviceName"]),
                Reference(kinds: ["APIService"], path: ["spec", "service", "name"]),
                Reference(
                    kinds: ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"],
                    path: ["webhooks", "clientConfig", "service", "name"]),
                Reference(
                    kinds: ["CustomResourceDefinition"],
                    path: ["spec", "conversion", "webhook", "clientConfig", "service", "name"]),
            ],
            "Role": [Reference(kinds: bindings, path: ["roleRef", "name"], checkKind: true)],
            "ClusterRole": [
                Reference(kinds: bindings, path: ["roleRef", "name"], checkKind: true)
            ],
            "PersistentVolume": [
                Reference(kinds: ["PersistentVolumeClaim"], path: ["spec", "volumeName"])
            ],
            "StorageClass": [
                Reference(
                    kinds: ["PersistentVolumeClaim", "PersistentVolume"],
                    path: ["spec", "storageClassName"]),
                Reference(
                    kinds: ["StatefulSet"],
                    path: ["spec", "volumeClaimTemplates", "spec", "storageClassName"]),
            ],
        ]
        for kind in workloads.union(["CronJob", "Job"]) {
            table[kind] = [
                Reference(
                    kinds: ["HorizontalPodAutoscaler"], path: ["spec", "scaleTargetRef", "name"],
                    checkKind: true)
            ]
        }
        return table
    }()

    static func fix(_ resources: inout [Resource], extra: [String: [Reference]] = [:]) {
        let snapshot = resources
        let combined = table.merging(extra) { $0 + $1 }
        var byKind: [String: [Resource]] = [:]
        for resource in snapshot where combined[resource.kind] != nil {
            byKind[resource.kind, default: []].append(resource)
        }
        for index in resources.indices {
            let referrer = resources[index]
            var value = referrer.value
            for (referralKind, references) in combined {
                guard let candidates = byKind[referralKind] else { continue }
                for reference in references
                where reference.kinds.isEmpty || reference.kinds.contains(referrer.kind) {
                    value = rewrite(
                        value, path: reference.path[...], kind: referralKind,
                        checkKind: reference.checkKind, candidates: candidates, referrer: referrer)
                }
            }
            resources[index].value = value
        }
    }

    static func rewrite(
        _ value: KValue, path: ArraySlice<String>, kind: String, checkKind: Bool,
        candidates: [Resource], referrer: Resource
    ) -> KValue {
        if case .list(let items) = value {
            return .list(
                items.map {
                    rewrite(
                        $0, path: path, kind: kind, checkKind: checkKind, candidates: candidates,
                        referrer: referrer)
                })
        }
        guard let key = path.first, case .map = value, let child = value[key] else { return value }
        var result = value
        if path.count == 1 {
            guard let name = child.stringValue else { return value }
            if checkKind && value["kind"]?.stringValue != kind { return value }
            // A reference with its own namespace (RBAC subjects, webhook services) names the
            // object in that namespace, and follows it when the object moves.
            let ownNamespace = value["namespace"]?.stringValue
            if let referral = resolve(
                name, candidates: candidates, referrer: referrer, namespace: ownNamespace)
            {
                result[key] = .string(referral.name)
                if ownNamespace != nil || (checkKind && kind == "ServiceAccount"),
                    referral.isNamespaced,
                    !referral.namespace.isEmpty
                {
                    result["namespace"] = .string(referral.namespace)
                }
            }
            return result
        }
        result[key] = rewrite(
            child, path: path.dropFirst(), kind: kind, checkKind: checkKind,
            candidates: candidates, referrer: referrer)
        return result
    }

    static func resolve(
        _ name: String, candidates: [Resource], referrer: Resource, namespace: String?
    ) -> Resource? {
        var matching = candidates.filter { $0.allNames.contains(name) }
        if let namespace {
            matching = matching.filter {
                !$0.isNamespaced || $0.originalNamespace == namespace || $0.namespace == namespace
            }
        }
        guard !matching.isEmpty else { return nil }
        if matching.count == 1 { return matching.first }
        let sameNamespace = matching.filter {
            !$0.isNamespaced || $0.namespace == referrer.namespace
        }
        let chosen = sameNamespace.isEmpty ? matching : sameNamespace
        let names = Set(chosen.map(\.name))
        return names.count == 1 ? chosen.first : nil
    }
}
