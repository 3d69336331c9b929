import Foundation
import Promoter
import ShipKit
import ShipMLTestSupport
import ShipModel
import Testing

/// Promote, approve and roll back through ShipKit's one transaction recipe, against a real
/// git repository that ShipKit creates at the project's plain `state.repository` path.
@Suite struct PromotionServiceTests {
    @Test func aReleaseGoesInAndAnUnchangedOneMakesNoCommit() throws {
        let project = try ShipKitProject()
        let first = try project.release("a")
        #expect(first.commit != nil)
        #expect(first.plan.allowed)
        #expect(
            first.plan.files.keys.contains {
                $0.hasPrefix("environments/dev/sentiment/manifests/")
            })
        let again = try project.release("a")
        #expect(again.commit == nil)
        #expect(!again.plan.changed)
    }

    @Test func theRendererPinsTheReleaseInEveryManifestPromotionCommits() throws {
        let project = try ShipKitProject()
        let outcome = try project.release("b")
        let manifests = outcome.plan.files.filter { $0.key.contains("/manifests/") }
        let text = manifests.values.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(text.contains(ShipKitProject.artifact("b")))
        #expect(!text.contains(":latest"))
    }

    @Test func aDryRunPlansAndWritesNothing() throws {
        let project = try ShipKitProject()
        var request = PromotionService.PromoteRequest(to: "dev")
        request.artifact = ShipKitProject.artifact("c")
        request.dryRun = true
        let outcome = try project.service().promote(request)
        #expect(outcome.commit == nil)
        #expect(outcome.plan.changed)
        let state = try StateAccess.releaseState(
            StateLocation(project.scratch.path("project/state"), relativeTo: "/"), project: nil,
            cache: nil)
        #expect(try state.releases().isEmpty)
    }

    @Test func aBlessingOnALaterStageIsRefusedNotIgnored() throws {
        let project = try ShipKitProject()
        try project.release("a")
        var request = PromotionService.PromoteRequest(to: "staging")
        request.blessing = project.scratch.path("blessing.json")
        #expect(category { _ = try project.service().promote(request) } == .badInput)
    }

    @Test func approvalsAreRefusedWhereTheyWouldNeverCount() throws {
        let project = try ShipKitProject(prodGates: "      approvals: {count: 1, from: [alice]}\n")
        try project.release("d")
        var staging = PromotionService.PromoteRequest(to: "staging")
        staging.reason = "soaked"
        #expect(try project.service().promote(staging).commit != nil)
        let digest = "sha256:" + String(repeating: "d", count: 64)

        // No approvals gate on staging.
        #expect(
            category {
                _ = try project.service(as: "alice").approve(
                    .init(environment: "staging", release: digest))
            } == .badInput)
        // bob is not one of the approvers prod counts.
        #expect(
            category {
                let request = PromotionService.ApproveRequest(environment: "prod", release: digest)
                _ = try project.service(as: "bob").approve(request)
            } == .badInput)
        // A release staging does not run.
        #expect(
            category {
                let other = "sha256:" + String(repeating: "e", count: 64)
                _ = try project.service(as: "alice").approve(
                    .init(environment: "prod", release: other))
            } == .badInput)
        // The 12 digits status prints name the release.
        let approved = try project.service(as: "alice").approve(
            .init(environment: "prod", release: String(repeating: "d", count: 12)))
        #expect(approved.commit != nil)
        #expect(approved.approval.release.description == digest)
        let again = try project.service(as: "alice").approve(
            .init(environment: "prod", release: digest))
        #expect(again.alreadyApproved)
        #expect(again.commit == nil)
    }

    @Test func aRollbackSaysWhatItRestoresAndTakesAShortDigest() throws {
        let project = try ShipKitProject()
        try project.release("a")
        try project.release("b")
        var dry = PromotionService.RollbackRequest(environment: "dev")
        dry.dryRun = true
        let planned = try project.service().rollback(dry)
        #expect(planned.commit == nil)
        #expect(planned.current?.artifact.digest.encoded.hasPrefix("bbbb") == true)
        #expect(planned.restored.artifact.digest.encoded.hasPrefix("aaaa"))

        var request = PromotionService.RollbackRequest(environment: "dev")
        request.to = "sha256:" + String(repeating: "a", count: 12)
        let done = try project.service().rollback(request)
        #expect(done.commit != nil)
        #expect(done.restored.artifact.digest.encoded.hasPrefix("aaaa"))

        var tooShort = PromotionService.RollbackRequest(environment: "dev")
        tooShort.to = "sha256:aaaa"
        #expect(category { _ = try project.service().rollback(tooShort) } == .badInput)
    }

    @Test func anUnknownEnvironmentIsBadInputWithASuggestion() throws {
        let project = try ShipKitProject()
        do {
            _ = try project.service().promote(.init(to: "prd"))
            Issue.record("promoted to prd")
        } catch let error as ShipKitError {
            #expect(error.category == .badInput)
            #expect(error.message.contains("did you mean \"prod\""))
        }
    }
}
