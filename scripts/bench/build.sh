#!/usr/bin/env bash
# Benchmarks `shipml build` against the baselines the Builder issue names, on the same
# generated model (one 1 GiB weights file and 100 small files), in the same run, and prints
# each ratio. Usage: scripts/bench/build.sh [SIZE_MIB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/../.."

size_mib=${1:-1024}
need=(openssl pigz bsdtar time)
missing=()
for tool in openssl pigz bsdtar; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=(time)
if ((${#missing[@]})); then
  pkgs=()
  for tool in "${missing[@]}"; do
    case $tool in bsdtar) pkgs+=(libarchive-tools) ;; *) pkgs+=("$tool") ;; esac
  done
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

swift build -c release --static-swift-stdlib --product shipml >&2
shipml="$(swift build -c release --show-bin-path)/shipml"

work=$(mktemp -d "${TMPDIR:-/tmp}/shipml-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
model="$work/model"
mkdir -p "$model/extra"
echo "bench: generating a ${size_mib} MiB model in $model" >&2
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$model/model.safetensors"
for i in $(seq 1 100); do head -c $((1000 + i * 37)) /dev/urandom | base64 >"$model/extra/file-$i.txt"; done
echo '{"architectures":["Bench"]}' >"$model/config.json"
sync

export SOURCE_DATE_EPOCH=1700000000
export SHIPML_CACHE_DIR="$work/cache"

. scripts/bench/lib.sh
report() { # name shipml baseline target
  printf '%-34s shipml %6.2fs  baseline %6.2fs  ratio %s  (target <= %s)\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4"
}

clean() { rm -rf "$work/out" "$work/blob" "$work/cache"; }

shipml_none=$(seconds bash -c "rm -rf '$work/out' '$work/cache'; '$shipml' build '$model' --to oci:'$work/out':b --compression none --no-cache")
base_none=$(seconds bash -c "tar -cf '$work/blob' -C '$model' . && openssl dgst -sha256 '$work/blob'")
report "build, no compression" "$shipml_none" "$base_none" 0.75
# The baseline never waits for the disk; shipml flushes every blob before naming it. The same
# build without the flush shows how much of the gap is the disk's.
shipml_nosync=$(seconds bash -c "rm -rf '$work/out' '$work/cache'; '$shipml' build '$model' --to oci:'$work/out':b --compression none --no-cache --durability none")
report "build, no compression, no fsync" "$shipml_nosync" "$base_none" 0.75

shipml_dry=$(seconds "$shipml" build "$model" --dry-run --no-cache)
base_dry=$(seconds bash -c "tar -cf - -C '$model' . | openssl dgst -sha256")
report "digests only (--dry-run)" "$shipml_dry" "$base_dry" 1.1

shipml_zstd=$(seconds bash -c "rm -rf '$work/out'; '$shipml' build '$model' --to oci:'$work/out':b --compression zstd --no-cache")
base_zstd=$(seconds bash -c "bsdtar --zstd --options zstd:compression-level=1 -cf '$work/blob' -C '$model' . && openssl dgst -sha256 '$work/blob'")
report "build, zstd" "$shipml_zstd" "$base_zstd" 0.8

shipml_gzip=$(seconds bash -c "rm -rf '$work/out'; '$shipml' build '$model' --to oci:'$work/out':b --compression gzip --no-cache")
base_gzip=$(seconds bash -c "tar -cf - -C '$model' . | pigz -p2 -1 > '$work/blob' && openssl dgst -sha256 '$work/blob'")
report "build, gzip" "$shipml_gzip" "$base_gzip" 1.0

clean
"$shipml" build "$model" --to oci:"$work/out":b >/dev/null
rebuild=$(seconds "$shipml" build "$model" --to oci:"$work/out":b)
report "rebuild of an unchanged model" "$rebuild" "$shipml_none" 0.05

rss=0
for compression in none zstd gzip; do
  rm -rf "$work/out"
  kib=$(/usr/bin/time -f %M "$shipml" build "$model" --to oci:"$work/out":b --compression "$compression" --no-cache 2>&1 >/dev/null | tail -1)
  [ "$kib" -gt "$rss" ] && rss=$kib
done
printf '%-34s %d MiB  (target <= 64 MiB)\n' "peak RSS of any build" "$((rss / 1024))"
