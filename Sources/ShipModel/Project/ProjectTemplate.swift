import Foundation

/// The example project `shipml init` writes: a commented `shipml.yaml` that passes
/// `shipml config check`, and the few files it points at.
public enum ProjectTemplate {
    /// How the example project deploys.
    public enum Deploy: String, Sendable, CaseIterable {
        /// The built-in model-serving chart under `deploy/chart`, values per environment.
        case chart
        /// The built-in kustomize base and an overlay per environment under `deploy/kustomize`.
        case kustomize
        /// No deploy section.
        case none
    }

    /// The environments the example project promotes through.
    public static let environments = ["dev", "staging", "prod"]

    /// The files of the example project, by path relative to the project directory. The
    /// chart and kustomize files themselves come from the built-in templates; these are the
    /// project's own.
    /// - Parameter name: the model's name, a DNS label.
    public static func files(name: String, deploy: Deploy = .none) -> [(
        path: String, contents: String
    )] {
        var files = [
            ("shipml.yaml", projectFile(name: name, deploy: deploy)),
            ("model/README.md", modelReadme(name: name)),
            ("eval/metrics.json", metrics),
        ]
        if deploy == .chart {
            files += environments.map { ("deploy/values-\($0).yaml", chartValues(name, $0)) }
        }
        return files
    }

    /// Per-environment values for the built-in chart.
    static func chartValues(_ name: String, _ environment: String) -> String {
        let common = "model:\n  name: \(name)\n"
        switch environment {
        case "dev":
            return "# dev: one small replica; images by tag are fine here.\n" + common
                + "replicaCount: 1\nautoscaling: {enabled: false}\n"
                + "podDisruptionBudget: {enabled: false}\n"
                + "resources:\n  requests: {cpu: 500m, memory: 2Gi}\n  limits: {memory: 2Gi}\n"
        case "prod":
            return "# prod: GPUs, at least three replicas, Prometheus Operator scraping.\n"
                + common + "gpu: {enabled: true}\nautoscaling: {minReplicas: 3}\n"
                + "metrics:\n  serviceMonitor: {enabled: true}\n  gpu: {enabled: true}\n"
                + "priorityClassName: \"\"\n"
        default:
            return "# \(environment): what prod runs, on fewer replicas.\n" + common
                + "gpu: {enabled: true}\nautoscaling: {minReplicas: 2}\n"
        }
    }

    /// Turns a directory name into a model name: lowercase, `-` for anything else, at most 63.
    public static func modelName(fromDirectoryName directory: String) -> String {
        var name = ""
        for character in directory.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                name.append(character)
            } else if !name.hasSuffix("-") {
                name.append("-")
            }
        }
        let trimmed = String(name.trimmingCharacters(in: ["-"]).prefix(63))
            .trimmingCharacters(in: ["-"])
        return trimmed.isEmpty ? "my-model" : trimmed
    }

    static func projectFile(name: String, deploy: Deploy = .none) -> String {
        func environmentDeploy(_ environment: String) -> String {
            switch deploy {
            case .chart: return "\n    valuesFiles: [deploy/values-\(environment).yaml]"
            case .kustomize: return "\n    overlay: deploy/kustomize/overlays/\(environment)"
            case .none: return ""
            }
        }
        let deploySection: String
        switch deploy {
        case .chart:
            deploySection = """
                deploy:
                  chart: deploy/chart          # the built-in model-serving chart (shipml init wrote it)
                  # valuesFiles: [deploy/values.yaml]   # values for every environment
                """
        case .kustomize:
            deploySection = """
                deploy:
                  kustomize: deploy/kustomize/base   # the built-in base; each environment has an overlay
                  image: registry.example/ml/model   # the model's image name in the overlays: every
                                                     # promotion pins it to the release's digest
                """
        case .none:
            deploySection = """
                # deploy:
                #   chart: deploy/chart        # a Helm-style chart, or kustomize: deploy/base
                #   valuesFiles: [deploy/values.yaml]
                """
        }
        return """
            # shipml project file: what `shipml release` validates, packages, renders and promotes.
            # Check it with `shipml config check`; docs/project-file.md describes every field.
            apiVersion: \(Project.currentAPIVersion)

            model:
              name: \(name)          # a DNS label: it names Kubernetes objects and state folders
              version: 0.1.0         # the release version, also the image tag (no "+")
              path: model            # the directory of files to package, relative to this file
              format: safetensors    # safetensors | gguf | onnx | pytorch | other
              framework: transformers
              metadata:              # free-form, carried into annotations and the release record
                owner: ml-platform

            evaluation:
              metrics: eval/metrics.json   # written by your evaluation job
              # baseline: eval/baseline.json   # or {environment: prod}: compare with what runs there
              inconclusive: fail           # a missing metric or slice fails (or: warn)
              thresholds:
                - metric: accuracy
                  min: 0.90                # inclusive bounds: min and/or max
                - metric: latency_p95_ms
                  direction: lower         # lower is better
                  max: 250
                # - metric: f1
                #   direction: higher
                #   max_regression: {abs: 0.005}   # at most half a point worse than the baseline
                #   slice: "language=*"            # every language slice ...
                #   min_slice_size: 200            # ... with at least 200 examples
                #   bound: ci_lower                # gate on the pessimistic end of the interval

            image:
              repository: oci:.shipml/oci  # an OCI layout on disk; or registry.example.com/ml/\(name)
              format: modelpack            # modelpack (an OCI artifact) | modelcar (a runnable image)
              compression: none            # none | gzip | zstd
              # base: oci:base-layout:latest   # modelcar only: an image with a shell, for KServe
              # tags: [latest]                 # pushed beside the version

            \(deploySection)

            environments:
              - name: dev                  # the first stage: releases land here
                namespace: \(namespace(name, "dev"))\(environmentDeploy("dev"))
              - name: staging
                namespace: \(namespace(name, "staging"))\(environmentDeploy("staging"))
                from: dev
                gates:
                  requireValidation: true
                  soak: 1h                 # time the release must have run in dev
              - name: prod
                namespace: \(namespace(name, "prod"))\(environmentDeploy("prod"))
                from: staging
                gates:
                  requireValidation: true
                  soak: 24h
                  approvals: 1             # or {count: 2, from: [alice, bob]}
                  windows:
                    - days: [mon-thu]
                      hours: "09:00-16:00"
                      timezone: UTC
                  # freeze:
                  #   - {from: 2026-12-20, to: 2027-01-04, reason: year-end freeze}

            state:
              repository: .shipml/state    # a git repository (path or URL) holding release state
              branch: main

            """
    }

    /// `<model>-<environment>`, shortened to stay a DNS label.
    public static func namespace(_ name: String, _ environment: String) -> String {
        let room = 63 - environment.count - 1
        let prefix = String(name.prefix(room)).trimmingCharacters(in: ["-"])
        return "\(prefix)-\(environment)"
    }

    static func modelReadme(name: String) -> String {
        """
        # \(name)

        Put the model's files here: weights (`*.safetensors`, `*.gguf`, `*.onnx`, ...), their
        configuration (`config.json`, tokenizer files) and a model card. `shipml release`
        packages this directory.

        """
    }

    static let metrics = """
        {
          "accuracy": 0.93,
          "latency_p95_ms": 180
        }

        """
}
