/// `.Capabilities` for a client-only render: the kube version given (or the default), and
/// the built-in API versions plus `--api-versions`.
struct Capabilities {
    var version: String
    var major: String
    var minor: String
    var apiVersions: [String]

    /// The group/versions client-go's scheme knows, in its order: Helm 4.2.3's
    /// `DefaultVersionSet`, as its engine reports it. Group/version/kind entries
    /// (`apps/v1/Deployment`) are there only when a cluster is asked, which `helm template`
    /// does not do.
    static let builtinAPIVersions: [String] = [
        "v1", "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1",
        "admissionregistration.k8s.io/v1beta1", "internal.apiserver.k8s.io/v1alpha1", "apps/v1",
        "apps/v1beta1", "apps/v1beta2", "authentication.k8s.io/v1",
        "authentication.k8s.io/v1alpha1", "authentication.k8s.io/v1beta1",
        "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1", "autoscaling/v1",
        "autoscaling/v2", "batch/v1", "batch/v1beta1", "certificates.k8s.io/v1",
        "certificates.k8s.io/v1beta1", "certificates.k8s.io/v1alpha1",
        "coordination.k8s.io/v1alpha2", "coordination.k8s.io/v1beta1", "coordination.k8s.io/v1",
        "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1", "events.k8s.io/v1",
        "events.k8s.io/v1beta1", "extensions/v1beta1", "flowcontrol.apiserver.k8s.io/v1",
        "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2",
        "flowcontrol.apiserver.k8s.io/v1beta3", "networking.k8s.io/v1", "networking.k8s.io/v1beta1",
        "node.k8s.io/v1", "node.k8s.io/v1alpha1", "node.k8s.io/v1beta1", "policy/v1",
        "policy/v1beta1", "rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1",
        "rbac.authorization.k8s.io/v1alpha1", "resource.k8s.io/v1", "resource.k8s.io/v1beta2",
        "resource.k8s.io/v1beta1", "resource.k8s.io/v1alpha3", "scheduling.k8s.io/v1alpha2",
        "scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1", "storage.k8s.io/v1beta1",
        "storage.k8s.io/v1", "storage.k8s.io/v1alpha1", "storagemigration.k8s.io/v1beta1",
        "apiextensions.k8s.io/v1beta1", "apiextensions.k8s.io/v1",
    ]

    /// - Throws: ``HelmError`` when `kubeVersion` is not a version (`--kube-version`).
    init(kubeVersion: String, extraAPIVersions: [String]) throws {
        guard let parsed = SemanticVersion(kubeVersion) else {
            throw HelmError(
                "invalid kube version \(GoFormat.quote(kubeVersion)): invalid semantic version")
        }
        version = "v\(parsed.major).\(parsed.minor).\(parsed.patch)"
        major = String(parsed.major)
        minor = String(parsed.minor)
        apiVersions =
            Self.builtinAPIVersions
            + extraAPIVersions.flatMap { $0.split(separator: ",").map(String.init) }
    }

    var value: Value {
        let versions = apiVersions
        let kube = GoStruct(
            goTypeName: "common.KubeVersion",
            fields: [
                "Version": .string(version), "Major": .string(major), "Minor": .string(minor),
            ],
            methods: [
                "GitVersion": Function([]) { [version] _, _ in .string(version) },
                "String": Function([]) { [version] _, _ in .string(version) },
            ],
            text: version,
            json: .map([
                "version": .string(version), "major": .string(major), "minor": .string(minor),
            ]))
        let apis = GoStruct(
            goTypeName: "common.VersionSet",
            fields: [:],
            methods: [
                "Has": Function([.string]) { arguments, _ in
                    guard case .string(let name) = arguments.first else { return .bool(false) }
                    return .bool(versions.contains(name))
                }
            ],
            text: "[" + versions.joined(separator: " ") + "]",
            json: .list(versions.map { .string($0) }))
        let helm = GoStruct(
            goTypeName: "version.BuildInfo",
            fields: [
                "Version": .string("v4.2.3"), "GitCommit": .string(""),
                "GitTreeState": .string(""), "GoVersion": .string("go1.25.0"),
                "KubeClientVersion": .string("v1.35.0"),
            ],
            text: "{v4.2.3   go1.25.0 v1.35.0}",
            json: .map(["version": .string("v4.2.3")]))
        return .object(
            GoStruct(
                goTypeName: "*common.Capabilities",
                fields: [
                    "KubeVersion": .object(kube), "APIVersions": .object(apis),
                    "HelmVersion": .object(helm),
                ],
                text: "&{\(version) \(apis.text) \(helm.text)}",
                json: .map([
                    "KubeVersion": kube.json ?? .null, "APIVersions": apis.json ?? .null,
                    "HelmVersion": helm.json ?? .null,
                ])))
    }
}
