import Foundation
import Linter
import Promoter
import Renderer
import ShipFiles
import ShipModel

/// The project file and the state workspace a state-writing command works with.
struct StateContext {
    var loaded: LoadedProject
    var workspace: StateWorkspace

    var project: Project { loaded.project }

    /// Loads `shipml.yaml` and opens the state repository it names (or `override`).
    /// Exit 2 for a bad project file or location, 3 when the repository cannot be opened.
    static func open(_ global: GlobalOptions, options: StateOptions) throws -> StateContext {
        let override = options.state
        let cache = options.cache
        let loaded = try loadProject(global.config)
        var location = override ?? loaded.project.state.repository
        if location.hasPrefix("file://") {
            location = String(location.dropFirst("file://".count))
        }
        if !location.contains("://") && !GitRepository.isSCPLike(location) {
            location = absolutePath(override != nil ? location : loaded.resolve(location))
        }
        let cacheRoot = absolutePath(cache ?? loaded.resolve(".shipml/cache"))
        do {
            let workspace = try StateWorkspace(
                location: location, branch: loaded.project.state.branch, cacheRoot: cacheRoot,
                credentials: StateCredentials.fromEnvironment())
            StateCredentials.warnIfCertificatesAreNotChecked(workspace, location)
            workspace.signer = try CommitSigner.configured(
                signingKey: loaded.project.state.signingKey.map { key in
                    key.hasPrefix("~/") || key.hasPrefix("key::") || key.hasPrefix("ssh-")
                        ? key : absolutePath(loaded.resolve(key))
                },
                gitConfig: { workspace.repository.configValue($0) })
            return StateContext(loaded: loaded, workspace: workspace)
        } catch let error as SigningError {
            throw CommandFailure.environment(error.description)
        } catch let error as StateError {
            throw CommandFailure.badInput(error.description)
        } catch {
            throw CommandFailure.environment(
                "cannot open the state repository \(RedactedLocation(location)): \(error)")
        }
    }

    /// The environment called `name`, or exit 2 listing the ones there are.
    func environment(_ name: String) throws -> EnvironmentSpec {
        guard let environment = project.environment(named: name) else {
            throw CommandFailure.badInput(
                "\(loaded.file): environments: no environment \"\(name)\" (there are \(project.environments.map(\.name).joined(separator: ", ")))"
            )
        }
        return environment
    }
}

/// The token for http(s) state remotes: `SHIPML_GIT_TOKEN` (user `SHIPML_GIT_USER`, by
/// default `x-access-token`, which GitHub and Gitea accept; GitLab takes `oauth2`).
enum StateCredentials {
    /// A token for http(s) remotes from `SHIPML_GIT_TOKEN` (user `SHIPML_GIT_USER`); for SSH
    /// remotes the agent (`SSH_AUTH_SOCK`), then `SHIPML_GIT_SSH_KEY` or `~/.ssh/id_*`, with
    /// the host key checked against `SHIPML_GIT_SSH_KNOWN_HOSTS` or `~/.ssh/known_hosts` and
    /// `/etc/ssh/ssh_known_hosts` unless `SHIPML_GIT_SSH_STRICT_HOST_KEY_CHECKING=no`; for
    /// https remotes git's `GIT_SSL_CAINFO`, `GIT_SSL_CAPATH`, `GIT_SSL_NO_VERIFY` and
    /// `SSL_CERT_FILE`, `SSL_CERT_DIR` (with `http.sslCAInfo`, `http.sslCAPath` and
    /// `http.sslVerify` from the git configuration, read where the repository is).
    static func fromEnvironment() -> RemoteCredentials {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        let keys =
            environment["SHIPML_GIT_SSH_KEY"].flatMap { $0.isEmpty ? nil : [$0] }
            ?? ["id_ed25519", "id_ecdsa", "id_rsa"].map { "\(home)/.ssh/\($0)" }.filter {
                FileManager.default.fileExists(atPath: $0)
            }
        let knownHosts =
            environment["SHIPML_GIT_SSH_KNOWN_HOSTS"].flatMap { $0.isEmpty ? nil : [$0] }
            ?? ["\(home)/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"]
        let ssh = SSHAccess(
            agent: !(environment["SSH_AUTH_SOCK"] ?? "").isEmpty, keys: keys,
            knownHosts: knownHosts,
            checkHostKey: environment["SHIPML_GIT_SSH_STRICT_HOST_KEY_CHECKING"]?.lowercased()
                != "no")
        return RemoteCredentials(
            username: environment["SHIPML_GIT_USER"] ?? "x-access-token",
            password: environment["SHIPML_GIT_TOKEN"] ?? "", ssh: ssh,
            tls: TLSAccess(environment: environment))
    }

