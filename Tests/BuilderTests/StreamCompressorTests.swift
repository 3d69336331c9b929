import Foundation
import ShipMLTestSupport
import Testing

@testable import Builder

/// `input` compressed by a ``StreamCompressor`` that is fed `chunk` bytes at a time.
private func compressed(
    _ input: Data, _ algorithm: StreamCompressor.Algorithm, threads: Int = 1,
    chunk: Int = 1 << 20
) throws -> Data {
    var output = Data()
    let compressor = try StreamCompressor(algorithm, threads: threads) {
        output.append(contentsOf: $0)
    }
    try input.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try compressor.write(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            offset = end
        }
    }
    try compressor.finish()
    return output
}

/// Deterministic bytes that are partly incompressible and partly compressible: 64 KiB runs of
/// pseudo-random bytes alternate with runs of letters from a four-letter alphabet.
private func mixedTestBytes(count: Int, seed: UInt64) -> Data {
    var bytes = [UInt8](archiveTestBytes(count: count, seed: seed))
    let run = 1 << 16
    var start = run
    while start < count {
        for index in start..<min(start + run, count) { bytes[index] = 0x61 + bytes[index] & 3 }
        start += 2 * run
    }
    return Data(bytes)
}

@Suite("stream compressor")
struct StreamCompressorTests {
    static let twentyMiB = mixedTestBytes(count: 20 << 20, seed: 7)

    static let algorithms: [(StreamCompressor.Algorithm, TarWriter.Compression)] = [
        (.gzip(level: 1), .gzip(level: 1)),
        (.gzip(level: 6), .gzip(level: 6)),
        (.gzip(level: 9), .gzip(level: 9)),
        (.zstd(level: 1), .zstd(level: 1)),
        (.zstd(level: 3), .zstd(level: 3)),
    ]

    @Test(arguments: algorithms)
    func aPlainTarPipedThroughIsWhatACompressingTarWriterWrites(
        algorithm: StreamCompressor.Algorithm, compression: TarWriter.Compression
    ) throws {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let mixedPath = try scratch.write("mixed.bin", mixedTestBytes(count: 6 << 20, seed: 5))
        // The sample archive, and a tar of one compressible 6 MiB file streamed from disk.
        let writeTars: [(TarWriter) throws -> Void] = [
            { try sample.write(to: $0) },
            { writer in
                try writer.addFile(path: "mixed.bin", from: mixedPath, mtime: ArchiveSample.mtime)
                try writer.finish()
            },
        ]
        for writeTar in writeTars {
            var direct = Data()
            try writeTar(TarWriter(compression: compression) { direct.append(contentsOf: $0) })
            var piped = Data()
            var plain = 0
            let compressor = try StreamCompressor(algorithm) { piped.append(contentsOf: $0) }
            try writeTar(
                TarWriter(compression: .none) {
                    plain += $0.count
                    try compressor.write($0)
                })
            try compressor.finish()
            #expect(plain > 3 << 20)
            #expect(piped.count > 20)
            #expect(piped == direct, "\(algorithm)")
            if case .gzip = algorithm {
                let header = [UInt8](piped.prefix(10))
                #expect(header.prefix(3) == [0x1f, 0x8b, 8], "a gzip header, deflate")
                #expect(header[3] & 0x08 == 0, "no original file name")
                #expect(header[4..<8].allSatisfy { $0 == 0 }, "no modification time")
            }
        }
    }

    @Test(
        .enabled(if: ArchiveTools.isInstalled("gzip") && ArchiveTools.isInstalled("zstd")),
        arguments: [0, 1, (1 << 20) + 3, 20 << 20])
    func theRealToolsDecompressIt(size: Int) throws {
        let scratch = try ScratchDirectory()
        let input = Self.twentyMiB.prefix(size)
        for (algorithm, threads, tool) in [
            (StreamCompressor.Algorithm.gzip(level: 6), 1, ["gzip", "-dc"]),
            (.zstd(level: 3), 1, ["zstd", "-dcq"]),
            (.zstd(level: 3), 2, ["zstd", "-dcq"]),
        ] {
            let output = try compressed(input, algorithm, threads: threads)
            let result = try ArchiveTools.run(tool, input: output, in: scratch)
            #expect(result.status == 0, "\(tool): \(result.stderr)")
            #expect(result.stdoutData == input, "\(algorithm), \(threads) threads, \(size) bytes")
        }
    }

    @Test(arguments: [StreamCompressor.Algorithm.gzip(level: 6), .zstd(level: 3)])
    func howTheInputIsCutDoesNotChangeTheBytes(algorithm: StreamCompressor.Algorithm) throws {
        let input = Self.twentyMiB.prefix(3 << 20)
        let whole = try compressed(input, algorithm, chunk: input.count)
        for chunk in [4_096, 65_537, 1 << 20] {
            #expect(try compressed(input, algorithm, chunk: chunk) == whole, "chunk \(chunk)")
        }
    }

