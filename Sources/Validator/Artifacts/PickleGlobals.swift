/// Which globals a pickle may import: what is allowed, what is denied, and why.
enum PickleGlobals {
    enum Verdict: Equatable {
        case allowed
        case denied(String)
        case suspicious
    }

    /// Modules whose every global runs code, touches the system or loads more pickles; their
    /// submodules are denied too.
    static let deniedModules: Set<String> = [
        "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "socket", "shutil", "runpy",
        "pickle", "_pickle", "pdb", "bdb", "ctypes", "importlib", "webbrowser", "httplib", "http",
        "requests", "urllib", "urllib2", "urllib3", "ftplib", "smtplib", "telnetlib", "asyncio",
        "multiprocessing", "pty", "commands", "code", "codeop", "marshal", "signal", "timeit",
        "cProfile", "profile", "trace", "pip", "setuptools", "dill", "cloudpickle", "aiohttp",
        "httpx", "paramiko", "tempfile", "glob", "io", "_io", "zipimport", "pkgutil",
    ]

    /// Builtins that evaluate code, reach attributes or open files.
    static let deniedBuiltins: Set<String> = [
        "eval", "exec", "execfile", "compile", "getattr", "setattr", "delattr", "open",
        "__import__", "globals", "locals", "vars", "input", "breakpoint", "apply", "help",
        "memoryview", "type", "object", "super", "classmethod", "staticmethod", "property",
    ]

    /// Globals denied one by one, in modules that are otherwise only suspicious.
    static let deniedGlobals: Set<String> = [
        "operator.attrgetter", "operator.methodcaller", "operator.itemgetter",
        "functools.partial", "functools.reduce", "types.CodeType", "types.FunctionType",
        "types.MethodType", "types.ModuleType", "types.LambdaType", "_operator.attrgetter",
        "_operator.methodcaller", "_functools.partial", "_functools.reduce",
        "torch.load", "torch.serialization.load", "torch.storage._load_from_bytes",
        "numpy.load", "numpy.testing._private.utils.runstring", "joblib.load",
    ]

    /// Builtins that build plain values.
    static let allowedBuiltins: Set<String> = [
        "set", "frozenset", "slice", "range", "complex", "bytearray", "bytes", "list", "dict",
        "tuple", "int", "float", "bool", "str",
    ]

    /// The torch, numpy and collections functions that rebuild tensors, arrays and containers.
    static let allowedGlobals: Set<String> = {
        var names: Set<String> = [
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor_v3", "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_sparse_tensor",
            "torch._utils._rebuild_qtensor", "torch._utils._rebuild_device_tensor_from_numpy",
            "torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_nested_tensor",
            "torch._utils._rebuild_wrapper_subclass", "torch._tensor._rebuild_from_type_v2",
            "torch.Size", "torch.device", "torch.storage.UntypedStorage", "torch.UntypedStorage",
            "torch.per_tensor_affine", "torch.per_channel_affine",
            "collections.OrderedDict", "numpy.core.multiarray._reconstruct",
            "numpy._core.multiarray._reconstruct", "numpy.core.multiarray.scalar",
            "numpy._core.multiarray.scalar", "numpy.dtype", "numpy.ndarray", "_codecs.encode",
            "numpy.dtypes.Float32DType", "numpy.dtypes.Float64DType", "numpy.dtypes.Int64DType",
            "numpy.dtypes.Int32DType", "numpy.dtypes.Float16DType", "numpy.dtypes.UInt8DType",
        ]
        for storage in [
            "Double", "Float", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool",
            "ComplexDouble", "ComplexFloat", "QInt8", "QUInt8", "QInt32", "QUInt4x2", "QUInt2x4",
        ] {
            names.insert("torch.\(storage)Storage")
        }
        for dtype in [
            "float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8",
            "uint8", "bool", "complex64", "complex128", "float8_e4m3fn", "float8_e5m2",
            "qint8", "quint8", "qint32",
        ] {
            names.insert("torch.\(dtype)")
        }
        return names
    }()

    static func verdict(module: String, name: String, extra: Set<String>) -> Verdict {
        let full = module + "." + name
        if deniedGlobals.contains(full) { return .denied("\(full) is on the deny list") }
        let top = module.split(separator: ".", maxSplits: 1).first.map(String.init) ?? module
        if deniedModules.contains(top) {
            return .denied("module \(top) can run commands, load code or touch the system")
        }
        if module == "builtins" || module == "__builtin__" || module == "__builtins__" {
            if allowedBuiltins.contains(name) { return .allowed }
            if deniedBuiltins.contains(name) || name.hasPrefix("__") {
                return .denied("builtin \(name) can evaluate code or reach any attribute")
            }
            return .suspicious
        }
        if allowedGlobals.contains(full) || extra.contains(full) { return .allowed }
        return .suspicious
    }
}
