import Foundation
import Promoter
import ShipKit
import ShipMLTestSupport
import ShipModel
import Testing

@Suite struct StateLocationTests {
    @Test func aPathFromTheProjectIsRelativeToItsFolderAndAFlagsToTheWorkingDirectory() throws {
        let scratch = try ScratchDirectory()
        let config = try scratch.write(
            "p/shipml.yaml",
            "apiVersion: shipml/v1\nmodel: {name: m, version: '1', path: model}\nenvironments: [{name: dev}]\nstate: {repository: state}\n"
        )
        let loaded = try ProjectAccess.load(config)
        let fromProject = try StateLocation.choose(flag: nil, project: loaded)
        #expect(fromProject.resolved == scratch.path("p/state"))
        #expect(fromProject.mayCreate)
        let fromFlag = try StateLocation.choose(flag: "other", project: loaded)
        #expect(
            fromFlag.resolved == FileManager.default.currentDirectoryPath + "/other")
    }

    @Test func aFileURLThatDoesNotExistIsAnErrorNotANewRepository() throws {
        let scratch = try ScratchDirectory()
        let missing = "file://" + scratch.path("nope.git")
        #expect(throws: ShipKitError.self) { try StateLocation(missing, relativeTo: "/") }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("nope.git")))
    }

    @Test func remotesAreKeptAsGivenAndShownWithoutTheirToken() throws {
        let location = try StateLocation(
            "https://ci:s3cret@git.example/state.git?access_token=t0k", relativeTo: "/")
        #expect(location.isURL)
        #expect(!location.mayCreate)
        #expect(!location.description.contains("s3cret"))
        #expect(!location.description.contains("t0k"))
        #expect(try StateLocation("git@host:ml/state.git", relativeTo: "/").isURL)
    }
}

@Suite struct CIEnvironmentTests {
    @Test func theCILoginComesBeforeTheAuthorsName() {
        let ci = CIEnvironment([
            "GITHUB_ACTOR": "octocat", "GIT_AUTHOR_NAME": "Release Bot",
            "GIT_AUTHOR_EMAIL": "bot@example.com",
        ])
        #expect(ci.identity.login == "octocat")
        #expect(ci.identity.name == "Release Bot")
        #expect(ci.identity.email == "bot@example.com")
        #expect(CIEnvironment(["SHIPML_ACTOR": "me", "GITHUB_ACTOR": "x"]).identity.login == "me")
    }

    @Test func runURLCommitAndAnnotationsPerSystem() {
        let github = CIEnvironment([
            "GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.example",
            "GITHUB_REPOSITORY": "ml/app", "GITHUB_RUN_ID": "7", "GITHUB_SHA": "abc",
        ])
        #expect(github.system == .githubActions)
        #expect(github.runURL == "https://github.example/ml/app/actions/runs/7")
        #expect(github.commit == "abc")
        #expect(github.errorAnnotation(title: "t", "a\nb%") == "::error title=t::a%0Ab%25")
        let gitlab = CIEnvironment([
            "GITLAB_CI": "true", "CI_JOB_URL": "https://gitlab.example/j/1",
            "CI_COMMIT_SHA": "def", "GITLAB_USER_NAME": "Ann", "GITLAB_USER_LOGIN": "ann",
        ])
        #expect(gitlab.system == .gitlab)
        #expect(gitlab.runURL == "https://gitlab.example/j/1")
        #expect(gitlab.identity.login == "ann")
        #expect(gitlab.errorAnnotation(title: "t", "x") == nil)
        let jenkins = CIEnvironment(["BUILD_URL": "https://ci.example/1", "GIT_COMMIT": "f00"])
        #expect(jenkins.system == .jenkins)
        #expect(jenkins.commit == "f00")
    }

    @Test func theStepSummaryIsAppended() throws {
        let scratch = try ScratchDirectory()
        let file = scratch.path("summary.md")
        let ci = CIEnvironment(["GITHUB_STEP_SUMMARY": file])
        ci.appendStepSummary("one")
        ci.appendStepSummary("two")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "one\ntwo\n")
    }
}

@Suite struct FailureCategoryTests {
    @Test func stageErrorsHaveOneCategoryEverywhere() {
        #expect(ShipKitError.category(of: StateError("f", "bad")) == .badInput)
        #expect(
            ShipKitError.category(of: ProjectFileError(diagnostics: [])) == .badInput)
        #expect(
            category { _ = try GitRepository(openingAt: "/nonexistent/shipkit") } == .environment)
        #expect(ShipKitError.category(of: ShipKitError.checkFailed("x")) == .checkFailed)
        let wrapped = ShipKitError.wrapping(ShipKitError.badInput("no"), context: "ctx")
        #expect(wrapped.message == "ctx: no")
        #expect(wrapped.category == .badInput)
    }
}
