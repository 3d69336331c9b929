public import Foundation
import Yams

/// Reads `shipml.yaml` into a ``Project``, reporting every problem with file, line, column and
/// the field's path, never just the first.
public enum ProjectParser {
    /// Parses a project file's text.
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - file: the name used in diagnostics.
    /// - Throws: ``ProjectFileError`` with every problem found.
    public static func parse(_ text: String, file: String) throws -> Project {
        try parseWithLocations(text, file: file).project
    }

    /// Parses a project file's text and says where each field was written.
    public static func parseWithLocations(_ text: String, file: String) throws -> (
        project: Project, locations: [String: SourceLocation]
    ) {
        let context = YAMLContext(file: file)
        guard let root = context.compose(text) else {
            throw ProjectFileError(diagnostics: context.diagnostics)
        }
        let project = ProjectReader(context: context).read(
            Field(node: root, path: "", context: context))
        guard let project, !context.hasErrors else {
            throw ProjectFileError(diagnostics: context.diagnostics)
        }
        return (project, context.locations)
    }

    /// Parses a project file's bytes, which must be UTF-8.
    public static func parse(_ data: Data, file: String) throws -> Project {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProjectFileError(diagnostics: [
                Diagnostic(
                    file: file, line: 1, column: 1, path: "",
                    message: "the file is not UTF-8 text; save it as UTF-8")
            ])
        }
        return try parse(text, file: file)
    }

    /// Parses a stand-alone policy file (`inconclusive` and `thresholds`), as `--policy` reads.
    public static func parsePolicy(_ text: String, file: String) throws -> Policy {
        let context = YAMLContext(file: file)
        guard let root = context.compose(text) else {
            throw ProjectFileError(diagnostics: context.diagnostics)
        }
        let field = Field(node: root, path: "", context: context)
        guard let map = MapReader(field, expecting: "a mapping with \"thresholds\"") else {
            throw ProjectFileError(diagnostics: context.diagnostics)
        }
        let policy = ProjectReader(context: context).readPolicy(map)
        map.rejectUnknownKeys()
        guard let policy, !context.hasErrors else {
            throw ProjectFileError(diagnostics: context.diagnostics)
        }
        return policy
    }
}

/// The walk over the document. Each `read` returns nil after reporting what was wrong.
struct ProjectReader {
    let context: YAMLContext

    func read(_ root: Field) -> Project? {
        guard
            let map = MapReader(
                root, expecting: "a mapping with apiVersion, model, image, environments")
        else { return nil }

        var apiVersion: String?
        if let field = map.required(
            "apiVersion", "the schema version, \(Project.currentAPIVersion)"),
            let value = field.nonEmptyString()
        {
            if value == Project.currentAPIVersion {
                apiVersion = value
            } else {
                field.error(
                    "unsupported version \(field.described); this shipml reads \"\(Project.currentAPIVersion)\""
                )
            }
        }
        let model = map.required("model", "name, version and path of the model").flatMap(readModel)
        let evaluation = map.optional("evaluation").flatMap(readEvaluation)
        let image = readImage(map.optional("image"))
        let deploy = map.optional("deploy").flatMap { readDeploy($0, modelName: model?.name) }
        let environmentsField = map.required("environments", "the ordered promotion stages")
        let environments = environmentsField.flatMap(readEnvironments)
        let state = readState(map.optional("state"))
        let lintField = map.optional("lint")
        let lint = lintField.flatMap(readLint)
        let registriesField = map.optional("registries")
        let registries = registriesField.flatMap(readRegistries)
        map.rejectUnknownKeys()

        guard let apiVersion, let model, let image, let environments, let state,
            let environmentsField
        else { return nil }
        if lintField != nil, lint == nil { return nil }
        if registriesField != nil, registries == nil { return nil }
        let project = Project(
            apiVersion: apiVersion, model: model, evaluation: evaluation, image: image,
            deploy: deploy, environments: environments, state: state,
            lint: lint ?? LintSpec(), registries: registries ?? [:])
        checkAcross(project, map: map, environmentsField: environmentsField)
        return project
    }

    // MARK: model

