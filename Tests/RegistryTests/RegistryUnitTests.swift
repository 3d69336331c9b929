import Foundation
import ShipModel
import Testing

@testable import Registry

/// The pure parts of the client: quirks, retry delays, headers, error mapping.
struct RegistryUnitTests {
    @Test func quirksFollowTheHost() {
        #expect(RegistryQuirks.forHost("ghcr.io").chunkSize == 4 << 20)
        let gar = RegistryQuirks.forHost("europe-west1-docker.pkg.dev")
        #expect(!gar.chunkedUploads)
        #expect(gar.isMonolithic(50 << 30))
        #expect(
            RegistryQuirks.forHost("123456789012.dkr.ecr.eu-west-1.amazonaws.com")
                .patchMayAnswerCreated)
        let quay = RegistryQuirks.forHost("quay.io")
        #expect(quay.isMonolithic(10 << 20))
        #expect(!quay.isMonolithic(21_000_000_000))
        let standard = RegistryQuirks.forHost("registry.example:5000")
        #expect(standard == .standard)
        #expect(standard.isMonolithic(64 << 20))
        #expect(!standard.isMonolithic((64 << 20) + 1))
        // OCI-Chunk-Min-Length raises the chunk size, never lowers it.
        #expect(standard.chunkSize(minimum: 256 << 20) == 256 << 20)
        #expect(standard.chunkSize(minimum: 1) == standard.chunkSize)
    }

    @Test func retryDelaysGrowWithJitterAndHonourRetryAfter() {
        let policy = RetryPolicy(
            attempts: 5, baseDelay: .milliseconds(100), maximumDelay: .seconds(1))
        for attempt in 0..<8 {
            let full = min(Duration.milliseconds(100) * (1 << attempt), .seconds(1))
            let delay = policy.delay(afterAttempt: attempt)
            #expect(delay >= full / 2 && delay <= full)
        }
        #expect(policy.delay(afterAttempt: 0, retryAfter: "3") == .seconds(3))
        #expect(policy.delay(afterAttempt: 0, retryAfter: "999") == .seconds(60))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let later = RetryPolicy.parseRetryAfter("Tue, 14 Nov 2023 22:13:30 GMT", now: now)
        #expect(later == .seconds(10))
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.isRetryable(status: 503))
        #expect(!RetryPolicy.isRetryable(status: 404))
    }

    @Test(
        arguments: [
            ("0-1023", 1023), ("bytes=0-65535", 65535), ("", nil), ("12", nil),
        ] as [(String, Int64?)])
    func uploadRanges(header: String, end: Int64?) {
        #expect(RemoteRepository.rangeEnd(header) == end)
    }

    @Test(
        arguments: [
            (401, "", RegistryError.Kind.unauthorized),
            (403, "", .denied),
            (
                404, #"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]}"#,
                .nameUnknown
            ),
            (404, #"{"errors":[{"code":"BLOB_UNKNOWN"}]}"#, .blobUnknown),
            (404, #"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#, .manifestUnknown),
            (
                400, #"{"errors":[{"code":"DIGEST_INVALID","message":"digest did not match"}]}"#,
                .digestMismatch
            ),
            (400, #"{"errors":[{"code":"MANIFEST_INVALID"}]}"#, .unsupported),
            (415, "", .unsupported),
            (429, "", .tooManyRequests),
            (503, "", .unavailable),
            (418, "", .protocolViolation),
        ] as [(Int, String, RegistryError.Kind)])
    func errorsAreNamedByWhatWentWrong(status: Int, body: String, kind: RegistryError.Kind) {
        let error = RegistryError.from(
            HTTPResponse(status: status, body: Data(body.utf8)), "doing it")
        #expect(error.kind == kind)
        #expect(error.description.hasPrefix("doing it: "))
        if let code = RegistryError.errorCodes(Data(body.utf8)).first?.code {
            #expect(error.description.contains(code))
        }
    }

    @Test func endpointsMapDockerHubAndRelativeLocations() {
        let hub = RegistryEndpoint(host: "docker.io")
        #expect(hub.base == "https://registry-1.docker.io/v2/")
        let local = RegistryEndpoint(host: "127.0.0.1:5000", plainHTTP: true)
        #expect(
            local.url("ml/m", "blobs/uploads/") == "http://127.0.0.1:5000/v2/ml/m/blobs/uploads/")
        #expect(
            local.absolute("/v2/ml/m/blobs/uploads/x?_state=1")
                == "http://127.0.0.1:5000/v2/ml/m/blobs/uploads/x?_state=1")
        #expect(local.absolute("https://storage.example/b") == "https://storage.example/b")
    }
}
