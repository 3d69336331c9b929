import Renderer

/// A manifest that runs pods, with its pod spec found where its kind keeps it.
struct Workload {
    var manifest: Manifest
    /// The path of the pod spec: `spec.template.spec` for a Deployment.
    var podPath: [String]
    var pod: KValue

    static let podPaths: [String: [String]] = [
        "Pod": ["spec"],
        "Deployment": ["spec", "template", "spec"],
        "StatefulSet": ["spec", "template", "spec"],
        "DaemonSet": ["spec", "template", "spec"],
        "ReplicaSet": ["spec", "template", "spec"],
        "Job": ["spec", "template", "spec"],
        "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    ]

    init?(_ manifest: Manifest) {
        guard let path = Self.podPaths[manifest.kind],
            let pod = manifest.value.value(at: path), pod.mapPairs != nil
        else { return nil }
        self.manifest = manifest
        self.podPath = path
        self.pod = pod
    }

    /// Runs until stopped (not a Job): probes, replicas and disruption budgets matter.
    var isLongRunning: Bool { !["Job", "CronJob"].contains(manifest.kind) }
    /// Scaled by replicas: an autoscaler and a disruption budget apply.
    var isReplicated: Bool { ["Deployment", "StatefulSet", "ReplicaSet"].contains(manifest.kind) }

    /// Each container with the field path that names it.
    var containers: [(field: String, value: KValue)] {
        var result: [(String, KValue)] = []
        for group in ["initContainers", "containers"] {
            for container in pod[group]?.listItems ?? [] {
                let name = container["name"]?.scalarText ?? "?"
                result.append(("\(podField).\(group)[name=\(name)]", container))
            }
        }
        return result
    }

    /// The containers that serve: main containers (init containers finish first) that
    /// declare ports, or the only main container. A sidecar without ports (a modelcar, a log
    /// shipper) is not probed.
    var servingContainers: [(field: String, value: KValue)] {
        let main = containers.filter { $0.field.contains(".containers[") }
        guard main.count > 1 else { return main }
        return main.filter { !($0.value["ports"]?.listItems ?? []).isEmpty }
    }

    /// A canary track (`app.kubernetes.io/track: canary` or `track: canary`): it runs few
    /// replicas on purpose and scales with its stable twin, so replicas and autoscaling are
    /// not asked of it.
    var isCanary: Bool {
        let labels =
            (manifest.value.value(at: ["metadata", "labels"])?.mapPairs ?? []).compactMap {
                key, value in value.scalarText.map { (key, $0) }
            } + podLabels
        return labels.contains {
            ($0.0 == "app.kubernetes.io/track" || $0.0 == "track") && $0.1 == "canary"
        }
    }

    var podField: String { podPath.joined(separator: ".") }

    /// The pod template's labels (a Pod's own labels).
    var podLabels: [(String, String)] {
        let path =
            manifest.kind == "Pod"
            ? ["metadata", "labels"] : Array(podPath.dropLast()) + ["metadata", "labels"]
        return (manifest.value.value(at: path)?.mapPairs ?? []).compactMap { key, value in
            value.scalarText.map { (key, $0) }
        }
    }

    /// The extended resources the pod asks for that are GPUs.
    var gpuResources: [String] {
        var names: [String] = []
        for (_, container) in containers {
            for section in ["requests", "limits"] {
                for (key, _) in container.value(at: ["resources", section])?.mapPairs ?? []
                where Self.isGPU(key) && !names.contains(key) {
                    names.append(key)
                }
            }
        }
        return names
    }

    static func isGPU(_ resource: String) -> Bool {
        resource.hasSuffix("/gpu") || resource.hasPrefix("nvidia.com/mig-")
    }
}
