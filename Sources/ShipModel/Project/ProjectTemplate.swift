import Foundation

/// The example project `shipml init` writes: a commented `shipml.yaml` that passes
/// `shipml config check`, and the few files it points at.
public enum ProjectTemplate {
    /// The files of the example project, by path relative to the project directory.
    /// - Parameter name: the model's name, a DNS label.
    public static func files(name: String) -> [(path: String, contents: String)] {
        [
            ("shipml.yaml", projectFile(name: name)),
            ("model/README.md", modelReadme(name: name)),
            ("eval/metrics.json", metrics),
        ]
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

    static func projectFile(name: String) -> String {
        """
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

        # deploy:
        #   chart: deploy/chart        # a Helm-style chart, or kustomize: deploy/base
        #   valuesFiles: [deploy/values.yaml]

        environments:
          - name: dev                  # the first stage: releases land here
            namespace: \(namespace(name, "dev"))
          - name: staging
            namespace: \(namespace(name, "staging"))
            from: dev
            gates:
              requireValidation: true
              soak: 1h                 # time the release must have run in dev
          - name: prod
            namespace: \(namespace(name, "prod"))
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
    static func namespace(_ name: String, _ environment: String) -> String {
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
