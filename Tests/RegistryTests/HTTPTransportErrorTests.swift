import Foundation
import ShipMLTestSupport
import Testing

@testable import Registry

/// Transport failures: what they say, and what they must never say.
@Suite struct HTTPTransportErrorTests {
    let client = HTTPClient(options: .init(version: "0.0.0-test"))

    /// A loopback port nothing listens on: a server's port after it stopped.
    private static func closedPort() throws -> UInt16 {
        let server = try LoopbackHTTPServer()
        server.stop()
        return server.port
    }

    @Test func aClosedPortThrowsAnErrorNamingMethodAndURL() throws {
        let port = try Self.closedPort()
        let target = "http://127.0.0.1:\(port)/v2/"

        let error = try #require(throws: TransportError.self) {
            try client.send(HTTPRequest(.get, url: target))
        }

        #expect(error.method == .get)
        #expect(error.url == target)
        #expect(error.code == 7)
        #expect(error.description.hasPrefix("GET \(target): couldn't connect to server ("))
        #expect(error.detail.contains("Failed to connect to 127.0.0.1 port \(port)"))
        #expect(!error.isTimeout)
    }

    @Test func credentialsAndQueryTokensNeverAppearInAnError() throws {
        let port = try Self.closedPort()
        let target =
            "http://shipuser:s3cr3t-pass@127.0.0.1:\(port)/v2/x/blobs/uploads/u?_state=t0k3n"

        let error = try #require(throws: TransportError.self) {
            try client.send(HTTPRequest(.patch, url: target, body: .data(Data("b".utf8))))
        }

        #expect(error.url == "http://127.0.0.1:\(port)/v2/x/blobs/uploads/u")
        for text in [error.description, error.url, error.reason, error.detail, "\(error)"] {
            #expect(!text.contains("s3cr3t"))
            #expect(!text.contains("shipuser"))
            #expect(!text.contains("t0k3n"))
        }
    }

    @Test(arguments: [
        "http://shipuser:s3cr3t@[::1/v2/",
        "http://shipuser:s3cr3t@127.0.0.1:99999/v2/",
        "ftp://shipuser:s3cr3t@127.0.0.1/v2/",
        "http://shipuser:s3/cr3t@127.0.0.1/v2/",
        "http://shipuser:s3?cr3t@127.0.0.1/v2/",
    ])
    func malformedURLsDoNotLeakCredentials(target: String) throws {
        let error = try #require(throws: TransportError.self) {
            try client.send(HTTPRequest(.get, url: target))
        }

        #expect(!error.description.contains("cr3t"))
        #expect(!error.description.contains("shipuser"))
        #expect(error.description.hasPrefix("GET "))
    }

    @Test func credentialsInAURLAreSentButNotShown() throws {
        let server = try LoopbackHTTPServer()
        server.setObject(Data("ok".utf8), at: "/v2/")
        let target = "http://shipuser:s3cr3t@127.0.0.1:\(server.port)/v2/?token=t0k3n"
        let request = HTTPRequest(.get, url: target)

        let response = try client.send(request)

        #expect(response.status == 200)
        let basic = Data("shipuser:s3cr3t".utf8).base64EncodedString()
        #expect(server.requests.first?.header("Authorization") == "Basic \(basic)")
        #expect(request.description == "GET http://127.0.0.1:\(server.port)/v2/")
    }

    @Test func redactedURLRemovesUserinfoQueryAndFragment() {
        let url = RedactedURL("https://user:pa%40ss@registry.example:5000/v2/r/blobs/x?a=1&b=2#f")

        #expect(url.text == "https://registry.example:5000/v2/r/blobs/x")
        #expect(url.scrub("user pa%40ss pa@ss a=1&b=2 ok") == "*** *** *** *** ok")
        #expect(RedactedURL("http://127.0.0.1:1/v2/").text == "http://127.0.0.1:1/v2/")
    }

    @Test func tlsVerificationIsOnByDefault() throws {
        let options = HTTPClient.Options(version: "1.0.0")

        #expect(!options.insecure)
        #expect(options.tlsVerification == (peer: 1, host: 2))
        #expect(HTTPClient.Options(version: "1.0.0", insecure: true).tlsVerification == (0, 0))
        #expect(options.userAgent == "shipml/1.0.0")
        #expect(!options.followRedirects)
    }

    @Test func httpsToAPlainHTTPServerFailsInTLS() throws {
        let server = try LoopbackHTTPServer()
        server.setObject(Data("plain".utf8), at: "/v2/")
        let target = "https://127.0.0.1:\(server.port)/v2/"

        let error = try #require(throws: TransportError.self) {
            try client.send(HTTPRequest(.get, url: target))
        }

        #expect(error.code == 35)  // CURLE_SSL_CONNECT_ERROR
        #expect(error.description.hasPrefix("GET \(target): SSL connect error ("))
    }

    @Test func aStalledResponseTimesOut() throws {
        let server = try LoopbackHTTPServer()
        server.setRoute("/v2/slow", response: .init(status: 200, delay: .seconds(30)))
        var options = HTTPClient.Options(version: "0.0.0-test")
        options.timeout = .milliseconds(300)
        let impatient = HTTPClient(options: options)
        let target = server.baseURL + "/v2/slow"

        let error = try #require(throws: TransportError.self) {
            try impatient.send(HTTPRequest(.get, url: target))
        }

        #expect(error.isTimeout)
        #expect(error.description.hasPrefix("GET \(target): timeout was reached ("))
        // Stopping cuts the server's delay short rather than waiting for it.
        let clock = ContinuousClock()
        let stopped = clock.measure { server.stop() }
        #expect(stopped < .seconds(5))
    }
}
