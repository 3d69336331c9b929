import Foundation
import ShipMLTestSupport
import Testing

@testable import Registry

/// The client against a real server on loopback.
@Suite struct HTTPClientTests {
    let server: LoopbackHTTPServer
    let client = HTTPClient(options: .init(version: "0.0.0-test"))

    init() throws {
        server = try LoopbackHTTPServer()
    }

    private func url(_ path: String) -> String {
        server.baseURL + path
    }

    @Test func getReturnsTheBody() throws {
        server.setObject(Data("hello, registry".utf8), at: "/v2/blob")

        let response = try client.send(HTTPRequest(.get, url: url("/v2/blob")))

        #expect(response.status == 200)
        #expect(response.isSuccess)
        #expect(response.body == Data("hello, registry".utf8))
        #expect(response.headers["content-length"] == "15")
        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.header("User-Agent") == "shipml/0.0.0-test")
    }

    @Test func putDataThenGetItBack() throws {
        let data = patterned(count: 100_000)

        let put = try client.send(
            HTTPRequest(
                .put, url: url("/v2/data"), headers: ["Content-Type": "application/octet-stream"],
                body: .data(data)))
        let get = try client.send(HTTPRequest(.get, url: url("/v2/data")))

        #expect(put.status == 201)
        #expect(put.headers["Location"] == "/v2/data")
        #expect(server.object(at: "/v2/data") == data)
        #expect(get.body == data)
        let request = try #require(server.requests.first)
        #expect(request.header("Content-Length") == "100000")
        #expect(request.header("Content-Type") == "application/octet-stream")
        #expect(request.header("Expect") == nil)
        #expect(request.bodySize == data.count)
    }

    @Test func putFileRegionsThenGetThemBack() throws {
        let data = patterned(count: 5 << 20)
        let file = try TemporaryFile(contents: data)
        defer { file.remove() }

        let whole = try client.send(
            HTTPRequest(
                .put, url: url("/v2/whole"),
                body: .file(.init(path: file.path, offset: 0, length: Int64(data.count)))))
        let region = try client.send(
            HTTPRequest(
                .put, url: url("/v2/region"),
                body: .file(.init(path: file.path, offset: 1_048_579, length: 2 << 20))))

        #expect(whole.status == 201)
        #expect(region.status == 201)
        let wholeBack = try client.send(HTTPRequest(.get, url: url("/v2/whole")))
        let regionBack = try client.send(HTTPRequest(.get, url: url("/v2/region")))
        #expect(wholeBack.body == data)
        #expect(regionBack.body == data.subdata(in: 1_048_579..<(1_048_579 + (2 << 20))))
        let puts = server.requests.filter { $0.method == "PUT" }
        #expect(puts.map { $0.header("Content-Length") } == ["\(5 << 20)", "\(2 << 20)"])
        #expect(puts.allSatisfy { $0.header("Expect") == nil })
        #expect(server.acceptedConnections == 1)
    }

    @Test(arguments: [HTTPMethod.post, .patch, .put])
    func bodyMethodsSendContentLength(method: HTTPMethod) throws {
        server.setRoute("/upload", response: .init(status: 202))
        let body = Data(repeating: 0x61, count: 2 << 20)

        let withBody = try client.send(
            HTTPRequest(method, url: url("/upload"), body: .data(body)))
        let empty = try client.send(HTTPRequest(method, url: url("/upload")))

        #expect(withBody.status == 202)
        #expect(empty.status == 202)
        let requests = server.requests
        #expect(requests.map(\.method) == [method.rawValue, method.rawValue])
        #expect(requests.map { $0.header("Content-Length") } == ["\(2 << 20)", "0"])
        #expect(requests.map(\.bodySize) == [2 << 20, 0])
        #expect(requests.allSatisfy { $0.header("Expect") == nil })
        #expect(requests.allSatisfy { $0.header("Transfer-Encoding") == nil })
        #expect(requests.allSatisfy { $0.header("Content-Type") == nil })
    }

    @Test func chunkedRequestBodiesReachTheServerWhole() throws {
        server.setRoute("/upload", method: "POST", response: .init(status: 202))
        let body = patterned(count: 300_000)

        let response = try client.send(
            HTTPRequest(
                .post, url: url("/upload"), headers: ["Transfer-Encoding": "chunked"],
                body: .data(body)))

        #expect(response.status == 202)
        let request = try #require(server.requests.first)
        #expect(request.header("Transfer-Encoding") == "chunked")
        #expect(request.header("Content-Length") == nil)
        #expect(request.bodySize == body.count)
    }

    @Test func deleteRemovesTheObject() throws {
        server.setObject(Data("x".utf8), at: "/v2/gone")

        let deleted = try client.send(HTTPRequest(.delete, url: url("/v2/gone")))
        let again = try client.send(HTTPRequest(.delete, url: url("/v2/gone")))

        #expect(deleted.status == 202)
        #expect(again.status == 404)
        #expect(server.object(at: "/v2/gone") == nil)
    }

    @Test func headReturnsHeadersAndNoBody() throws {
        server.setObject(Data(repeating: 7, count: 1000), at: "/v2/blob")

        let response = try client.send(HTTPRequest(.head, url: url("/v2/blob")))
        // The connection is still usable: HEAD did not wait for a body that never comes.
        let next = try client.send(HTTPRequest(.get, url: url("/v2/blob")))

        #expect(response.status == 200)
        #expect(response.headers["Content-Length"] == "1000")
        #expect(response.headers["content-type"] == "application/octet-stream")
        #expect(response.body.isEmpty)
        #expect(next.body.count == 1000)
        #expect(server.requests.first?.method == "HEAD")
        #expect(server.acceptedConnections == 1)
    }

    @Test func notFoundIsAResponseNotAnError() throws {
        let response = try client.send(HTTPRequest(.get, url: url("/v2/missing")))

        #expect(response.status == 404)
        #expect(!response.isSuccess)
        #expect(response.body == Data("not found\n".utf8))
    }

    @Test func headersAreCaseInsensitiveAndKeepRepeatedNames() throws {
        server.setRoute(
            "/v2/headers",
            response: .init(
                status: 200,
                headers: [
                    .init("X-Multi", "first"), .init("x-multi", "second"),
                    .init("Docker-Content-Digest", "sha256:abc"),
                ]))

        let response = try client.send(
            HTTPRequest(.get, url: url("/v2/headers"), headers: ["Accept": "a", "Accept": "b"]))

        #expect(response.headers["x-MULTI"] == "first")
        #expect(response.headers.values(for: "X-MULTI") == ["first", "second"])
        #expect(response.headers["DOCKER-CONTENT-DIGEST"] == "sha256:abc")
        #expect(response.headers.contains("docker-content-digest"))
        #expect(!response.headers.contains("X-Absent"))
        let accepts = server.requests.first?.headers.filter { $0.name == "Accept" }.map(\.value)
        #expect(accepts == ["a", "b"])
    }

    @Test func requestsOnOneClientReuseOneConnection() throws {
        server.setObject(Data("one".utf8), at: "/v2/one")

        _ = try client.send(HTTPRequest(.get, url: url("/v2/one")))
        _ = try client.send(HTTPRequest(.put, url: url("/v2/two"), body: .data(Data("2".utf8))))
        _ = try client.send(HTTPRequest(.get, url: url("/v2/missing")))

        #expect(server.requests.count == 3)
        #expect(server.acceptedConnections == 1)
        #expect(server.requests.allSatisfy { $0.connection == 1 })
    }

    @Test func streamingDeliversASuccessfulBodyToTheSink() throws {
        let data = patterned(count: 3 << 20)
        server.setObject(data, at: "/v2/big")

        var received = Data()
        var pieces = 0
        let response = try client.send(HTTPRequest(.get, url: url("/v2/big"))) { piece in
            received.append(contentsOf: piece)
            pieces += 1
        }

        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(received == data)
        #expect(pieces > 1)
    }

    @Test func streamingKeepsAnErrorBodyOutOfTheSink() throws {
        var called = false
        let response = try client.send(HTTPRequest(.get, url: url("/v2/missing"))) { _ in
            called = true
        }

        #expect(response.status == 404)
        #expect(response.body == Data("not found\n".utf8))
        #expect(!called)
    }

    private struct SinkFull: Error, Equatable {}

    @Test func aThrowingSinkAbortsAndItsErrorIsRethrown() throws {
        server.setObject(Data(repeating: 1, count: 8 << 20), at: "/v2/big")

        var calls = 0
        #expect(throws: SinkFull()) {
            try client.send(HTTPRequest(.get, url: url("/v2/big"))) { _ in
                calls += 1
                throw SinkFull()
            }
        }
        #expect(calls == 1)

        // The handle is still good for the next request.
        server.setObject(Data("after".utf8), at: "/v2/after")
        let next = try client.send(HTTPRequest(.get, url: url("/v2/after")))
        #expect(next.body == Data("after".utf8))
    }

    @Test func redirectsAreNotFollowedUnlessAskedFor() throws {
        server.setRoute(
            "/v2/blob",
            response: .init(status: 307, headers: [.init("Location", "/storage/blob")]))
        server.setObject(Data("stored".utf8), at: "/storage/blob")
        let following = HTTPClient(
            options: .init(version: "0.0.0-test", followRedirects: true))

        let redirect = try client.send(HTTPRequest(.get, url: url("/v2/blob")))
        let followed = try following.send(HTTPRequest(.get, url: url("/v2/blob")))

        #expect(redirect.status == 307)
        #expect(redirect.headers["Location"] == "/storage/blob")
        #expect(followed.status == 200)
        #expect(followed.body == Data("stored".utf8))
        // Headers are those of the final response only.
        #expect(followed.headers["Location"] == nil)
        #expect(followed.headers.values(for: "Content-Length") == ["6"])
    }

    @Test func aMissingBodyFileIsATransportErrorNamingThePath() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("shipml-missing-\(UUID().uuidString)").path
        let request = HTTPRequest(
            .put, url: url("/v2/x"), body: .file(.init(path: path, offset: 0, length: 10)))

        let error = try #require(throws: TransportError.self) { try client.send(request) }

        #expect(error.description.contains(path))
        #expect(error.description.hasPrefix("PUT \(url("/v2/x")): "))
        #expect(server.requests.isEmpty)
    }

    @Test func aShortBodyFileIsRejectedBeforeSending() throws {
        let file = try TemporaryFile(contents: Data(repeating: 1, count: 10))
        defer { file.remove() }
        let request = HTTPRequest(
            .put, url: url("/v2/x"), body: .file(.init(path: file.path, offset: 4, length: 7)))

        let error = try #require(throws: TransportError.self) { try client.send(request) }

        #expect(error.detail.contains("has 10 bytes"))
        #expect(server.requests.isEmpty)
    }

    @Test func aHeaderWithALineBreakIsRejected() throws {
        let request = HTTPRequest(
            .get, url: url("/v2/"), headers: ["X-Evil": "a\r\nX-Injected: b"])

        #expect(throws: TransportError.self) { try client.send(request) }
        #expect(server.requests.isEmpty)
    }
}

/// `count` bytes of a pattern that repeats every 251 bytes (a prime, so no power-of-two
/// buffer boundary lines up with it).
private func patterned(count: Int) -> Data {
    var data = Data((0..<251).map { UInt8($0) })
    while data.count < count { data.append(data) }
    return data.prefix(count)
}

/// A file in the temporary directory, removed by `remove()`.
private struct TemporaryFile {
    let path: String

    init(contents: Data) throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("shipml-http-\(UUID().uuidString)").path
        try contents.write(to: URL(fileURLWithPath: path))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
