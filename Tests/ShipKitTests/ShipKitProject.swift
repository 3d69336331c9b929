import Foundation
import ShipKit
import ShipMLTestSupport
import Testing

/// A project with dev → staging → prod on kustomize overlays, its state in a local path
/// (which ShipKit creates), for calling ShipKit's services directly, without the binary.
struct ShipKitProject {
    let scratch: ScratchDirectory
    let config: String

    init(prodGates: String = "      approvals: 1\n", approvalsFrom: String? = nil) throws {
        scratch = try ScratchDirectory(prefix: "shipkit")
        config = try scratch.write(
            "project/shipml.yaml",
            """
            apiVersion: shipml/v1
            model:
              name: sentiment
              version: 1.2.0
              path: model
            deploy:
              kustomize: deploy/base
              image: registry.example/ml/sentiment
            environments:
              - name: dev
                overlay: deploy/dev
              - name: staging
                from: dev
                overlay: deploy/staging
              - name: prod
                from: staging
                overlay: deploy/prod
                gates:
            \(prodGates)
            state:
              repository: state
              branch: main

            """)
        _ = try scratch.write(
            "project/deploy/base/kustomization.yaml", "resources:\n- deployment.yaml\n")
        _ = try scratch.write(
            "project/deploy/base/deployment.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: sentiment
            spec:
              replicas: 1
              template:
                spec:
                  containers:
                  - name: server
                    image: registry.example/ml/sentiment:latest

            """)
        for (environment, replicas) in [("dev", 1), ("staging", 2), ("prod", 3)] {
            _ = try scratch.write(
                "project/deploy/\(environment)/kustomization.yaml",
                """
                resources:
                - ../base
                namespace: \(environment)
                replicas:
                - name: sentiment
                  count: \(replicas)

                """)
        }
    }

    /// A CI environment in which `login` runs shipml.
    static func ci(_ login: String) -> CIEnvironment {
        CIEnvironment([
            "GIT_AUTHOR_NAME": login, "GIT_AUTHOR_EMAIL": "\(login)@example.com",
            "SHIPML_ACTOR": login, "HOME": "/nonexistent",
        ])
    }

    func service(as login: String = "ci") throws -> PromotionService {
        try PromotionService.open(
            config: config, state: nil, cache: nil, ci: Self.ci(login))
    }

    static func artifact(_ byte: Character) -> String {
        "registry.example/ml/sentiment@sha256:" + String(repeating: byte, count: 64)
    }

    /// Promotes a new release into dev.
    @discardableResult
    func release(_ byte: Character, as login: String = "ci") throws
        -> PromotionService.PromoteOutcome
    {
        var request = PromotionService.PromoteRequest(to: "dev")
        request.artifact = Self.artifact(byte)
        return try service(as: login).promote(request)
    }
}

/// The failure's category, or nil when `body` does not throw.
func category(of body: () throws -> Void) -> FailureCategory? {
    do {
        try body()
        return nil
    } catch {
        return ShipKitError.category(of: error)
    }
}
