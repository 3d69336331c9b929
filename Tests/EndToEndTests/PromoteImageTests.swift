import Foundation
import ShipMLTestSupport
import Testing

/// A kustomize deploy's manifests carry the release's artifact by digest: every promotion and
/// rollback pins it, in containers and image volumes, as `kustomize edit set image` would.
struct PromoteImageTests {
    typealias Promote = PromoteCommandTests

    /// A deployment naming the model three ways: an image volume by tag, an init container
    /// with no tag, and a server image that is not the model.
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: sentiment
        spec:
          template:
            spec:
              initContainers:
              - name: warm
                image: registry.example/ml/sentiment
              containers:
              - name: server
                image: model-server:1.0
              volumes:
              - name: model
                image:
                  reference: registry.example/ml/sentiment:latest

        """

    static func makeProject(_ scratch: ScratchDirectory, image: String? = nil) throws -> String {
        let remote = try Promote.makeProject(scratch)
        _ = try scratch.write("project/deploy/base/deployment.yaml", deployment)
        if let image {
            let file = scratch.path("project/shipml.yaml")
            let text = try String(contentsOfFile: file, encoding: .utf8)
                .replacingOccurrences(
                    of: "  kustomize: deploy/base\n",
                    with: "  kustomize: deploy/base\n  image: \(image)\n")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        return remote
    }

    static func manifest(_ remote: String, _ environment: String) throws -> String {
        try Promote.git([
            "--git-dir", remote, "show",
            "main:environments/\(environment)/sentiment/manifests/apps_v1_deployment_sentiment.yaml",
        ])
    }

    static func digest(_ byte: Character) -> String {
        "sha256:" + String(repeating: byte, count: 64)
    }

    @Test func theArtifactsRepositoryIsPinnedInEveryEnvironmentAndOnRollback() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch)
        let first = try Promote.shipml(
            ["promote", "--to", "dev", "--artifact", Promote.artifact("a")], in: scratch)
        #expect(first.status == 0, "\(first.stderr)")
        let pinned = "registry.example/ml/sentiment@" + Self.digest("a")
        let dev = try Self.manifest(remote, "dev")
        #expect(dev.contains("image: \(pinned)\n"), "\(dev)")
        #expect(dev.contains("reference: \(pinned)\n"), "\(dev)")
        #expect(dev.contains("image: model-server:1.0\n"))
        #expect(!dev.contains(":latest"))

        // The next stage renders its own overlay and pins the same release.
        #expect(try Promote.shipml(["promote", "--to", "staging"], in: scratch).status == 0)
        let staging = try Self.manifest(remote, "staging")
        #expect(
            staging.contains("reference: \(pinned)\n") && staging.contains("namespace: staging"))

        // A newer release, then a rollback: the manifests name the earlier digest again.
        let newer = try Promote.shipml(
            ["promote", "--to", "dev", "--artifact", Promote.artifact("b"), "--version", "1.3.0"],
            in: scratch)
        #expect(newer.status == 0, "\(newer.stderr)")
        #expect(try Self.manifest(remote, "dev").contains("@" + Self.digest("b")))
        let rollback = try Promote.shipml(["rollback", "--env", "dev"], in: scratch)
        #expect(rollback.status == 0, "\(rollback.stderr)")
        let restored = try Self.manifest(remote, "dev")
        #expect(restored.contains("reference: \(pinned)\n"))
        #expect(!restored.contains(Self.digest("b")))
    }

    /// Containers come out as kubectl kustomize writes them for a kustomization over the
    /// overlay with the same `images:` entry; the image volume, which kustomize 5.5 leaves
    /// alone, is the only other difference.
    @Test func containersMatchKubectlKustomizeSetImage() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch, image: "registry.example/ml/sentiment")
        let promoted = try Promote.shipml(
            ["promote", "--to", "dev", "--artifact", Promote.artifact("c")], in: scratch)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        _ = try scratch.write(
            "project/pinned/kustomization.yaml",
            """
            resources:
            - ../deploy/dev
            images:
            - name: registry.example/ml/sentiment
              newName: registry.example/ml/sentiment
              digest: \(Self.digest("c"))

            """)
        let kubectl = try ProcessRunner.run(
            ["kubectl", "kustomize", scratch.path("project/pinned")])
        #expect(kubectl.succeeded, "\(kubectl.stderr)")
        let ours = try Self.manifest(remote, "dev")
        let expected = kubectl.stdout.replacingOccurrences(
            of: "reference: registry.example/ml/sentiment:latest",
            with: "reference: registry.example/ml/sentiment@" + Self.digest("c"))
        #expect(ours == expected)
    }

    /// `deploy.image` names a placeholder; an artifact in an OCI layout has no pullable name,
    /// so only its digest is set.
    @Test func aPlaceholderNameTakesTheArtifact() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch, image: "model-server")
        let fromRegistry = try Promote.shipml(
            ["promote", "--to", "dev", "--artifact", Promote.artifact("d")], in: scratch)
        #expect(fromRegistry.status == 0, "\(fromRegistry.stderr)")
        let dev = try Self.manifest(remote, "dev")
        #expect(dev.contains("image: registry.example/ml/sentiment@\(Self.digest("d"))\n"))
        // Only the named image is set: the repository's own references keep their tags.
        #expect(dev.contains("reference: registry.example/ml/sentiment:latest\n"))

        let layout = try Promote.shipml(
            ["promote", "--to", "dev", "--artifact", "oci:build/oci@" + Self.digest("e")],
            in: scratch)
        #expect(layout.status == 0, "\(layout.stderr)")
        #expect(
            try Self.manifest(remote, "dev").contains("image: model-server@\(Self.digest("e"))\n"))
    }

    @Test func anImageNameThatMatchesNothingIsBadInput() throws {
        let scratch = try ScratchDirectory()
        let remote = try Self.makeProject(scratch, image: "model-artifact")
        let result = try Promote.shipml(
            ["promote", "--to", "dev", "--artifact", Promote.artifact("a")], in: scratch)
        #expect(result.status == 2)
        #expect(result.stderr.contains("deploy.image model-artifact"), "\(result.stderr)")
        #expect(result.stderr.contains("deploy/dev"))
        let count = try Promote.git(["--git-dir", remote, "rev-list", "--all", "--count"])
        #expect(count == "0\n")
    }
}
