import Foundation
import ShipMLTestSupport
import Testing

@testable import Builder

@Suite("stream compressor")
struct StreamCompressorTests {
    @Test(arguments: [TarWriter.Compression.gzip(level: 1), .gzip(level: 6), .zstd(level: 3)])
    func aPlainTarPipedThroughIsWhatACompressingTarWriterWrites(compression: TarWriter.Compression)
        throws
    {
        let scratch = try ScratchDirectory()
        let sample = try ArchiveSample(in: scratch)
        let direct = try sample.bytes(compression: compression)
        var piped = Data()
        let compressor = try StreamCompressor(compression) { piped.append(contentsOf: $0) }
        try sample.write(to: TarWriter(compression: .none) { try compressor.write($0) })
        try compressor.finish()
        #expect(piped == direct)
    }

    @Test(arguments: [0, 1, (1 << 20) + 3, 20 << 20])
    func theRealToolsDecompressIt(size: Int) throws {
        let scratch = try ScratchDirectory()
        let input =
            archiveTestBytes(count: size / 2, seed: 7)
            + Data(repeating: 0x61, count: size - size / 2)
        for (compression, tool) in [
            (TarWriter.Compression.gzip(level: 1), ["gzip", "-dc"]),
            (.zstd(level: 3), ["zstd", "-dcq"]),
        ] {
            var output = Data()
            let compressor = try StreamCompressor(compression) { output.append(contentsOf: $0) }
            var offset = 0
            while offset < input.count {
                let end = min(offset + 300_000, input.count)
                try input[offset..<end].withUnsafeBytes { try compressor.write($0) }
                offset = end
            }
            try compressor.finish()
            let result = try ArchiveTools.run(tool, input: output, in: scratch)
            #expect(result.status == 0, "\(tool): \(result.stderr)")
            #expect(result.stdoutData == input, "\(tool) size \(size)")
        }
    }

    @Test func anErrorFromTheSinkIsRethrownAsItself() throws {
        struct Full: Error, Equatable {}
        let compressor = try StreamCompressor(.zstd(level: 3)) { _ in throw Full() }
        let data = archiveTestBytes(count: 4 << 20, seed: 1)
        #expect(throws: Full()) {
            try data.withUnsafeBytes { try compressor.write($0) }
            try compressor.finish()
        }
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
