public import Foundation

/// A file of a chart: its path relative to the chart's root (`templates/service.yaml`) and its
/// bytes.
public struct ChartFile: Sendable, Equatable {
    public var name: String
    public var data: Data

    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

/// A maintainer listed in `Chart.yaml`.
public struct ChartMaintainer: Sendable, Equatable {
    public var name = ""
    public var email = ""
    public var url = ""
}

/// One entry of `dependencies:` in `Chart.yaml` (or `requirements.yaml` for apiVersion v1).
public struct ChartDependency: Sendable, Equatable {
    public var name = ""
    public var version = ""
    public var repository = ""
    public var condition = ""
    public var tags: [String] = []
    public var enabled = false
    /// Each entry is a string (`exports.NAME`) or a `child`/`parent` map, as written.
    public var importValues: [Value] = []
    public var alias = ""

    public static func == (lhs: ChartDependency, rhs: ChartDependency) -> Bool {
        lhs.name == rhs.name && lhs.version == rhs.version && lhs.alias == rhs.alias
            && lhs.condition == rhs.condition && lhs.tags == rhs.tags
    }
}

/// The fields of `Chart.yaml`, as Helm's `chart.Metadata` holds them.
public struct ChartMetadata: Sendable, Equatable {
    public var name = ""
    public var home = ""
    public var sources: [String] = []
    public var version = ""
    public var description = ""
    public var keywords: [String] = []
    public var maintainers: [ChartMaintainer] = []
    public var icon = ""
    public var apiVersion = ""
    public var condition = ""
    public var tags = ""
    public var appVersion = ""
    public var deprecated = false
    public var annotations: [String: String] = [:]
    public var kubeVersion = ""
    public var dependencies: [ChartDependency] = []
    public var type = ""

    public init() {}
}

/// A loaded chart: its metadata, default values, templates, other files, and the charts in its
/// `charts/` directory.
public struct Chart: Sendable {
    public var metadata: ChartMetadata
    /// `values.yaml`, read as Helm reads it.
    public var values: [String: Value]
    public var templates: [ChartFile]
    /// Every file that is not `Chart.yaml`, `values.yaml`, a template or a subchart: what
    /// `.Files` sees. `crds/` files are among them.
    public var files: [ChartFile]
    public var dependencies: [Chart]
    /// `values.schema.json`, when there is one.
    public var schema: Data?

    public init(
        metadata: ChartMetadata, values: [String: Value] = [:], templates: [ChartFile] = [],
        files: [ChartFile] = [], dependencies: [Chart] = [], schema: Data? = nil
    ) {
        self.metadata = metadata
        self.values = values
        self.templates = templates
        self.files = files
        self.dependencies = dependencies
        self.schema = schema
    }

    /// The chart's name, as `.Chart.Name` and the template paths show it.
    public var name: String { metadata.name }

    /// Whether the chart is a library chart (`type: library`), whose templates only define.
    public var isLibrary: Bool { metadata.type == "library" }

    /// The files under `crds/`, in name order.
    public var crdFiles: [ChartFile] {
        files.filter { $0.name.hasPrefix("crds/") }
    }
}

/// Why a chart cannot be loaded or rendered; the text is Helm's where Helm has one.
public struct HelmError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