    /// One warning line when an https remote's certificate will not be checked, because
    /// `GIT_SSL_NO_VERIFY` or `http.sslVerify=false` says so.
    static func warnIfCertificatesAreNotChecked(_ workspace: StateWorkspace, _ location: String) {
        guard let settings = try? workspace.certificateSettings(),
            let setting = settings.verificationDisabledBy
        else { return }
        Console.warning(
            "\(setting): the TLS certificate of \(RedactedLocation(location)) is not checked; anyone on the path can impersonate it"
        )
    }
}

/// Who runs shipml: from CI variables (GitHub Actions, GitLab CI, Jenkins), git's own
/// variables, or the git configuration.
struct Identity {
    var name: String
    var email: String
    /// What approvals and the approvals gate compare: the CI login, else the name.
    var login: String

    var display: String { "\(name) <\(email)>" }

    static func current(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Identity
    {
        func value(_ key: String) -> String? {
            environment[key].flatMap { $0.isEmpty ? nil : $0 }
        }
        var identity: Identity
        if let name = value("GIT_AUTHOR_NAME"), let email = value("GIT_AUTHOR_EMAIL") {
            identity = Identity(name: name, email: email, login: name)
        } else if let actor = value("GITHUB_ACTOR") {
            identity = Identity(
                name: actor, email: "\(actor)@users.noreply.github.com", login: actor)
        } else if let name = value("GITLAB_USER_NAME") {
            identity = Identity(
                name: name, email: value("GITLAB_USER_EMAIL") ?? "\(name)@gitlab",
                login: value("GITLAB_USER_LOGIN") ?? name)
        } else if let name = value("BUILD_USER") {
            identity = Identity(
                name: name, email: value("BUILD_USER_EMAIL") ?? "\(name)@jenkins",
                login: value("BUILD_USER_ID") ?? name)
        } else if let name = GitRepository.userConfigValue("user.name") {
            identity = Identity(
                name: name,
                email: GitRepository.userConfigValue("user.email") ?? "\(name)@localhost",
                login: name)
        } else {
            identity = Identity(name: "shipml", email: "shipml@localhost", login: "shipml")
        }
        if let actor = value("SHIPML_ACTOR") { identity.login = actor }
        return identity
    }

    /// The CI run's page, for the `Shipml-Run-Url` trailer.
    static func runURL(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if let server = environment["GITHUB_SERVER_URL"],
            let repository = environment["GITHUB_REPOSITORY"],
            let run = environment["GITHUB_RUN_ID"]
        {
            return "\(server)/\(repository)/actions/runs/\(run)"
        }
        return environment["CI_JOB_URL"] ?? environment["BUILD_URL"]
    }
}

/// Renders an environment's manifests from the project's Kustomize directory: the
/// environment's own `overlay`, else the deploy directory. Charts wait for the Helm renderer.
struct ProjectManifestRenderer: ManifestRenderer {
    var loaded: LoadedProject

