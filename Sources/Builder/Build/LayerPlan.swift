public import ShipModel

/// Which files go into which layer. Every weight file gets a layer of its own, so an unchanged
/// shard keeps its digest across releases; small files of one kind share a layer; a large
/// file of any kind gets its own.
public struct LayerPlan: Sendable, Equatable {
    public var kind: ModelFileKind
    public var files: [ModelFile]

    /// Files at least this large get a layer of their own whatever their kind.
    public static let ownLayerThreshold: Int64 = 64 << 20

    /// Groups a scanned model into layers: weights (one each, in path order), then weight
    /// configuration, documentation, code and datasets.
    public static func plan(_ model: ModelDirectory) -> [LayerPlan] {
        var plans: [LayerPlan] = []
        for kind in ModelFileKind.allCases {
            let files = model.files.filter { $0.kind == kind }
            var shared: [ModelFile] = []
            for file in files {
                if kind == .weight || file.size >= ownLayerThreshold {
                    plans.append(LayerPlan(kind: kind, files: [file]))
                } else {
                    shared.append(file)
                }
            }
            if !shared.isEmpty { plans.append(LayerPlan(kind: kind, files: shared)) }
        }
        return plans
    }

    /// The path a ModelPack layer is annotated with: the file, or the directory the files
    /// share (`.` for the model's root).
    public var filePath: String {
        if files.count == 1, let only = files.first { return only.path }
        var common = files.first.map { Self.parent($0.path) } ?? ""
        for file in files {
            while !common.isEmpty, !file.path.hasPrefix(common + "/") {
                common = Self.parent(common)
            }
        }
        return common.isEmpty ? "." : common
    }

    /// Whether any file's kind was guessed from a fallback rule.
    public var isGuess: Bool { files.contains { $0.classificationIsGuess } }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// The ModelPack media type of this layer's kind, with the compression's suffix.
    public func modelPackMediaType(_ compression: LayerCompression) -> MediaType {
        let base: MediaType
        switch kind {
        case .weight: base = .modelWeight
        case .weightConfig: base = .modelWeightConfig
        case .doc: base = .modelDoc
        case .code: base = .modelCode
        case .dataset: base = .modelDataset
        }
        return base.compressed(compression)
    }
}

extension MediaType {
    /// `+gzip` or `+zstd` appended for a compressed layer.
    public func compressed(_ compression: LayerCompression) -> MediaType {
        switch compression {
        case .none: return self
        case .gzip: return MediaType(rawValue + "+gzip")
        case .zstd: return MediaType(rawValue + "+zstd")
        }
    }
}
