#!/usr/bin/env bash
# Benchmarks the Validator's artifact checks against the targets of issue 5, in one run:
#   - header validation of a 1 GiB safetensors file reads only the header (<= 5 ms);
#   - the file manifest of a 1 GiB model hashes at >= 0.9 x the throughput of
#     `openssl dgst -sha256` on the same files;
#   - a 100 MB pickle scans in under 1 s.
# The timings come from an env-guarded swift-testing test (ArtifactBenchmarkTests) run in a
# release build; no extra executable target is needed.
# Usage: scripts/bench/validate-artifacts.sh [SIZE_MIB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/../.."

size_mib=${1:-1024}
command -v openssl >/dev/null || { echo "bench: openssl is required" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench: python3 is required" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/shipml-bench-artifacts.XXXXXX")
trap 'rm -rf "$work"' EXIT
model="$work/model"
mkdir -p "$model" "$work/pickle"

# A safetensors file of SIZE_MIB MiB: one U8 tensor filling everything after the header, the
# data random so neither tool gains from a sparse file.
echo "bench: generating a ${size_mib} MiB safetensors model in $model" >&2
python3 - "$model/model.safetensors" "$size_mib" <<'PY'
import json, struct, sys
path, mib = sys.argv[1], int(sys.argv[2])
total = mib * 1024 * 1024
header = b''
for _ in range(3):
    data = total - 8 - len(header)
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "w": {"dtype": "U8", "shape": [data], "data_offsets": [0, data]}}).encode()
    header += b' ' * ((8 - len(header) % 8) % 8)
data = total - 8 - len(header)
with open(path, 'wb') as f:
    f.write(struct.pack('<Q', len(header)) + header)
PY
head -c "$((size_mib * 1024 * 1024 - $(stat -c %s "$model/model.safetensors")))" /dev/urandom \
  >>"$model/model.safetensors"
echo '{"architectures":["Bench"]}' >"$model/config.json"

# A 100 MB pickle shaped like a checkpoint's: nested dicts of float lists, strings and ints.
echo "bench: generating a 100 MB pickle" >&2
python3 - "$work/pickle/big.pkl" <<'PY'
import collections, pickle, random, sys
random.seed(1)
state = collections.OrderedDict()
i = 0
size = 0
while size < 105_000_000:
    block = {"name": f"layer.{i}.weight", "values": [random.random() for _ in range(10_000)],
             "ids": list(range(i, i + 2_000)), "tags": [f"t{j}" for j in range(200)]}
    state[f"layer.{i}"] = block
    size += 10_000 * 9 + 2_000 * 5 + 200 * 8
    i += 1
open(sys.argv[1], 'wb').write(pickle.dumps(state, protocol=4))
PY
sync

# BuilderTests use @testable import, so a release build of the tests needs -enable-testing.
echo "bench: building the tests in release mode" >&2
swift build -c release --build-tests -Xswiftc -enable-testing >&2

best_openssl() {
  local best=""
  for _ in 1 2 3; do
    local start end t
    start=$(date +%s.%N)
    openssl dgst -sha256 "$model"/* >/dev/null
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || (($(echo "$t < $best" | bc -l))); then best=$t; fi
  done
  echo "$best"
}

openssl_before=$(best_openssl)
out=$(SHIPML_BENCH_DIR="$work" swift test -c release -Xswiftc -enable-testing --skip-build \
  --filter 'ArtifactBenchmarkTests' 2>&1) || { echo "$out" >&2; exit 1; }
openssl_after=$(best_openssl)
openssl_s=$(echo "if ($openssl_before < $openssl_after) $openssl_before else $openssl_after" | bc -l)

value() { echo "$out" | grep -o "$1=[^ ]*" | tail -1 | cut -d= -f2; }
header_ms=$(value header_ms)
header_read=$(value header_bytes_read)
manifest_s=$(value manifest_seconds)
bytes=$(value manifest_bytes)
pickle_s=$(value pickle_seconds)
pickle_bytes=$(value pickle_bytes)
expected=$(cd "$model" && for f in config.json model.safetensors; do
  openssl dgst -sha256 -binary "$f"; done | openssl dgst -sha256 | awk '{print $NF}')
digest=$(value manifest_digest)

ours_mbs=$(echo "$bytes / $manifest_s / 1048576" | bc -l)
openssl_mbs=$(echo "$bytes / $openssl_s / 1048576" | bc -l)
printf 'safetensors header (%s MiB file): %.3f ms, %s bytes read (target <= 5 ms)\n' \
  "$size_mib" "$header_ms" "$header_read"
printf 'manifest: %.0f MiB/s, openssl dgst -sha256: %.0f MiB/s, ratio %.2f (target >= 0.90)\n' \
  "$ours_mbs" "$openssl_mbs" "$(echo "$ours_mbs / $openssl_mbs" | bc -l)"
printf 'model digest %s; from openssl: %s (%s)\n' "$digest" "$expected" \
  "$([ "$digest" = "$expected" ] && echo same || echo DIFFERENT)"
printf 'pickle scan (%s bytes): %.3f s (target < 1 s)\n' "$pickle_bytes" "$pickle_s"
