/// The builtin transformers kustomize runs for a kustomization's fields.
enum Transformers {
    static let podTemplateKinds: Set<String> = [
        "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "ReplicationController",
    ]

    static func setNamespace(_ namespace: String, in resources: inout [Resource]) {
        for index in resources.indices {
            let kind = resources[index].kind
            if resources[index].isNamespaced {
                resources[index].value.setValue(
                    .string(namespace), at: ["metadata", "namespace"])
            }
            if kind == "RoleBinding" || kind == "ClusterRoleBinding",
                var subjects = resources[index].value["subjects"]?.listItems
            {
                for position in subjects.indices
                where subjects[position]["kind"]?.stringValue == "ServiceAccount"
                    && subjects[position]["name"]?.stringValue == "default"
                {
                    subjects[position]["namespace"] = .string(namespace)
                }
                resources[index].value["subjects"] = .list(subjects)
            }
            let conversion = ["spec", "conversion", "webhook", "clientConfig", "service"]
            if kind == "CustomResourceDefinition",
                resources[index].value.value(at: conversion + ["namespace"]) != nil
            {
                resources[index].value.setValue(.string(namespace), at: conversion + ["namespace"])
            }
        }
    }

    static func addPrefixSuffix(prefix: String, suffix: String, to resources: inout [Resource]) {
        // kustomize leaves the names of Namespaces and CustomResourceDefinitions alone.
        let untouched: Set<String> = ["CustomResourceDefinition", "Namespace"]
        for index in resources.indices where !untouched.contains(resources[index].kind) {
            let name = resources[index].name
            resources[index].rename(prefix + name + suffix)
        }
    }

    /// Sets each pair in the mapping at `path`; `create` makes the mapping when missing.
    static func merge(
        _ pairs: [(String, KValue)], into value: inout KValue, at path: [String], create: Bool
    ) {
        let existing = value.value(at: path)
        if existing == nil && !create { return }
        if let existing, existing.mapPairs == nil, !existing.isNull { return }
        var map = existing?.mapPairs ?? []
        for (key, newValue) in pairs {
            let text = KValue.string(newValue.scalarText ?? "")
            if let position = map.firstIndex(where: { $0.0 == key }) {
                map[position].1 = text
            } else {
                map.append((key, text))
            }
        }
        // Only create the path when every parent exists or creation is allowed.
        value.setValue(.map(map), at: path, create: true)
    }

    static func addLabels(
        _ labels: [(String, KValue)], selectors: Bool, templates: Bool,
        to resources: inout [Resource]
    ) {
        for index in resources.indices {
            var value = resources[index].value
            let kind = resources[index].kind
            merge(labels, into: &value, at: ["metadata", "labels"], create: true)
            if selectors {
                switch kind {
                case "Service":
                    merge(labels, into: &value, at: ["spec", "selector"], create: true)
                case "ReplicationController":
                    merge(labels, into: &value, at: ["spec", "selector"], create: true)
                case "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet":
                    merge(
                        labels, into: &value, at: ["spec", "selector", "matchLabels"],
                        create: true)
                case "Job":
                    merge(
                        labels, into: &value, at: ["spec", "selector", "matchLabels"],
                        create: false)
                case "CronJob":
                    merge(
                        labels, into: &value,
                        at: ["spec", "jobTemplate", "spec", "selector", "matchLabels"],
                        create: false)
                case "PodDisruptionBudget":
                    merge(
                        labels, into: &value, at: ["spec", "selector", "matchLabels"],
                        create: false)
                case "NetworkPolicy":
                    merge(
                        labels, into: &value, at: ["spec", "podSelector", "matchLabels"],
                        create: false)
                default: break
                }
            }
            if templates {
                if kind == "StatefulSet",
                    var claims = value.value(at: ["spec", "volumeClaimTemplates"])?.listItems
                {
                    for position in claims.indices {
                        merge(
                            labels, into: &claims[position], at: ["metadata", "labels"],
                            create: true)
                    }
                    value.setValue(.list(claims), at: ["spec", "volumeClaimTemplates"])
                }
                if podTemplateKinds.contains(kind) {
                    merge(
                        labels, into: &value, at: ["spec", "template", "metadata", "labels"],
                        create: true)
                }
                if kind == "CronJob" {
                    merge(
                        labels, into: &value, at: ["spec", "jobTemplate", "metadata", "labels"],
                        create: true)
                    merge(
                        labels, into: &value,
                        at: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
                        create: true)
                }
            }
            resources[index].value = value
        }
    }