    /// libarchive 3.6 passes zstd's "threads" option to libzstd as `ZSTD_c_nbWorkers`. With
    /// workers, libzstd cuts the input into jobs whose size follows from the level alone, so
    /// the bytes depend neither on the timing, nor on the number of workers, nor on the
    /// machine; they differ from single-threaded zstd's.
    @Test func zstdWithThreadsIsDeterministic() throws {
        let input = Self.twentyMiB
        let two = try compressed(input, .zstd(level: 3), threads: 2)
        #expect(try compressed(input, .zstd(level: 3), threads: 2) == two, "the same again")
        #expect(
            try compressed(input, .zstd(level: 3), threads: 2, chunk: 300_001) == two,
            "fed in other pieces")
        #expect(try compressed(input, .zstd(level: 3), threads: 4) == two, "with 4 workers")
        #expect(try compressed(input, .zstd(level: 3), threads: 1) != two, "single-threaded")
    }

    @Test(arguments: [StreamCompressor.Algorithm.gzip(level: 1), .zstd(level: 3)])
    func theOutputStreamsOutInBlocksOfAtMostOneMebibyte(algorithm: StreamCompressor.Algorithm)
        throws
    {
        // Incompressible input: what is not handed over before finish() is held in memory.
        let input = archiveTestBytes(count: 20 << 20, seed: 9)
        var delivered = 0
        var largest = 0
        let compressor = try StreamCompressor(algorithm) {
            delivered += $0.count
            largest = max(largest, $0.count)
        }
        try input.withUnsafeBytes { try compressor.write($0) }
        #expect(delivered > 18 << 20, "handed over before finish()")
        try compressor.finish()
        #expect(delivered > 20 << 20)
        #expect(largest == 1 << 20)
    }

    struct Full: Error, Equatable {}

    static let failingCases: [(StreamCompressor.Algorithm, Int)] = [
        (.gzip(level: 6), 1), (.zstd(level: 3), 1), (.zstd(level: 3), 2),
    ]

    @Test(arguments: failingCases)
    func anErrorFromTheSinkIsRethrownAsItselfAndEndsTheStream(
        algorithm: StreamCompressor.Algorithm, threads: Int
    ) throws {
        var calls = 0
        let compressor = try StreamCompressor(algorithm, threads: threads) { _ in
            calls += 1
            throw Full()
        }
        let data = archiveTestBytes(count: 12 << 20, seed: 1)
        #expect(throws: Full()) {
            try data.withUnsafeBytes { try compressor.write($0) }
            try compressor.finish()
        }
        #expect(calls == 1)
        let later = #expect(throws: ArchiveError.self) {
            try data.withUnsafeBytes { try compressor.write($0) }
        }
        #expect(later?.message.contains("earlier error") == true)
        #expect(throws: ArchiveError.self) { try compressor.finish() }
        #expect(calls == 1, "the sink is not called again")
    }

    @Test(arguments: failingCases)
    func anErrorFromTheSinkAtTheEndIsRethrownByFinish(
        algorithm: StreamCompressor.Algorithm, threads: Int
    ) throws {
        let compressor = try StreamCompressor(algorithm, threads: threads) { _ in throw Full() }
        try Data("small".utf8).withUnsafeBytes { try compressor.write($0) }
        #expect(throws: Full()) { try compressor.finish() }
        #expect(throws: ArchiveError.self) { try compressor.finish() }
    }

    @Test func aFinishedStreamTakesNoMoreBytes() throws {
        var output = Data()
        let compressor = try StreamCompressor(.zstd(level: 3)) { output.append(contentsOf: $0) }
        try Data("hello".utf8).withUnsafeBytes { try compressor.write($0) }
        try compressor.finish()
        try compressor.finish()
        let error = #expect(throws: ArchiveError.self) {
            try Data("more".utf8).withUnsafeBytes { try compressor.write($0) }
        }
        #expect(
            error?.description == "cannot compress: the stream is already finished; start a new one"
        )
        #expect(output == (try compressed(Data("hello".utf8), .zstd(level: 3))))
    }

    @Test(arguments: [
        (StreamCompressor.Algorithm.gzip(level: 10), 1), (.gzip(level: -1), 1),
        (.zstd(level: 23), 1), (.zstd(level: 3), 0), (.zstd(level: 3), -2),
    ])
    func settingsOutOfRangeAreRejected(algorithm: StreamCompressor.Algorithm, threads: Int) {
        var called = false
        #expect(throws: ArchiveError.self) {
            _ = try StreamCompressor(algorithm, threads: threads) { _ in called = true }
        }
        #expect(!called)
    }
}

@Suite("parallel gzip")
struct ParallelCompressorTests {
    func compress(_ input: Data, chunkSize: Int, workers: Int) throws -> Data {
        var output = Data()
        let compressor = ParallelCompressor(gzipLevel: 1, chunkSize: chunkSize, workers: workers) {
            output.append(contentsOf: $0)
        }
        var offset = 0
        while offset < input.count {
            let end = min(offset + 70_001, input.count)
            try input[offset..<end].withUnsafeBytes { try compressor.write($0) }
            offset = end
        }
        try compressor.finish()
        return output
    }

    @Test(arguments: [0, 1, 65_536, 1_000_003])
    func membersDecompressToTheInputAndDoNotDependOnTheWorkers(size: Int) throws {
        let scratch = try ScratchDirectory()
        let input =
            archiveTestBytes(count: size / 2, seed: 3) + Data(repeating: 7, count: size - size / 2)
        let one = try compress(input, chunkSize: 65_536, workers: 1)
        let four = try compress(input, chunkSize: 65_536, workers: 4)
        #expect(one == four, "the cut points, not the timing, decide the bytes")
        let result = try ArchiveTools.run(["gzip", "-dc"], input: four, in: scratch)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutData == input)
    }
}