    func readModel(_ field: Field) -> ModelSpec? {
        guard let map = MapReader(field, expecting: "a mapping with name, version and path") else {
            return nil
        }
        let name = map.required("name", "a DNS label such as sentiment-bert").flatMap {
            $0.dnsLabel("a lowercase DNS label")
        }
        let version = map.required("version", "the release version, also the image tag").flatMap {
            field in
            field.nonEmptyString().flatMap { value in
                if ReferenceGrammar.isTag(value) { return value }
                let hint =
                    value.contains("+")
                    ? "; OCI tags cannot hold \"+\" (write 1.2.0-build.5 for 1.2.0+build.5)" : ""
                return failed(
                    field,
                    "expected a version usable as an image tag (1 to 128 of A-Z a-z 0-9 _ . -, not starting with . or -), got \(field.described)\(hint)"
                )
            }
        }
        let path = map.required("path", "the directory of files to package").flatMap(readPath)
        let format = map.optional("format").flatMap { $0.oneOf(ModelFormat.self) }
        let framework = map.optional("framework").flatMap { $0.nonEmptyString() }
        let metadata = map.optional("metadata").flatMap { field -> ConfigValue? in
            guard case .mapping = field.node else {
                return failed(
                    field, "expected a mapping of free-form metadata, got \(field.described)")
            }
            return field.configValue()
        }
        map.rejectUnknownKeys()
        guard let name, let version, let path else { return nil }
        return ModelSpec(
            name: name, version: version, path: path, format: format, framework: framework,
            metadata: metadata)
    }

    func readPath(_ field: Field) -> String? {
        guard let value = field.nonEmptyString("a path") else { return nil }
        if value.contains("\0") { return failed(field, "a path cannot contain a NUL character") }
        return value
    }

    // MARK: evaluation

    func readEvaluation(_ field: Field) -> EvaluationSpec? {
        guard let map = MapReader(field, expecting: "a mapping with metrics and thresholds") else {
            return nil
        }
        let metrics = map.required("metrics", "the candidate's metrics file").flatMap(readPath)
        let baseline = map.optional("baseline").flatMap(readBaseline)
        let policyFile = map.optional("policy").flatMap(readPath)
        let hasInline = map.pairs.contains { $0.key == "thresholds" }
        var policy: Policy?
        if policyFile != nil, hasInline {
            map.optional("thresholds")?.error(
                "give the thresholds inline or in the policy file named by \"policy\", not both")
            _ = map.optional("inconclusive")
        } else if policyFile == nil {
            policy = readPolicy(map)
        } else if let inconclusive = map.optional("inconclusive") {
            inconclusive.error("\"inconclusive\" belongs in the policy file named by \"policy\"")
        }
        map.rejectUnknownKeys()
        guard let metrics else { return nil }
        if policyFile == nil, policy == nil { return nil }
        return EvaluationSpec(
            metrics: metrics, baseline: baseline, policyFile: policyFile, policy: policy)
    }

    func readBaseline(_ field: Field) -> BaselineSpec? {
        if case .scalar = field.node { return readPath(field).map(BaselineSpec.file) }
        guard
            let map = MapReader(
                field, expecting: "a metrics file, or {file: PATH} or {environment: NAME}")
        else { return nil }
        let file = map.optional("file").flatMap(readPath)
        let environment = map.optional("environment").flatMap { $0.nonEmptyString() }
        map.rejectUnknownKeys()
        switch (file, environment) {
        case (let file?, nil): return .file(file)
        case (nil, let environment?): return .environment(environment)
        case (.some, .some):
            return failed(field, "give either \"file\" or \"environment\", not both")
        case (nil, nil):
            if !map.pairs.isEmpty { return nil }
            return failed(field, "expected \"file\" or \"environment\"")
        }
    }

    /// Reads `inconclusive` and `thresholds` from a mapping (the evaluation section or a policy file).
    func readPolicy(_ map: MapReader) -> Policy? {
        let inconclusive = map.optional("inconclusive").map { $0.oneOf(InconclusiveOutcome.self) }
        guard let thresholdsField = map.required("thresholds", "the rules the metrics must meet"),
            let thresholds = thresholdsField.each(readThreshold)
        else { return nil }
        if thresholds.isEmpty {
            thresholdsField.error(
                "a policy with no thresholds would bless any model; name at least one threshold")
            return nil
        }
        if inconclusive == .some(nil) { return nil }
        return Policy(inconclusive: (inconclusive ?? nil) ?? .fail, thresholds: thresholds)
    }