    static func addAnnotations(_ annotations: [(String, KValue)], to resources: inout [Resource]) {
        for index in resources.indices {
            var value = resources[index].value
            let kind = resources[index].kind
            merge(annotations, into: &value, at: ["metadata", "annotations"], create: true)
            if podTemplateKinds.contains(kind) {
                merge(
                    annotations, into: &value,
                    at: ["spec", "template", "metadata", "annotations"], create: true)
            }
            if kind == "CronJob" {
                merge(
                    annotations, into: &value,
                    at: ["spec", "jobTemplate", "metadata", "annotations"], create: true)
                merge(
                    annotations, into: &value,
                    at: ["spec", "jobTemplate", "spec", "template", "metadata", "annotations"],
                    create: true)
            }
            resources[index].value = value
        }
    }

    static func setReplicas(_ entry: KValue, in resources: inout [Resource]) {
        guard let name = entry["name"]?.scalarText, let count = entry["count"] else { return }
        let kinds: Set<String> = [
            "Deployment", "ReplicationController", "ReplicaSet", "StatefulSet",
        ]
        for index in resources.indices
        where kinds.contains(resources[index].kind) && resources[index].allNames.contains(name) {
            resources[index].value.setValue(count, at: ["spec", "replicas"])
        }
    }

    static func setImages(_ images: [KValue], in resources: inout [Resource]) {
        var changed = 0
        for index in resources.indices {
            resources[index].value = rewriteImages(
                resources[index].value, images: images, changed: &changed)
        }
    }

    /// `value` with `images` applied where kustomize's images transformer looks, at any
    /// depth: the `image` of every `containers` and `initContainers` item, and, with
    /// `volumes`, the `image.reference` of every `volumes` item (image volumes, which
    /// kustomize 5.5 itself leaves alone).
    /// - Parameter changed: Counts the references that now differ.
    static func rewriteImages(
        _ value: KValue, images: [KValue], volumes: Bool = false, changed: inout Int
    ) -> KValue {
        switch value {
        case .map(var pairs):
            for position in pairs.indices {
                let key = pairs[position].0
                let path: [String]? =
                    switch key {
                    case "containers", "initContainers": ["image"]
                    case "volumes" where volumes: ["image", "reference"]
                    default: nil
                    }
                guard let path, var items = pairs[position].1.listItems else {
                    pairs[position].1 = rewriteImages(
                        pairs[position].1, images: images, volumes: volumes, changed: &changed)
                    continue
                }
                for item in items.indices {
                    guard let image = items[item].value(at: path)?.stringValue else { continue }
                    let new = newImage(image, images: images)
                    guard new != image else { continue }
                    items[item].setValue(.string(new), at: path)
                    changed += 1
                }
                pairs[position].1 = .list(items)
            }
            return .map(pairs)
        case .list(let items):
            return .list(
                items.map { rewriteImages($0, images: images, volumes: volumes, changed: &changed) }
            )
        default:
            return value
        }
    }

    static func splitImage(_ image: String) -> (name: String, tag: String?, digest: String?) {
        var rest = image
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = String(rest[..<at])
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":") {
            let afterColon = rest[rest.index(after: colon)...]
            if !afterColon.contains("/") {
                tag = String(afterColon)
                rest = String(rest[..<colon])
            }
        }
        return (rest, tag, digest)
    }

    static func newImage(_ image: String, images: [KValue]) -> String {
        let (name, tag, digest) = splitImage(image)
        for spec in images {
            guard spec["name"]?.scalarText == name else { continue }
            let newName = spec["newName"]?.scalarText ?? name
            if let newDigest = spec["digest"]?.scalarText, !newDigest.isEmpty {
                return newName + "@" + newDigest
            }
            if let newTag = spec["newTag"]?.scalarText, !newTag.isEmpty {
                return newName + ":" + newTag
            }
            var result = newName
            if let tag { result += ":" + tag }
            if let digest { result += "@" + digest }
            return result
        }
        return image
    }
}
