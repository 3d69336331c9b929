/// The configuration of a runnable OCI image (`application/vnd.oci.image.config.v1+json`).
public struct ImageConfig: Codable, Sendable, Equatable {
    public var created: String?
    public var author: String?
    public var architecture: String
    public var os: String
    public var variant: String?
    public var config: Settings?
    public var rootfs: RootFS
    public var history: [History]?

    /// What a container started from the image gets.
    public struct Settings: Codable, Sendable, Equatable {
        public var user: String?
        public var env: [String]?
        public var entrypoint: [String]?
        public var cmd: [String]?
        public var workingDir: String?
        public var labels: [String: String]?
        public var exposedPorts: [String: Empty]?
        public var volumes: [String: Empty]?
        public var stopSignal: String?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case user = "User"
            case env = "Env"
            case entrypoint = "Entrypoint"
            case cmd = "Cmd"
            case workingDir = "WorkingDir"
            case labels = "Labels"
            case exposedPorts = "ExposedPorts"
            case volumes = "Volumes"
            case stopSignal = "StopSignal"
        }
    }

    /// `{}` in JSON.
    public struct Empty: Codable, Sendable, Equatable {
        public init() {}
    }

    public struct RootFS: Codable, Sendable, Equatable {
        public var type: String = "layers"
        public var diffIDs: [String]

        public init(diffIDs: [String]) { self.diffIDs = diffIDs }

        enum CodingKeys: String, CodingKey {
            case type
            case diffIDs = "diff_ids"
        }
    }

    public struct History: Codable, Sendable, Equatable {
        public var created: String?
        public var createdBy: String?
        public var author: String?
        public var comment: String?
        public var emptyLayer: Bool?

        public init(
            created: String?, createdBy: String?, comment: String? = nil, emptyLayer: Bool? = nil
        ) {
            self.created = created
            self.createdBy = createdBy
            self.comment = comment
            self.emptyLayer = emptyLayer
        }

        enum CodingKeys: String, CodingKey {
            case created, author, comment
            case createdBy = "created_by"
            case emptyLayer = "empty_layer"
        }
    }
}

/// The configuration blob of a CNCF ModelPack artifact (`application/vnd.cncf.model.config.v1+json`).
public struct ModelPackConfig: Codable, Sendable, Equatable {
    public var descriptor: ModelDescriptor
    public var config: ModelSettings
    public var modelfs: ModelFS

    public init(descriptor: ModelDescriptor, config: ModelSettings, modelfs: ModelFS) {
        self.descriptor = descriptor
        self.config = config
        self.modelfs = modelfs
    }

    public struct ModelDescriptor: Codable, Sendable, Equatable {
        public var createdAt: String?
        public var authors: [String]?
        public var family: String?
        public var name: String?
        public var docURL: String?
        public var sourceURL: String?
        public var version: String?
        public var revision: String?
        public var vendor: String?
        public var licenses: [String]?
        public var title: String?
        public var description: String?

        public init() {}
    }

    public struct ModelSettings: Codable, Sendable, Equatable {
        public var architecture: String?
        public var format: String?
        public var paramSize: String?
        public var precision: String?
        public var quantization: String?

        public init() {}
    }

    public struct ModelFS: Codable, Sendable, Equatable {
        public var type: String = "layers"
        public var diffIds: [String]

        public init(diffIds: [String]) { self.diffIds = diffIds }
    }
}
