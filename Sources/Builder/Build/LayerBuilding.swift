import Foundation
import ShipModel

/// The layer loop both packagers share: plan, reuse cached layers whose blobs the layout
/// holds, build the others, and report progress.
enum LayerBuilding {
    static func buildLayers(
        _ model: ModelDirectory, settings: LayerWriter.Settings, into layout: ImageLayout?,
        options: BuildOptions, progress: (BuildProgress) -> Void,
        mediaType: (LayerPlan) -> MediaType, annotate: (LayerPlan) -> [String: String]
    ) throws -> (layers: [BuiltLayer], bytesRead: Int64, recipes: [Digest: LayerRecipe]) {
        let plans = LayerPlan.plan(model)
        let total = model.files.reduce(Int64(0)) { $0 + $1.size }
        var done: Int64 = 0
        var bytesRead: Int64 = 0
        var layers: [BuiltLayer] = []
        var recipes: [Digest: LayerRecipe] = [:]
        for (index, plan) in plans.enumerated() {
            let type = mediaType(plan)
            let key = options.cache.map { _ in LayerCache.key(plan, settings: settings) }
            let layer: BuiltLayer
            if let cache = options.cache, let key, let entry = cache.lookup(key),
                options.dryRun || layout?.hasBlob(entry.digest, size: entry.size) == true
            {
                layer = BuiltLayer(
                    descriptor: Descriptor(mediaType: type, digest: entry.digest, size: entry.size),
                    diffID: entry.diffID, cached: true)
                done += plan.files.reduce(Int64(0)) { $0 + $1.size }
            } else {
                options.observer?.layerStarting(
                    LayerStream(index: index, plan: plan, settings: settings))
                let sink: any BlobSink =
                    try (options.dryRun ? nil : layout).map { try $0.beginBlob() } ?? HashingSink()
                let result = try LayerWriter.write(plan, settings: settings, to: sink) { bytes in
                    done += bytes
                    bytesRead += bytes
                    progress(
                        BuildProgress(
                            layer: index + 1, layers: plans.count, bytesDone: done,
                            bytesTotal: total))
                }
                if let cache = options.cache, let key {
                    cache.store(
                        LayerCache.Entry(
                            digest: result.digest, diffID: result.diffID, size: result.size),
                        for: key)
                }
                layer = BuiltLayer(
                    descriptor: Descriptor(
                        mediaType: type, digest: result.digest, size: result.size),
                    diffID: result.diffID, cached: false)
                options.observer?.layerFinished(index, layer.descriptor)
            }
            recipes[layer.descriptor.digest] = LayerRecipe(
                plan: plan, settings: settings, digest: layer.descriptor.digest,
                size: layer.descriptor.size)
            var annotated = layer
            annotated.descriptor.annotations = annotate(plan)
            layers.append(annotated)
            progress(
                BuildProgress(
                    layer: index + 1, layers: plans.count, bytesDone: done, bytesTotal: total))
        }
        return (layers, bytesRead, recipes)
    }
}
