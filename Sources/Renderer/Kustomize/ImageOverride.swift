/// One entry of a kustomization's `images:` list, applied to a finished build: what `kustomize
/// edit set image` writes into a kustomization placed over the built directory.
public struct ImageOverride: Sendable, Equatable {
    /// The image name to match, without tag or digest, as written in the resources.
    public var name: String
    /// The name to write instead; nil keeps the name.
    public var newName: String?
    /// The tag to write; ignored when ``digest`` is set.
    public var newTag: String?
    /// The digest to write (`sha256:…`); it replaces any tag.
    public var digest: String?

    public init(name: String, newName: String? = nil, newTag: String? = nil, digest: String? = nil)
    {
        self.name = name
        self.newName = newName
        self.newTag = newTag
        self.digest = digest
    }

    /// An image reference's name, tag and digest, split as kustomize's images transformer
    /// splits them (`oci:` layout references included: the digest follows the last `@`).
    public static func parts(of image: String) -> (name: String, tag: String?, digest: String?) {
        Transformers.splitImage(image)
    }

    /// The entry as a kustomization's `images:` list holds it.
    var entry: KValue {
        var pairs: [(String, KValue)] = [("name", .string(name))]
        if let newName { pairs.append(("newName", .string(newName))) }
        if let newTag { pairs.append(("newTag", .string(newTag))) }
        if let digest { pairs.append(("digest", .string(digest))) }
        return .map(pairs)
    }
}

extension KustomizeOutput {
    /// Applies `overrides` as an `images:` list in a kustomization over this build would: to
    /// the `image` of every `containers` and `initContainers` item, at any depth. It also
    /// rewrites every image volume's `image.reference` (`volumes[].image.reference`, Kubernetes
    /// 1.31+), which kustomize 5.5's own images transformer leaves as written.
    /// - Returns: How many image references now differ from what the build wrote.
    @discardableResult
    public mutating func setImages(_ overrides: [ImageOverride]) -> Int {
        let entries = overrides.map(\.entry)
        var changed = 0
        resources = resources.map {
            Transformers.rewriteImages($0, images: entries, volumes: true, changed: &changed)
        }
        return changed
    }
}
