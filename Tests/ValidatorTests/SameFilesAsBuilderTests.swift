import Builder
import Foundation
import ShipMLTestSupport
import Testing
import Validator

/// The bytes that were evaluated are the bytes the Builder packs: the Validator's manifest
/// lists exactly the files the Builder's scan packs, clutter and `.shipmlignore` included.
struct SameFilesAsBuilderTests {
    @Test func theManifestListsWhatTheBuilderPacks() throws {
        let scratch = try ScratchDirectory()
        for (path, text) in [
            ("model/config.json", "{}"), ("model/model.safetensors", "weights"),
            ("model/notes.tmp", "scratch"), ("model/checkpoints/step-1.bin", "old"),
            ("model/tokenizer/vocab.txt", "a b"), ("model/.git/HEAD", "ref"),
            ("model/keep/important.tmp", "kept by !"),
            ("model/.shipmlignore", "*.tmp\n!keep/important.tmp\ncheckpoints/\n"),
        ] {
            _ = try scratch.write(path, text)
        }
        let packed = try ModelDirectory.scan(scratch.path("model")).files.map(\.path).sorted()
        let report = try ArtifactChecker.check(directory: scratch.path("model"), rules: .init())
        let hashed = report.manifest.entries.map(\.path).sorted()
        #expect(hashed == packed)
        #expect(
            hashed == [
                "config.json", "keep/important.tmp", "model.safetensors", "tokenizer/vocab.txt",
            ])
    }
}
