import Foundation
import Promoter
import ShipMLTestSupport
import ShipModel
import Testing

/// `history --env` follows the links promotions carry, and gives exactly what a walk of every
/// commit gives: with links, without them, and across merges and rewritten commits.
struct PromotionChainTests {
    let environments = ["dev", "staging", "prod"]
    let models = ["sentiment", "churn"]

    /// Plans a new release of `model` straight into `environment` and commits it on the tip.
    @discardableResult
    func promote(
        _ repository: any StateRepository, _ model: String, to environment: String,
        version: Int, links: Bool = true
    ) throws -> String {
        let target = try #require(try project().environment(named: environment))
        var release = try candidate(version: "1.\(version).0", byte: "a")
        let digest = Digest(sha256: [UInt8](repeating: UInt8(version % 256), count: 32))
        release.model.name = model
        release.artifact = .init(
            reference: "registry.example/ml/\(model)@\(digest)", digest: digest)
        let request = PromotionRequest(
            model: model, target: target, candidate: release, actor: "carol",
            promotedBy: "carol <carol@example.com>", now: thursdayMorning)
        let tip = try repository.tip()
        var snapshot = try StateSnapshot.read(repository, at: tip, request: request)
        if !links { snapshot.links = nil }
        let plan = try PromotionPlanner.plan(request, snapshot: snapshot, renderer: FakeRenderer())
        return try repository.commit(
            writing: plan.files, removing: plan.removing, parent: tip, message: plan.message.text,
            author: releaseBot)
    }

    /// What a walk of every commit finds: the reference the chain must match.
    func walked(_ repository: any StateRepository, _ environment: String, _ model: String?)
        throws -> [String]
    {
        try ReleaseState(repository).history().filter {
            $0.message.environment == environment && (model == nil || $0.message.model == model)
        }.map(\.commit)
    }

    func expectSameAsWalk(_ repository: any StateRepository) throws {
        let state = ReleaseState(repository)
        for environment in environments {
            for model in [nil] + models.map(Optional.some) {
                let all = try walked(repository, environment, model)
                #expect(
                    try state.history(environment: environment, model: model).map(\.commit) == all,
                    "\(environment) \(model ?? "any")")
                for limit in [1, 2, 5] {
                    #expect(
                        try state.history(environment: environment, model: model, limit: limit)
                            .map(\.commit) == Array(all.prefix(limit)),
                        "\(environment) \(model ?? "any") limit \(limit)")
                }
            }
        }
    }

    func gitState(_ scratch: ScratchDirectory) throws -> GitStateRepository {
        GitStateRepository(
            try GitRepository.create(at: scratch.path("state"), initialBranch: "main"))
    }

    @Test func promotionsLinkToThePreviousOnesOfTheirEnvironmentAndModel() throws {
        let scratch = try ScratchDirectory()
        let repository = try gitState(scratch)
        let first = try promote(repository, "sentiment", to: "prod", version: 1)
        let dev = try promote(repository, "churn", to: "dev", version: 2)
        let second = try promote(repository, "churn", to: "prod", version: 3)
        let third = try promote(repository, "sentiment", to: "prod", version: 4)
        let format =
            "%(trailers:key=Shipml-Parent,key=Shipml-Env-Previous,key=Shipml-Model-Previous,"
            + "valueonly,separator=%x20)"
        let links = try gitCLI("log", "--format=\(format)", in: scratch.path("state"))
        #expect(
            links.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) == [
                "\(second) \(second) \(first)",
                "\(dev) \(first) none",
                "\(first) none none",
                "",
                "",
            ], "newest first: \(third), \(second), \(dev), then the first commit, with no parent")
    }

    @Test func historyAlongTheLinksIsWhatAWalkFinds() throws {
        let scratch = try ScratchDirectory()
        for repository in [try gitState(scratch), InMemoryStateRepository()]
            as [any StateRepository]
        {
            for index in 0..<40 {
                try promote(
                    repository, models[index / 3 % 2], to: environments[index % 3],
                    version: index)
            }
            try expectSameAsWalk(repository)
        }
    }

    @Test func historyWithoutLinksFallsBackToTheWalk() throws {
        let repository = InMemoryStateRepository()
        for index in 0..<12 {
            try promote(
                repository, models[index % 2], to: environments[index % 3], version: index,
                links: false)
        }
        for index in 12..<24 {
            try promote(repository, models[index % 2], to: environments[index % 3], version: index)
        }
        try expectSameAsWalk(repository)
    }

    /// `--branch-mode pr`: two promotions made on the same parent and merged. Neither chain
    /// knows the other; history must still list both.
    @Test func mergedPromotionsAreAllFound() throws {
        let scratch = try ScratchDirectory()
        let state = try gitState(scratch)
        let git = state.repository
        try promote(state, "sentiment", to: "prod", version: 1)
        let base = try #require(try state.tip())
        // A review branch: a promotion on base, published elsewhere.
        let review = try promote(state, "churn", to: "prod", version: 2)
        try gitCLI("update-ref", "refs/heads/review", review, in: scratch.path("state"))
        try gitCLI("update-ref", "refs/heads/main", base, in: scratch.path("state"))
        let mainline = try promote(state, "sentiment", to: "prod", version: 3)
        let merge = try git.commit(
            tree: try git.commit(ObjectID(mainline)).tree,
            parents: [try ObjectID(mainline), try ObjectID(review)], message: "Merge review\n",
            author: releaseBot, updating: "refs/heads/main")
        #expect(try state.tip() == merge.description)
        try expectSameAsWalk(state)
        // Promotions on top of the merge, into prod and elsewhere.
        try promote(state, "churn", to: "dev", version: 4)
        try promote(state, "churn", to: "prod", version: 5)
        try promote(state, "sentiment", to: "staging", version: 6)
        try promote(state, "sentiment", to: "prod", version: 7)
        try expectSameAsWalk(state)
        #expect(try ReleaseState(state).history(environment: "prod").count == 5)
    }

    /// A promotion cherry-picked (or rebased, or squashed) onto another parent keeps its
    /// message; its links describe the old parent and must not be followed.
    @Test func linksOfACommitMovedToAnotherParentAreIgnored() throws {
        let scratch = try ScratchDirectory()
        let state = try gitState(scratch)
        try promote(state, "sentiment", to: "prod", version: 1)
        let base = try #require(try state.tip())
        let moved = try promote(state, "sentiment", to: "prod", version: 2)
        try gitCLI("update-ref", "refs/heads/main", base, in: scratch.path("state"))
        try promote(state, "churn", to: "prod", version: 3)
        let original = try state.repository.commit(ObjectID(moved))
        let tip = try #require(try state.tip())
        _ = try state.repository.commit(
            tree: original.tree, parents: [try ObjectID(tip)], message: original.message,
            author: releaseBot, updating: "refs/heads/main")
        try expectSameAsWalk(state)
        #expect(try ReleaseState(state).history(environment: "prod").count == 3)
    }
}