    func render(environment: EnvironmentSpec, release: ReleaseRecord) throws -> [ManifestFile] {
        let directory: String
        if let overlay = environment.overlay {
            directory = overlay
        } else {
            switch loaded.project.deploy?.source {
            case nil: return []
            case .kustomize(let path): directory = path
            case .chart(let path):
                return try renderChart(path, environment: environment, release: release)
            }
        }
        let absolute = absolutePath(loaded.resolve(directory))
        var output: KustomizeOutput
        do {
            output = try Kustomizer.build(
                absolute, fileSystem: LocalFileSystem(), restrictToRoot: true)
        } catch {
            throw CommandFailure.badInput(
                "environments.\(environment.name).overlay \(directory): \(error)")
        }
        let image = loaded.project.deploy?.image
        if let override = Self.imageOverride(image: image, artifact: release.artifact.reference),
            output.setImages([override]) == 0, let image
        {
            throw CommandFailure.badInput(
                "deploy.image \(image): no container, init container or image volume in \(directory) "
                    + "(rendered for \(environment.name)) names this image; expected the name "
                    + "the overlay's resources use for the model artifact")
        }
        return output.files.map { ManifestFile(name: $0.name, text: $0.text) }
    }

    /// What pins the release in kustomize output: the image named `image` (or, without one, the
    /// artifact's own repository) set to the artifact by digest. An artifact in an OCI layout
    /// has no name a cluster can pull, so only its digest is set, and only under `image`.
    static func imageOverride(image: String?, artifact reference: String) -> ImageOverride? {
        let (repository, _, digest) = ImageOverride.parts(of: reference)
        guard let digest else { return nil }
        if reference.hasPrefix("oci:") {
            return image.map { ImageOverride(name: $0, digest: digest) }
        }
        return ImageOverride(name: image ?? repository, newName: repository, digest: digest)
    }

    /// The chart rendered as `helm template` renders it, with the deploy's and then the
    /// environment's values files and values, and the release itself as `model.name`,
    /// `model.version`, `model.reference` (the artifact by digest) and `model.digest`: one
    /// file per template.
    func renderChart(_ path: String, environment: EnvironmentSpec, release: ReleaseRecord) throws
        -> [ManifestFile]
    {
        let deploy = loaded.project.deploy
        var values = HelmValueOptions()
        values.valueFiles = ((deploy?.valuesFiles ?? []) + environment.valuesFiles).map {
            absolutePath(loaded.resolve($0))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        for case .map(let pairs) in [deploy?.values, environment.values].compactMap({ $0 }) {
            for pair in pairs { values.jsonValues.append("\(pair.key)=\(try json(pair.value))") }
        }
        for (key, value) in [
            ("model.name", release.model.name), ("model.version", release.model.version),
            ("model.reference", release.artifact.reference),
            ("model.digest", release.artifact.digest.description),
        ] {
            values.jsonValues.append("\(key)=\(try json(value))")
        }
        var options = HelmTemplateOptions()
        options.releaseName = deploy?.releaseName ?? release.model.name
        options.namespace = environment.namespace ?? environment.name
        let result = HelmTemplate(engine: HelmLibrary.engine).run(
            chartPath: absolutePath(loaded.resolve(path)), values: values, options: options,
            fileSystem: LocalFileSystem())
        if let error = result.error {
            throw CommandFailure.badInput("deploy.chart \(path) for \(environment.name): \(error)")
        }
        var order: [String] = []
        var texts: [String: [String]] = [:]
        for document in result.documents {
            let name = document.source.replacingOccurrences(of: "/", with: "_")
            if texts[name] == nil { order.append(name) }
            var content = document.content
            if !content.hasSuffix("\n") { content += "\n" }
            texts[name, default: []].append(content)
        }
        return order.map {
            ManifestFile(name: $0, text: (texts[$0] ?? []).joined(separator: "---\n"))
        }
    }

    /// `shipml lint` over the rendered files, weighed as the environment says.
    func lintErrors(environment: EnvironmentSpec, manifests: [ManifestFile]) throws -> [String]? {
        let options = Linter.Options(project: loaded.project, environment: environment)
        var parsed: [Manifest] = []
        for file in manifests {
            do {
                parsed += try Manifest.parseStream(file.text, file: file.name)
            } catch {
                throw CommandFailure.badInput("\(environment.name): \(error)")
            }
        }
        return Linter.lint(parsed, options: options).filter { $0.severity == .error }.map {
            "\($0.rule): \($0.resource) \($0.field): \($0.message)"
        }
    }
}

/// `path` made absolute against the working directory.
func absolutePath(_ path: String) -> String {
    path.hasPrefix("/") ? path : joinPath(FileManager.default.currentDirectoryPath, path)
}
