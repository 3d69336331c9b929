import Renderer

/// One practice `shipml lint` checks.
public struct Rule: Sendable {
    /// The id used in `shipml.yaml` and in findings: `requests`, `image-digest`.
    public var id: String
    public var summary: String
    /// The severity outside and inside a production environment, before configuration.
    public var severity: Severity
    public var productionSeverity: Severity
    let check: @Sendable (_ workloads: [Workload], _ all: [Manifest]) -> [Draft]

    /// A finding before its severity is known.
    struct Draft {
        var manifest: Manifest
        var field: String
        var message: String
        var fix: String
    }
}

extension Rule {
    /// Every rule, in the order findings are reported.
    public static let all: [Rule] = [
        requests, limits, gpuLimits, gpuToleration, gpuPlacement, probes, startupProbe,
        replicas, disruptionBudget, autoscaler, latestImage, imageDigest, privileged, hostAccess,
    ]

    static func perContainer(
        _ workloads: [Workload], servingOnly: Bool = false,
        _ body: (Workload, String, KValue) -> [Rule.Draft]
    ) -> [Rule.Draft] {
        workloads.flatMap { workload in
            (servingOnly ? workload.servingContainers : workload.containers).flatMap {
                body(workload, $0.field, $0.value)
            }
        }
    }

    static let requests = Rule(
        id: "requests", summary: "every container requests CPU and memory",
        severity: .warning, productionSeverity: .error
    ) { workloads, _ in
        perContainer(workloads) { workload, field, container in
            let requests = container.value(at: ["resources", "requests"])
            let missing = ["cpu", "memory"].filter { requests?[$0] == nil }
            guard !missing.isEmpty else { return [] }
            return [
                Draft(
                    manifest: workload.manifest, field: field + ".resources.requests",
                    message: "no \(missing.joined(separator: " or ")) request: the scheduler "
                        + "cannot place the pod by what it needs, and it is evicted first",
                    fix: "set resources.requests.cpu and resources.requests.memory to what the "
                        + "model server uses under load (e.g. cpu: \"2\", memory: 8Gi)")
            ]
        }
    }

    static let limits = Rule(
        id: "limits", summary: "every container has a memory limit",
        severity: .warning, productionSeverity: .error
    ) { workloads, _ in
        perContainer(workloads) { workload, field, container in
            guard container.value(at: ["resources", "limits", "memory"]) == nil else { return [] }
            return [
                Draft(
                    manifest: workload.manifest, field: field + ".resources.limits.memory",
                    message: "no memory limit: a leaking or oversized model can take the "
                        + "node's memory from its neighbours",
                    fix: "set resources.limits.memory, usually equal to the memory request")
            ]
        }
    }

    static let gpuLimits = Rule(
        id: "gpu-limits", summary: "GPUs are requested through limits",
        severity: .error, productionSeverity: .error
    ) { workloads, _ in
        perContainer(workloads) { workload, field, container in
            let requests = container.value(at: ["resources", "requests"])?.mapPairs ?? []
            let limits = container.value(at: ["resources", "limits"])
            return requests.compactMap { key, value in
                guard Workload.isGPU(key) else { return nil }
                if let limit = limits?[key], limit.scalarText == value.scalarText { return nil }
                return Draft(
                    manifest: workload.manifest, field: field + ".resources.limits.\(key)",
                    message: "\(key) is requested but its limit is "
                        + (limits?[key]?.scalarText.map { "\($0), not the request" } ?? "missing")
                        + ": Kubernetes takes extended resources from limits and refuses a "
                        + "request without an equal limit",
                    fix: "set resources.limits.\(key) to the number of GPUs "
                        + "(requests may be left out)")
            }
        }
    }

    static let gpuToleration = Rule(
        id: "gpu-toleration", summary: "pods that use GPUs tolerate the GPU nodes' taint",
        severity: .error, productionSeverity: .error
    ) { workloads, _ in
        workloads.compactMap { workload in
            guard let gpu = workload.gpuResources.first else { return nil }
            let tolerations = workload.pod["tolerations"]?.listItems ?? []
            let tolerated = tolerations.contains { toleration in
                let key = toleration["key"]?.scalarText
                let operatorName = toleration["operator"]?.scalarText ?? "Equal"
                return key == gpu || (key == nil && operatorName == "Exists")
            }
            guard !tolerated else { return nil }
            return Draft(
                manifest: workload.manifest, field: workload.podField + ".tolerations",
                message: "the pod asks for \(gpu) but tolerates no \(gpu) taint: GPU nodes are "
                    + "tainted so that only GPU work lands there, and this pod will stay Pending",
                fix: "add a toleration {key: \(gpu), operator: Exists, effect: NoSchedule}")
        }
    }