    func readThreshold(_ field: Field) -> Threshold? {
        guard
            let map = MapReader(
                field,
                expecting: "a mapping with metric and min, max, max_regression or min_improvement")
        else { return nil }
        let metric = map.required("metric", "the metric's name").flatMap { $0.nonEmptyString() }
        let sliceField = map.optional("slice")
        let slice = sliceField.flatMap { $0.nonEmptyString("a slice such as language=de") }
        let aggregateField = map.optional("aggregate")
        let aggregate = aggregateField.flatMap { field -> String? in
            guard let value = field.nonEmptyString() else { return nil }
            guard value == "each" || value == "worst" else {
                return failed(field, "expected \"each\" or \"worst\", got \(field.described)")
            }
            return value
        }
        let minField = map.optional("min")
        let maxField = map.optional("max")
        let minimum = minField.flatMap { $0.double() }
        let maximum = maxField.flatMap { $0.double() }
        let directionField = map.optional("direction")
        let direction = directionField.flatMap { $0.oneOf(Direction.self) }
        let regressionField = map.optional("max_regression")
        let improvementField = map.optional("min_improvement")
        let regression = regressionField.flatMap(readChange)
        let improvement = improvementField.flatMap(readChange)
        let sizeField = map.optional("min_slice_size")
        let minSliceSize = sizeField.flatMap { field -> Int? in
            guard let value = field.int("a whole number of examples") else { return nil }
            return value >= 1 ? value : failed(field, "expected at least 1 example, got \(value)")
        }
        let bound = map.optional("bound").map { $0.oneOf(Bound.self) }
        let inconclusive = map.optional("inconclusive").map { $0.oneOf(InconclusiveOutcome.self) }
        map.rejectUnknownKeys()

        if minField == nil, maxField == nil, regressionField == nil, improvementField == nil {
            field.error(
                "a threshold needs at least one of min, max, max_regression or min_improvement")
            return nil
        }
        if let minimum, let maximum, minimum > maximum, let maxField {
            maxField.error(
                "max (\(format(maximum))) is below min (\(format(minimum))): no value could pass")
            return nil
        }
        if regressionField != nil || improvementField != nil, directionField == nil {
            (regressionField ?? improvementField)?.error(
                "a change against the baseline needs \"direction: higher\" or \"direction: lower\" to say which way is better"
            )
            return nil
        }
        if aggregateField != nil, slice.map(Names.isSlicePattern) != true {
            aggregateField?.error(
                "\"aggregate\" applies to a slice pattern with * or ?, such as language=*")
            return nil
        }
        if sizeField != nil, slice == nil {
            sizeField?.error("min_slice_size applies to slices; add \"slice\"")
            return nil
        }
        if let slice, let sliceField, !Names.isSliceName(slice) {
            sliceField.error(
                "expected a slice written feature=value (language=de, or language=* for every language), got \(sliceField.described)"
            )
            return nil
        }
        guard let metric else { return nil }
        if minField != nil, minimum == nil { return nil }
        if maxField != nil, maximum == nil { return nil }
        if directionField != nil, direction == nil { return nil }
        if regressionField != nil, regression == nil { return nil }
        if improvementField != nil, improvement == nil { return nil }
        if sizeField != nil, minSliceSize == nil { return nil }
        if sliceField != nil, slice == nil { return nil }
        if aggregateField != nil, aggregate == nil { return nil }
        if bound == .some(nil) || inconclusive == .some(nil) { return nil }

        let selector: SliceSelector
        switch (slice, aggregate) {
        case (nil, _), ("overall"?, _): selector = .overall
        case (let name?, "worst"?): selector = .worst(pattern: name)
        case (let name?, _) where Names.isSlicePattern(name): selector = .each(pattern: name)
        case (let name?, _): selector = .named(name)
        }
        return Threshold(
            metric: metric, slice: selector, min: minimum, max: maximum, direction: direction,
            maxRegression: regression, minImprovement: improvement, minSliceSize: minSliceSize,
            bound: (bound ?? nil) ?? .point, inconclusive: inconclusive ?? nil)
    }

    func readChange(_ field: Field) -> Change? {
        guard let map = MapReader(field, expecting: "{abs: NUMBER} or {rel: FRACTION}") else {
            return nil
        }
        let absolute = map.optional("abs")
        let relative = map.optional("rel")
        map.rejectUnknownKeys()
        switch (absolute, relative) {
        case (let absolute?, nil):
            guard let value = absolute.double() else { return nil }
            return value >= 0
                ? .absolute(value)
                : failed(
                    absolute,
                    "expected a size of change of 0 or more, got \(format(value)); \"direction\" says which way is worse"
                )
        case (nil, let relative?):
            guard let value = relative.double() else { return nil }
            return value >= 0
                ? .relative(value)
                : failed(
                    relative, "expected a fraction of 0 or more (0.02 is 2%), got \(format(value))")
        case (.some, .some):
            return failed(field, "give \"abs\" or \"rel\", not both")
        case (nil, nil):
            return map.pairs.isEmpty
                ? failed(field, "expected {abs: NUMBER} or {rel: FRACTION}") : nil
        }
    }

