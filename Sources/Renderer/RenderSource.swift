public import ShipFiles
import ShipModel

/// What a deploy directory holds, decided the way the real tools decide it: `helm template`
/// renders a directory with `Chart.yaml`; `kubectl kustomize` one with `kustomization.yaml`,
/// `kustomization.yml` or `Kustomization` (and refuses a directory holding more than one).
public enum RenderSource: Equatable, Sendable {
    /// A Helm-style chart; `chartFile` is the path of its `Chart.yaml`.
    case chart(directory: String, chartFile: String)
    /// A Kustomize directory; `kustomizationFile` is the file kustomize would read.
    case kustomization(directory: String, kustomizationFile: String)

    /// The file names kustomize accepts, in the order it looks for them.
    public static var kustomizationFileNames: [String] { DeploySpec.kustomizationFileNames }

    /// Looks at `directory` and says what it is.
    /// - Throws: ``RenderError`` when it is missing, neither, or ambiguous.
    public static func detect(_ directory: String, fileSystem: any FileSystem) throws
        -> RenderSource
    {
        guard fileSystem.isDirectory(directory) else {
            throw RenderError.notADirectory(directory)
        }
        let kustomizations = kustomizationFileNames.filter {
            fileSystem.isFile(joinPath(directory, $0))
        }
        let chartFile = joinPath(directory, "Chart.yaml")
        let isChart = fileSystem.isFile(chartFile)
        if kustomizations.count > 1 {
            throw RenderError.ambiguousKustomization(directory, found: kustomizations)
        }
        switch (isChart, kustomizations.first) {
        case (true, nil):
            return .chart(directory: directory, chartFile: chartFile)
        case (false, let name?):
            return .kustomization(
                directory: directory, kustomizationFile: joinPath(directory, name))
        case (true, .some):
            throw RenderError.bothChartAndKustomization(directory)
        case (false, nil):
            throw RenderError.nothingToRender(directory)
        }
    }
}

/// Why the Renderer cannot render something.
public enum RenderError: Error, Equatable, Sendable, CustomStringConvertible {
    case notADirectory(String)
    case nothingToRender(String)
    case ambiguousKustomization(String, found: [String])
    case bothChartAndKustomization(String)

    public var description: String {
        switch self {
        case .notADirectory(let path):
            return "\(path): no such directory"
        case .nothingToRender(let path):
            return "\(path): expected a chart (Chart.yaml) or a kustomization (kustomization.yaml)"
        case .ambiguousKustomization(let path, let found):
            return
                "\(path): found \(found.joined(separator: " and ")); keep exactly one kustomization file"
        case .bothChartAndKustomization(let path):
            return "\(path): holds both Chart.yaml and a kustomization; point at one or the other"
        }
    }
}