    static let gpuPlacement = Rule(
        id: "gpu-placement", summary: "pods that use GPUs choose GPU nodes",
        severity: .info, productionSeverity: .warning
    ) { workloads, _ in
        workloads.compactMap { workload in
            guard let gpu = workload.gpuResources.first else { return nil }
            let selector = workload.pod["nodeSelector"]?.mapPairs ?? []
            let affinity = workload.pod.value(at: ["affinity", "nodeAffinity"])
            guard selector.isEmpty, affinity == nil else { return nil }
            return Draft(
                manifest: workload.manifest, field: workload.podField + ".nodeSelector",
                message: "the pod asks for \(gpu) without a node selector or node affinity: "
                    + "it may wait on a node with the wrong GPU model",
                fix: "select the GPU nodes, e.g. nodeSelector: "
                    + "{nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB} or a nodeAffinity term")
        }
    }

    static let probes = Rule(
        id: "probes", summary: "serving containers have readiness and liveness probes",
        severity: .warning, productionSeverity: .error
    ) { workloads, _ in
        perContainer(workloads.filter(\.isLongRunning), servingOnly: true) {
            workload, field, container in
            let missing = ["readinessProbe", "livenessProbe"].filter { container[$0] == nil }
            guard !missing.isEmpty else { return [] }
            return [
                Draft(
                    manifest: workload.manifest, field: field + "." + missing[0],
                    message: "no \(missing.joined(separator: " or ")): traffic reaches a "
                        + "server that has not loaded its model, and a hung one is never "
                        + "restarted",
                    fix: "add a readinessProbe on the server's ready endpoint (e.g. "
                        + "httpGet /v2/health/ready) and a livenessProbe on its live endpoint")
            ]
        }
    }

    static let startupProbe = Rule(
        id: "startup-probe", summary: "slow-starting model servers have a startup probe",
        severity: .info, productionSeverity: .warning
    ) { workloads, _ in
        perContainer(workloads.filter(\.isLongRunning), servingOnly: true) {
            workload, field, container in
            guard container["livenessProbe"] != nil, container["startupProbe"] == nil else {
                return []
            }
            return [
                Draft(
                    manifest: workload.manifest, field: field + ".startupProbe",
                    message: "a liveness probe without a startup probe can kill a server "
                        + "while it is still loading a large model",
                    fix: "add a startupProbe with failureThreshold × periodSeconds longer than "
                        + "the model's load time")
            ]
        }
    }

    static func autoscalers(_ all: [Manifest]) -> [Manifest] {
        all.filter { $0.kind == "HorizontalPodAutoscaler" }
    }

    static func scales(_ hpa: Manifest, _ workload: Workload) -> Bool {
        let target = hpa.value.value(at: ["spec", "scaleTargetRef"])
        return target?["kind"]?.scalarText == workload.manifest.kind
            && target?["name"]?.scalarText == workload.manifest.name
            && (hpa.namespace ?? "") == (workload.manifest.namespace ?? "")
    }

    static let replicas = Rule(
        id: "replicas", summary: "production workloads run at least two replicas",
        severity: .off, productionSeverity: .error
    ) { workloads, all in
        workloads.filter { $0.isReplicated && !$0.isCanary }.compactMap { workload in
            let hpa = autoscalers(all).first { scales($0, workload) }
            let count: Int
            if let hpa {
                count = Int(hpa.value.value(at: ["spec", "minReplicas"])?.scalarText ?? "1") ?? 1
            } else {
                count =
                    Int(workload.manifest.value.value(at: ["spec", "replicas"])?.scalarText ?? "1")
                    ?? 1
            }
            guard count < 2 else { return nil }
            return Draft(
                manifest: hpa ?? workload.manifest,
                field: hpa == nil ? "spec.replicas" : "spec.minReplicas",
                message:
                    "\(count) replica\(count == 1 ? "" : "s")\(hpa == nil ? "" : " at least"): "
                    + "a node drain or a crash takes the model offline",
                fix: hpa == nil
                    ? "set spec.replicas to 2 or more, or scale it with a "
                        + "HorizontalPodAutoscaler whose minReplicas is 2 or more"
                    : "set the autoscaler's minReplicas to 2 or more")
        }
    }

    static let disruptionBudget = Rule(
        id: "pdb", summary: "production workloads have a PodDisruptionBudget",
        severity: .info, productionSeverity: .error
    ) { workloads, all in
        let budgets = all.filter { $0.kind == "PodDisruptionBudget" }
        return workloads.filter(\.isReplicated).compactMap { workload in
            let labels = workload.podLabels
            let covered = budgets.contains { budget in
                guard (budget.namespace ?? "") == (workload.manifest.namespace ?? "") else {
                    return false
                }
                let selector =
                    budget.value.value(at: ["spec", "selector", "matchLabels"])?.mapPairs ?? []
                return !selector.isEmpty
                    && selector.allSatisfy { key, value in
                        labels.contains { $0.0 == key && $0.1 == value.scalarText }
                    }
            }
            guard !covered else { return nil }
            return Draft(
                manifest: workload.manifest, field: "spec.template.metadata.labels",
                message: "no PodDisruptionBudget selects these pods: a node upgrade may evict "
                    + "every replica at once",
                fix: "add a PodDisruptionBudget with minAvailable: 1 (or maxUnavailable: 1) "
                    + "whose selector matches the pod labels")
        }
    }