    // MARK: image

    func readImage(_ field: Field?) -> ImageSpec? {
        let defaultRepository: ImageReference = .layout(path: ".shipml/oci", tag: nil)
        guard let field else {
            return ImageSpec(
                repository: ImageReferenceText(defaultRepository), format: .modelpack, base: nil,
                compression: .none, tags: [], annotations: [:])
        }
        guard let map = MapReader(field, expecting: "a mapping with repository and format") else {
            return nil
        }
        let repositoryField = map.optional("repository")
        let repository = repositoryField.flatMap { field -> ImageReference? in
            guard let text = field.nonEmptyString("an image repository") else { return nil }
            do {
                let reference = try ImageReference(parsing: text)
                if reference.tag != nil {
                    return failed(
                        field,
                        "expected a repository without a tag (the tag is model.version), got \(field.described)"
                    )
                }
                if case .registry(let registry) = reference, registry.digest != nil {
                    return failed(
                        field, "expected a repository without a digest, got \(field.described)")
                }
                return reference
            } catch {
                return failed(field, "\(error)")
            }
        }
        let format = map.optional("format").map { $0.oneOf(PackagingFormat.self) }
        let baseField = map.optional("base")
        let base = baseField.flatMap { field -> ImageReference? in
            guard let text = field.nonEmptyString("an image reference") else { return nil }
            do {
                return try ImageReference(parsing: text)
            } catch {
                return failed(field, "\(error)")
            }
        }
        let compression = map.optional("compression").map { $0.oneOf(LayerCompression.self) }
        let tagsField = map.optional("tags")
        let tags = tagsField.flatMap { field -> [String]? in
            guard let list = field.stringList("a tag") else { return nil }
            for (index, tag) in list.enumerated() where !ReferenceGrammar.isTag(tag) {
                let item: Field
                if case .sequence(let sequence) = field.node, index < sequence.count {
                    item = Field(
                        node: sequence[index], path: "\(field.path)[\(index)]", context: context)
                } else {
                    item = field
                }
                return failed(
                    item,
                    "expected a tag of 1 to 128 of A-Z a-z 0-9 _ . - not starting with . or -, got \"\(tag)\""
                )
            }
            return list
        }
        let annotations = map.optional("annotations").flatMap(readStringMap)
        map.rejectUnknownKeys()

        let resolvedFormat = (format ?? nil) ?? .modelpack
        if base != nil, resolvedFormat == .modelpack, let baseField {
            baseField.error(
                "a base image is only used by \"format: modelcar\"; a modelpack artifact has no base"
            )
            return nil
        }
        if repositoryField != nil, repository == nil { return nil }
        if format == .some(nil) || compression == .some(nil) { return nil }
        if baseField != nil, base == nil { return nil }
        if tagsField != nil, tags == nil { return nil }
        return ImageSpec(
            repository: ImageReferenceText(repository ?? defaultRepository), format: resolvedFormat,
            base: base.map(ImageReferenceText.init), compression: (compression ?? nil) ?? .none,
            tags: tags ?? [], annotations: annotations ?? [:])
    }

    // MARK: registries

    /// `registries: {HOST: {plainHTTP, insecure, caFile}}`.
    func readRegistries(_ field: Field) -> [String: RegistrySpec]? {
        guard let map = MapReader(field, expecting: "a mapping of registry hosts") else {
            return nil
        }
        var result: [String: RegistrySpec] = [:]
        var ok = true
        for (host, value) in map.allPairs {
            guard !host.isEmpty, !host.contains("/"), !host.contains("://") else {
                value.error(
                    "expected a registry host such as registry.example.com:5000, got \"\(host)\"")
                ok = false
                continue
            }
            guard
                let entry = MapReader(
                    value, expecting: "a mapping with plainHTTP, insecure, caFile")
            else {
                ok = false
                continue
            }
            let plainField = entry.optional("plainHTTP")
            let plain = plainField.flatMap { $0.bool() }
            let insecureField = entry.optional("insecure")
            let insecure = insecureField.flatMap { $0.bool() }
            let caField = entry.optional("caFile")
            let caFile = caField.flatMap(readPath)
            entry.rejectUnknownKeys()
            if plainField != nil && plain == nil || insecureField != nil && insecure == nil
                || caField != nil && caFile == nil
            {
                ok = false
                continue
            }
            result[host] = RegistrySpec(
                plainHTTP: plain, insecure: insecure ?? false, caFile: caFile)
        }
        return ok ? result : nil
    }

