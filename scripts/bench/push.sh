#!/usr/bin/env bash
# Benchmarks shipml's registry client against the baselines the Registry issue names, on the
# same generated 1 GiB model, in the same run, each against a fresh docker-registry on
# loopback, and prints each ratio. Usage: scripts/bench/push.sh [SIZE_MIB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/../.."

size_mib=${1:-1024}
scripts/bootstrap
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

swift build -c release --static-swift-stdlib --product shipml >&2
shipml="$(swift build -c release --show-bin-path)/shipml"

work=$(mktemp -d "${TMPDIR:-/tmp}/shipml-bench-push.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_registry NAME: starts a fresh docker-registry, prints 127.0.0.1:PORT.
start_registry() {
  local dir="$work/registry-$1" port
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$dir/config.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $dir/data}}
http: {addr: 127.0.0.1:$port, secret: bench}
YAML
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "127.0.0.1:$port"
}

model="$work/model"
mkdir -p "$model/extra"
echo "bench: generating a ${size_mib} MiB model" >&2
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$model/model.safetensors"
for i in $(seq 1 100); do head -c $((1000 + i * 37)) /dev/urandom | base64 >"$model/extra/file-$i.txt"; done
echo '{"architectures":["Bench"]}' >"$model/config.json"
export SOURCE_DATE_EPOCH=1700000000 SHIPML_CACHE_DIR="$work/cache"
"$shipml" build "$model" --to "oci:$work/layout:v1" --name bench -q
sync

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
. scripts/bench/lib.sh
report() { # name shipml baseline target
  printf '%-44s shipml %7.3fs  baseline %7.3fs  ratio %s  (target <= %s)\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4"
}

# 1. shipml push vs skopeo copy, each to a fresh registry.
r1=$(start_registry push)
t0=$(now); /usr/bin/time -f "%M" -o "$work/rss-push" "$shipml" push "oci:$work/layout:v1" "$r1/bench/model:v1" --plain-http -q; t1=$(now)
push_first=$(elapsed "$t0" "$t1")
r2=$(start_registry skopeo)
sync
t0=$(now); skopeo copy -q --dest-tls-verify=false "oci:$work/layout:v1" "docker://$r2/bench/model:v1"; t1=$(now)
skopeo_copy=$(elapsed "$t0" "$t1")
report "push 1 GiB image vs skopeo copy" "$push_first" "$skopeo_copy" 0.7

# 2. The raw curl -T of the same blobs (POST for a location, then one PUT each).
r3=$(start_registry curl)
sync
t0=$(now)
for blob in "$work"/layout/blobs/sha256/*; do
  digest="sha256:$(basename "$blob")"
  location=$(curl -fsS -X POST -D - -o /dev/null "http://$r3/v2/bench/model/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  case $location in http*) ;; *) location="http://$r3$location" ;; esac
  curl -fsS -T "$blob" -H "Content-Type: application/octet-stream" "$location&digest=$digest" -o /dev/null
done
t1=$(now)
curl_raw=$(elapsed "$t0" "$t1")
report "push 1 GiB image vs raw curl -T of its blobs" "$push_first" "$curl_raw" 1.1

# 3. A second push: everything is there.
t0=$(now); "$shipml" push "oci:$work/layout:v1" "$r1/bench/model:v1" --plain-http -q; t1=$(now)
push_again=$(elapsed "$t0" "$t1")
printf '%-44s %7.3fs  (target <= 0.2 s)  vs first push: ratio %s  (target <= 0.1)\n' "second push, nothing to send" "$push_again" "$(ratio "$push_again" "$push_first")"

# 4. build --to REGISTRY vs build --to oci: then push, each to a fresh registry, no cache. The
# registry's ingest time varies by a second or two from run to run here, so each side runs four
# times in the order A B B A A B B A, each after a sync (the earlier steps left gigabytes for the
# kernel to write back), and the medians are compared.
build_direct_once() {
  local registry
  registry=$(start_registry "build-direct-$1")
  sync
  t0=$(now); /usr/bin/time -f "%M" -o "$work/rss-build" "$shipml" build "$model" --to "$registry/bench/model:v1" --plain-http --no-cache -q; t1=$(now)
  elapsed "$t0" "$t1" >>"$work/direct"
  echo >>"$work/direct"
  rm -rf "$work/registry-build-direct-$1/data"
}
build_then_push_once() {
  local registry
  registry=$(start_registry "build-two-steps-$1")
  rm -rf "$work/layout2"
  sync
  t0=$(now)
  "$shipml" build "$model" --to "oci:$work/layout2:v1" --no-cache -q
  tp=$(now)
  "$shipml" push "oci:$work/layout2:v1" "$registry/bench/model:v1" --plain-http -q
  t1=$(now)
  elapsed "$t0" "$t1" >>"$work/two"
  echo >>"$work/two"
  elapsed "$tp" "$t1" >>"$work/two-push"
  echo >>"$work/two-push"
  rm -rf "$work/registry-build-two-steps-$1/data"
}
for round in 1 2; do
  build_direct_once "$round-a"; build_then_push_once "$round-a"
  build_then_push_once "$round-b"; build_direct_once "$round-b"
done
median() { sort -n "$1" | awk 'NF { v[n++] = $1 } END { if (n % 2) printf "%.3f", v[(n-1)/2]; else printf "%.3f", (v[n/2-1] + v[n/2]) / 2 }'; }
build_direct=$(median "$work/direct")
build_then_push=$(median "$work/two")
echo "bench: build --to registry: $(tr '\n' ' ' <"$work/direct")s; build + push: $(tr '\n' ' ' <"$work/two")s" >&2
report "build --to registry vs build + push (medians)" "$build_direct" "$build_then_push" 0.7
push_only=$(median "$work/two-push")
# build --to cannot end before the registry has taken the bytes: the push alone is its floor.
printf '%-44s build --to %.3fs vs the push alone %.3fs: ratio %s; floor of the ratio above: %s\n' \
  "  for reference" "$build_direct" "$push_only" "$(ratio "$build_direct" "$push_only")" \
  "$(ratio "$push_only" "$build_then_push")"

# 5. Peak memory.
printf '%-44s push %s MiB, build --to registry %s MiB  (target <= 64 MiB)\n' "peak RSS" \
  "$(( $(cat "$work/rss-push") / 1024 ))" "$(( $(cat "$work/rss-build") / 1024 ))"
