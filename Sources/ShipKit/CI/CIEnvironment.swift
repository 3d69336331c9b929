public import Foundation
import Promoter

/// What the CI system a command runs in says about the run: who runs it, the run's page, the
/// commit and repository built, and where a summary and annotations go. GitHub Actions,
/// GitLab CI and Jenkins are read; elsewhere git's own variables and configuration.
public struct CIEnvironment: Sendable {
    public enum System: String, Sendable, Equatable {
        case githubActions = "github-actions"
        case gitlab = "gitlab-ci"
        case jenkins
        case none
    }

    public var variables: [String: String]

    public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    private func value(_ key: String) -> String? {
        variables[key].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var system: System {
        if value("GITHUB_ACTIONS") == "true" { return .githubActions }
        if value("GITLAB_CI") == "true" { return .gitlab }
        if value("JENKINS_URL") != nil || value("BUILD_URL") != nil { return .jenkins }
        return .none
    }

    /// Who runs shipml.
    public struct Identity: Sendable, Equatable {
        public var name: String
        public var email: String
        /// What approvals and the approvals gate compare: `SHIPML_ACTOR`, else the CI login,
        /// else the author's name.
        public var login: String

        public var display: String { "\(name) <\(email)>" }
    }

    /// The author from `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, GitHub Actions, GitLab CI,
    /// Jenkins, else git's `user.name`/`user.email`; the login from `SHIPML_ACTOR`, else the CI
    /// login (`GITHUB_ACTOR`, `GITLAB_USER_LOGIN`, `BUILD_USER_ID`), else the author's name.
    public var identity: Identity {
        var ciLogin: String?
        var identity: Identity
        if let actor = value("GITHUB_ACTOR") {
            ciLogin = actor
            identity = Identity(
                name: actor, email: "\(actor)@users.noreply.github.com", login: actor)
        } else if let name = value("GITLAB_USER_NAME") {
            ciLogin = value("GITLAB_USER_LOGIN") ?? name
            identity = Identity(
                name: name, email: value("GITLAB_USER_EMAIL") ?? "\(name)@gitlab",
                login: ciLogin ?? name)
        } else if let name = value("BUILD_USER") {
            ciLogin = value("BUILD_USER_ID") ?? name
            identity = Identity(
                name: name, email: value("BUILD_USER_EMAIL") ?? "\(name)@jenkins",
                login: ciLogin ?? name)
        } else if let name = GitRepository.userConfigValue("user.name") {
            identity = Identity(
                name: name,
                email: GitRepository.userConfigValue("user.email") ?? "\(name)@localhost",
                login: name)
        } else {
            identity = Identity(name: "shipml", email: "shipml@localhost", login: "shipml")
        }
        if let name = value("GIT_AUTHOR_NAME"), let email = value("GIT_AUTHOR_EMAIL") {
            identity.name = name
            identity.email = email
            identity.login = ciLogin ?? name
        }
        if let actor = value("SHIPML_ACTOR") { identity.login = actor }
        return identity
    }

    /// The CI run's page, for the `Shipml-Run-Url` trailer.
    public var runURL: String? {
        if let server = value("GITHUB_SERVER_URL"), let repository = value("GITHUB_REPOSITORY"),
            let run = value("GITHUB_RUN_ID")
        {
            return "\(server)/\(repository)/actions/runs/\(run)"
        }
        return value("CI_JOB_URL") ?? value("BUILD_URL")
    }

    /// The source commit the CI job built.
    public var commit: String? {
        value("GITHUB_SHA") ?? value("CI_COMMIT_SHA") ?? value("GIT_COMMIT")
    }

    /// The source repository the CI job built.
    public var repository: String? {
        value("GITHUB_REPOSITORY") ?? value("CI_PROJECT_URL") ?? value("GIT_URL")
    }

    /// Where GitHub Actions takes a job's Markdown summary (`$GITHUB_STEP_SUMMARY`).
    public var stepSummaryFile: String? { value("GITHUB_STEP_SUMMARY") }

    /// Appends `markdown` to the step summary, when there is one. A summary that cannot be
    /// written is not a failure of the job.
    public func appendStepSummary(_ markdown: String) {
        guard let path = stepSummaryFile else { return }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data((markdown + "\n").utf8))
            try? handle.close()
        }
    }

    /// The line that makes a failure an annotation of the run, for standard output: GitHub's
    /// `::error` workflow command; nil elsewhere.
    public func errorAnnotation(title: String, _ message: String) -> String? {
        guard system == .githubActions else { return nil }
        let escaped = message.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        return "::error title=\(title)::\(escaped)"
    }
}