    func readStringMap(_ field: Field) -> [String: String]? {
        guard let map = MapReader(field, expecting: "a mapping of strings") else { return nil }
        var result: [String: String] = [:]
        var ok = true
        for (key, value) in map.allPairs {
            guard case .scalar = value.node, !value.isNull else {
                value.error("expected a string, got \(value.described)")
                ok = false
                continue
            }
            result[key] = value.string()
        }
        return ok ? result : nil
    }

    // MARK: deploy

    func readDeploy(_ field: Field, modelName: String?) -> DeploySpec? {
        guard let map = MapReader(field, expecting: "a mapping with chart or kustomize") else {
            return nil
        }
        let chart = map.optional("chart").flatMap(readPath)
        let kustomize = map.optional("kustomize").flatMap(readPath)
        let releaseNameField = map.optional("releaseName")
        let releaseName = releaseNameField.flatMap { field -> String? in
            guard let value = field.nonEmptyString() else { return nil }
            return Names.isReleaseName(value)
                ? value
                : failed(
                    field,
                    "expected a Helm release name (lowercase a-z 0-9 - ., at most 53 characters), got \(field.described)"
                )
        }
        let valuesFiles = map.optional("valuesFiles").flatMap { $0.stringList("a values file") }
        let values = map.optional("values").flatMap(readValues)
        let imageField = map.optional("image")
        let image = imageField.flatMap(readImageName)
        map.rejectUnknownKeys()
        let source: DeploySpec.Source
        switch (chart, kustomize) {
        case (let chart?, nil): source = .chart(chart)
        case (nil, let kustomize?): source = .kustomize(kustomize)
        case (.some, .some):
            return failed(field, "give either \"chart\" or \"kustomize\", not both")
        case (nil, nil):
            if map.pairs.contains(where: { $0.key == "chart" || $0.key == "kustomize" }) {
                return nil
            }
            return failed(
                field, "expected \"chart: DIR\" (a Helm-style chart) or \"kustomize: DIR\"")
        }
        if case .kustomize = source {
            if let valuesField = map.optional("values") ?? map.optional("valuesFiles") {
                valuesField.error(
                    "values apply to charts; a kustomize deploy takes an overlay per environment")
                return nil
            }
        } else if let imageField {
            imageField.error(
                "image applies to a kustomize deploy; a chart gets the artifact as the values model.reference and model.digest"
            )
            return nil
        }
        if releaseNameField != nil, releaseName == nil { return nil }
        if imageField != nil, image == nil { return nil }
        return DeploySpec(
            source: source, releaseName: releaseName ?? modelName ?? "",
            valuesFiles: valuesFiles ?? [],
            values: values, image: image)
    }

    /// An image name as kustomize's `images[].name` matches it: a repository, with no tag and
    /// no digest.
    func readImageName(_ field: Field) -> String? {
        guard let text = field.nonEmptyString("an image name") else { return nil }
        let lastPart = text.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard !text.contains("@"), !lastPart.contains(":"),
            !text.contains(where: { $0.isWhitespace }), !text.hasPrefix("oci:")
        else {
            return failed(
                field,
                "expected an image name without a tag or digest (as kustomize's images[].name), got \(field.described)"
            )
        }
        return text
    }

    func readValues(_ field: Field) -> ConfigValue? {
        guard case .mapping = field.node else {
            return failed(field, "expected a mapping of chart values, got \(field.described)")
        }
        return field.configValue()
    }

    // MARK: environments