    static let autoscaler = Rule(
        id: "hpa", summary: "serving workloads scale with a HorizontalPodAutoscaler",
        severity: .info, productionSeverity: .warning
    ) { workloads, all in
        workloads.filter { $0.isReplicated && !$0.isCanary }.compactMap { workload in
            guard !autoscalers(all).contains(where: { scales($0, workload) }) else { return nil }
            return Draft(
                manifest: workload.manifest, field: "spec.replicas",
                message: "no HorizontalPodAutoscaler scales it: traffic peaks queue up and "
                    + "quiet hours keep GPUs idle",
                fix: "add a HorizontalPodAutoscaler (autoscaling/v2) on CPU or on a request "
                    + "or GPU-utilisation metric")
        }
    }

    static func images(_ workloads: [Workload]) -> [(Workload, String, String)] {
        workloads.flatMap { workload in
            workload.containers.compactMap { field, container in
                container["image"]?.scalarText.map { (workload, field + ".image", $0) }
            }
        }
    }

    /// The tag of an image reference, nil when it has none; digests are not tags.
    static func tag(of image: String) -> String? {
        let name = image.split(separator: "@", maxSplits: 1).first.map(String.init) ?? image
        guard let colon = name.lastIndex(of: ":"),
            !name[name.index(after: colon)...].contains("/")
        else { return nil }
        return String(name[name.index(after: colon)...])
    }

    static let latestImage = Rule(
        id: "image-latest", summary: "images name a version, not latest",
        severity: .error, productionSeverity: .error
    ) { workloads, _ in
        images(workloads).compactMap { workload, field, image in
            guard !image.contains("@"), tag(of: image) == nil || tag(of: image) == "latest"
            else { return nil }
            return Draft(
                manifest: workload.manifest, field: field,
                message: "\(image) \(tag(of: image) == nil ? "has no tag, so it means" : "names") "
                    + ":latest: what runs changes without a release",
                fix: "name a version tag, or better a digest (image@sha256:...)")
        }
    }

    static let imageDigest = Rule(
        id: "image-digest", summary: "production images are pinned by digest",
        severity: .info, productionSeverity: .error
    ) { workloads, _ in
        images(workloads).compactMap { workload, field, image in
            guard !image.contains("@sha256:") else { return nil }
            return Draft(
                manifest: workload.manifest, field: field,
                message: "\(image) is named by tag: a tag can be moved, so what was validated "
                    + "may not be what runs",
                fix: "pin it by digest (image@sha256:...); `shipml release` writes digests")
        }
    }

    static let privileged = Rule(
        id: "privileged", summary: "containers are not privileged",
        severity: .error, productionSeverity: .error
    ) { workloads, _ in
        perContainer(workloads) { workload, field, container in
            let context = container["securityContext"]
            var drafts: [Draft] = []
            if context?["privileged"] == .bool(true) {
                drafts.append(
                    Draft(
                        manifest: workload.manifest, field: field + ".securityContext.privileged",
                        message: "a privileged container has the node's devices and kernel",
                        fix: "remove privileged: the GPU device plugin gives the container its "
                            + "GPUs without it"))
            }
            if context?["allowPrivilegeEscalation"] == .bool(true) {
                drafts.append(
                    Draft(
                        manifest: workload.manifest,
                        field: field + ".securityContext.allowPrivilegeEscalation",
                        message: "allowPrivilegeEscalation lets a process gain more privileges "
                            + "than its parent",
                        fix: "set allowPrivilegeEscalation: false"))
            }
            let added = context?.value(at: ["capabilities", "add"])?.listItems ?? []
            let dangerous = added.compactMap(\.scalarText).filter {
                ["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"].contains($0)
            }
            if !dangerous.isEmpty {
                drafts.append(
                    Draft(
                        manifest: workload.manifest,
                        field: field + ".securityContext.capabilities.add",
                        message: "adds \(dangerous.joined(separator: ", ")): close to "
                            + "privileged",
                        fix: "drop the capability, or run that part outside the model server"))
            }
            return drafts
        }
    }

    static let hostAccess = Rule(
        id: "host-access", summary: "pods do not mount or share the host",
        severity: .error, productionSeverity: .error
    ) { workloads, _ in
        workloads.flatMap { workload -> [Draft] in
            var drafts: [Draft] = []
            for flag in ["hostNetwork", "hostPID", "hostIPC"]
            where workload.pod[flag] == .bool(true) {
                drafts.append(
                    Draft(
                        manifest: workload.manifest, field: "\(workload.podField).\(flag)",
                        message: "\(flag) shares the node's namespace with the pod",
                        fix: "remove \(flag); expose the server through a Service"))
            }
            for volume in workload.pod["volumes"]?.listItems ?? [] where volume["hostPath"] != nil {
                let name = volume["name"]?.scalarText ?? "?"
                let path = volume.value(at: ["hostPath", "path"])?.scalarText ?? "?"
                drafts.append(
                    Draft(
                        manifest: workload.manifest,
                        field: "\(workload.podField).volumes[name=\(name)].hostPath",
                        message: "mounts the node's \(path): the pod can read or change the "
                            + "host, and the model is tied to one node",
                        fix: "mount the model from its OCI artifact (an image volume or a "
                            + "modelcar), or use a PersistentVolumeClaim"))
            }
            return drafts
        }
    }
}