    func readEnvironments(_ field: Field) -> [EnvironmentSpec]? {
        guard let items = field.list() else { return nil }
        if items.isEmpty {
            field.error("name at least one environment, such as dev")
            return nil
        }
        var result: [EnvironmentSpec] = []
        var ok = true
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard let environment = readEnvironment(item, index: index, earlier: result) else {
                ok = false
                continue
            }
            if let first = seen[environment.name] {
                item.error(
                    "environment \"\(environment.name)\" is already defined at environments[\(first)]"
                )
                ok = false
                continue
            }
            seen[environment.name] = index
            result.append(environment)
        }
        return ok ? result : nil
    }

    func readEnvironment(_ field: Field, index: Int, earlier: [EnvironmentSpec]) -> EnvironmentSpec?
    {
        guard let map = MapReader(field, expecting: "a mapping with the environment's name") else {
            return nil
        }
        let name = map.required("name", "such as dev, staging or prod").flatMap {
            $0.dnsLabel("a lowercase DNS label")
        }
        let namespaceField = map.optional("namespace")
        let namespace = namespaceField.flatMap {
            $0.dnsLabel("a Kubernetes namespace (a lowercase DNS label)")
        }
        let fromField = map.optional("from")
        let from = fromField.flatMap { field -> [String]? in
            guard let names = field.stringList("an environment name") else { return nil }
            let earlierNames = earlier.map(\.name)
            for source in names where !earlierNames.contains(source) {
                if source == name {
                    return failed(field, "an environment cannot be promoted from itself")
                }
                if earlierNames.isEmpty {
                    return failed(
                        field,
                        "the first environment has no environment before it to be promoted from; remove \"from\""
                    )
                }
                let hint = Suggestions.hint(for: source, in: earlierNames)
                return failed(
                    field,
                    "unknown environment \"\(source)\"; \"from\" names an environment listed earlier (\(earlierNames.joined(separator: ", ")))\(hint)"
                )
            }
            if Set(names).count != names.count {
                return failed(field, "an environment is named twice")
            }
            return names
        }
        let gates = map.optional("gates").map(readGates) ?? Gates()
        let valuesFiles = map.optional("valuesFiles").flatMap { $0.stringList("a values file") }
        let values = map.optional("values").flatMap(readValues)
        let overlay = map.optional("overlay").flatMap(readPath)
        let productionField = map.optional("production")
        let production = productionField.flatMap { $0.bool() }
        let lintField = map.optional("lint")
        let lint = lintField.flatMap(readLintLevels)
        map.rejectUnknownKeys()
        if productionField != nil, production == nil { return nil }
        if lintField != nil, lint == nil { return nil }

        guard let name, let gates else { return nil }
        if namespaceField != nil, namespace == nil { return nil }
        if fromField != nil, from == nil { return nil }
        let sources = from ?? (earlier.last.map { [$0.name] } ?? [])
        if sources.isEmpty, gates.soak != nil,
            let soak = map.optional("gates").flatMap({
                MapReader($0, expecting: "")?.optional("soak")
            })
        {
            soak.error(
                "soak is measured in the source environment, and the first environment has none")
            return nil
        }
        return EnvironmentSpec(
            name: name, namespace: namespace, from: sources, gates: gates,
            valuesFiles: valuesFiles ?? [],
            values: values, overlay: overlay,
            production: production ?? EnvironmentSpec.looksLikeProduction(name),
            lint: lint ?? [:])
    }

    // MARK: lint

    func readLint(_ field: Field) -> LintSpec? {
        guard let map = MapReader(field, expecting: "a mapping with severity") else { return nil }
        let severityField = map.optional("severity")
        let severity = severityField.flatMap(readLintLevels)
        map.rejectUnknownKeys()
        if severityField != nil, severity == nil { return nil }
        return LintSpec(severity: severity ?? [:])
    }

    /// Rule ids to severities. The ids are checked by `shipml lint`, which knows the rules.
    func readLintLevels(_ field: Field) -> [String: LintLevel]? {
        guard let map = MapReader(field, expecting: "a mapping of lint rule ids to severities")
        else { return nil }
        var result: [String: LintLevel] = [:]
        var ok = true
        for (key, value) in map.allPairs {
            if let level = value.oneOf(LintLevel.self) { result[key] = level } else { ok = false }
        }
        return ok ? result : nil
    }

    func readGates(_ field: Field) -> Gates? {
        guard let map = MapReader(field, expecting: "a mapping of gates") else { return nil }
        var gates = Gates()
        var ok = true
        if let field = map.optional("requireValidation") {
            if case .mapping = field.node {
                if let inner = MapReader(field, expecting: "{policy: FILE}") {
                    let policy = inner.required(
                        "policy", "the policy file the blessing was made under"
                    )
                    .flatMap(readPath)
                    inner.rejectUnknownKeys()
                    if let policy {
                        gates.requireValidation = ValidationRequirement(policy: policy)
                    } else {
                        ok = false
                    }
                } else {
                    ok = false
                }
            } else if let value = field.bool() {
                gates.requireValidation = value ? ValidationRequirement(policy: nil) : nil
            } else {
                ok = false
            }
        }
        if let field = map.optional("soak") {
            if case .scalar(let scalar) = field.node,
                let duration = ShipDuration(parsing: scalar.string)
            {
                gates.soak = duration
            } else {
                field.error("expected a duration like 30m or 2h, got \(field.described)")
                ok = false
            }
        }
        if let field = map.optional("approvals") {
            if let rule = readApprovals(field) { gates.approvals = rule } else { ok = false }
        }
        if let field = map.optional("windows") {
            if let windows = field.each(readWindow) { gates.windows = windows } else { ok = false }
        }
        if let field = map.optional("freeze") {
            if let periods = field.each(readFreeze) { gates.freeze = periods } else { ok = false }
        }
        if let field = map.optional("requireLint") {
            if let value = field.bool() { gates.requireLint = value } else { ok = false }
        }
        if let field = map.optional("autoPromote") {
            if let value = field.bool() { gates.autoPromote = value } else { ok = false }
        }
        map.rejectUnknownKeys()
        return ok ? gates : nil
    }

    func readApprovals(_ field: Field) -> ApprovalRule? {
        if case .scalar = field.node {
            guard let count = field.int("a number of approvals") else { return nil }
            return count >= 1
                ? ApprovalRule(count: count, from: [])
                : failed(
                    field,
                    "expected at least 1 approval, got \(count); remove the gate to need none")
        }
        guard let map = MapReader(field, expecting: "a count, or {count: N, from: [NAMES]}") else {
            return nil
        }
        let countField = map.optional("count")
        let count = countField.flatMap { field -> Int? in
            guard let count = field.int("a number of approvals") else { return nil }
            return count >= 1 ? count : failed(field, "expected at least 1 approval, got \(count)")
        }
        let from = map.optional("from").flatMap { $0.stringList("an approver") }
        map.rejectUnknownKeys()
        if countField != nil, count == nil { return nil }
        let rule = ApprovalRule(count: count ?? 1, from: from ?? [])
        if !rule.from.isEmpty, rule.count > rule.from.count, let countField {
            countField.error(
                "needs \(rule.count) approvals but names only \(rule.from.count) approvers")
            return nil
        }
        return rule
    }

    func readWindow(_ field: Field) -> PromotionWindow? {
        guard let map = MapReader(field, expecting: "a mapping with days, hours and timezone")
        else { return nil }
        let days =
            map.optional("days").flatMap(readDays)
            ?? (map.pairs.contains { $0.key == "days" } ? nil : Weekday.allCases)
        let hours = map.optional("hours").flatMap { field -> (Int, Int)? in
            guard let text = field.nonEmptyString("hours like 09:00-17:00") else { return nil }
            guard let range = Names.parseHours(text) else {
                return failed(
                    field,
                    "expected hours like 09:00-17:00 (24-hour clock, start before or after end), got \(field.described)"
                )
            }
            return range
        }
        let timeZoneField = map.optional("timezone")
        let timeZone = timeZoneField.flatMap { field -> String? in
            guard let name = field.nonEmptyString("an IANA time zone such as Europe/Berlin") else {
                return nil
            }
            guard TimeZone(identifier: name) != nil else {
                let hint = Suggestions.hint(for: name, in: TimeZone.knownTimeZoneIdentifiers)
                return failed(
                    field,
                    "unknown time zone \(field.described); expected an IANA name such as Europe/Berlin or UTC\(hint)"
                )
            }
            return name
        }
        map.rejectUnknownKeys()
        if map.pairs.isEmpty {
            field.error("a window needs days, hours or both")
            return nil
        }
        guard let days else { return nil }
        if map.pairs.contains(where: { $0.key == "hours" }), hours == nil { return nil }
        if timeZoneField != nil, timeZone == nil { return nil }
        return PromotionWindow(
            days: days, startMinute: hours?.0 ?? 0, endMinute: hours?.1 ?? 24 * 60,
            timeZone: timeZone ?? "UTC")
    }

    func readDays(_ field: Field) -> [Weekday]? {
        guard let names = field.stringList("a day such as mon, or a range such as mon-fri") else {
            return nil
        }
        var days: Set<Weekday> = []
        for name in names {
            guard let range = Names.parseDays(name) else {
                return failed(
                    field,
                    "expected days such as mon, tue, ... sun or a range such as mon-fri, got \"\(name)\"\(Suggestions.hint(for: name, in: Weekday.allCases.map(\.rawValue)))"
                )
            }
            days.formUnion(range)
        }
        return days.sorted()
    }

    func readFreeze(_ field: Field) -> FreezePeriod? {
        guard let map = MapReader(field, expecting: "a mapping with from, to and reason") else {
            return nil
        }
        let from = map.required("from", "when the freeze starts").flatMap(readTime)
        let toField = map.required("to", "when the freeze ends")
        let to = toField.flatMap(readTime)
        let reason = map.required(
            "reason", "why promotions are frozen, shown to whoever is refused"
        )
        .flatMap { $0.nonEmptyString() }
        map.rejectUnknownKeys()
        guard let from, let to, let reason, let toField else { return nil }
        guard from < to else {
            return failed(toField, "the freeze ends before it starts")
        }
        return FreezePeriod(from: from, to: to, reason: reason)
    }

    func readTime(_ field: Field) -> Date? {
        guard let text = field.nonEmptyString("a time") else { return nil }
        if let date = Names.parseTime(text) { return date }
        return failed(
            field,
            "expected a date (2026-12-24, midnight UTC) or an RFC 3339 time (2026-12-24T18:00:00+01:00), got \(field.described)"
        )
    }

    // MARK: state

    func readState(_ field: Field?) -> StateSpec? {
        guard let field else {
            return StateSpec(
                repository: StateSpec.defaultRepository, branch: StateSpec.defaultBranch)
        }
        guard let map = MapReader(field, expecting: "a mapping with repository and branch") else {
            return nil
        }
        let repository = map.optional("repository").flatMap {
            $0.nonEmptyString("a path or URL of a git repository")
        }
        let branchField = map.optional("branch")
        let branch = branchField.flatMap { field -> String? in
            guard let name = field.nonEmptyString("a branch name") else { return nil }
            return Names.isBranchName(name)
                ? name : failed(field, "expected a valid git branch name, got \(field.described)")
        }
        let signingKeyField = map.optional("signingKey")
        let signingKey = signingKeyField.flatMap {
            $0.nonEmptyString("a path to an SSH key (private, or public with the key in the agent)")
        }
        // A password sits in the URL's authority, before an `@`: `https://user:secret@host`.
        // A user alone (`ssh://git@host`) is not a secret.
        if let url = repository, let scheme = url.range(of: "://"),
            case let authority = url[scheme.upperBound...].prefix(while: { $0 != "/" }),
            let at = authority.lastIndex(of: "@"), authority[..<at].contains(":"),
            let repoField = map.optional("repository")
        {
            let scheme = url.prefix { $0 != ":" }
            repoField.error(
                "the repository URL holds a password; keep credentials out of shipml.yaml and give them through the environment (\(scheme)://HOST/...)"
            )
            map.rejectUnknownKeys()
            return nil
        }
        map.rejectUnknownKeys()
        if branchField != nil, branch == nil { return nil }
        if map.pairs.contains(where: { $0.key == "repository" }), repository == nil { return nil }
        if signingKeyField != nil, signingKey == nil { return nil }
        return StateSpec(
            repository: repository ?? StateSpec.defaultRepository,
            branch: branch ?? StateSpec.defaultBranch, signingKey: signingKey)
    }

    // MARK: across sections

    func checkAcross(_ project: Project, map: MapReader, environmentsField: Field) {
        let environmentFields = environmentsField.list() ?? []
        for (index, environment) in project.environments.enumerated() {
            guard index < environmentFields.count,
                let envMap = MapReader(environmentFields[index], expecting: "")
            else { continue }
            let deploy = project.deploy
            if environment.overlay != nil, let field = envMap.optional("overlay") {
                switch deploy?.source {
                case .chart?:
                    field.error(
                        "an overlay applies to a kustomize deploy; this project deploys a chart (use values)"
                    )
                case nil:
                    field.error("an overlay needs a \"deploy\" section with \"kustomize: DIR\"")
                default: break
                }
            }
            for key in ["values", "valuesFiles"] {
                guard let field = envMap.optional(key) else { continue }
                switch deploy?.source {
                case .kustomize?:
                    field.error(
                        "values apply to charts; this project deploys with kustomize (use \"overlay\")"
                    )
                case nil:
                    field.error("values need a \"deploy\" section with \"chart: DIR\"")
                default: break
                }
            }
        }
        if case .environment(let name)? = project.evaluation?.baseline,
            project.environment(named: name) == nil,
            let evaluation = map.optional("evaluation"),
            let evalMap = MapReader(evaluation, expecting: ""),
            let baseline = evalMap.optional("baseline")
        {
            let names = project.environments.map(\.name)
            baseline.error(
                "unknown environment \"\(name)\"; expected one of \(names.joined(separator: ", "))\(Suggestions.hint(for: name, in: names))"
            )
        }
    }

    func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// Reports `message` at `field` and returns nil, so a failed check reads as one expression.
func failed<T>(_ field: Field, _ message: String) -> T? {
    field.error(message)
    return nil
}
