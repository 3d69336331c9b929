#!/usr/bin/env bash
# Benchmarks shipml's state repository work against the git CLI, in the same run, on a
# generated state repository (20,000 promotion commits over 50 environments and 20 models,
# made with git fast-import), served as a local bare remote:
#   one `shipml promote` (fetch, plan, render, commit, push) against the equivalent
#   `git fetch; git merge --ff-only; <write the same files>; git add; git commit; git push`
#   in a warm clone (target <= 1.2), and
#   `shipml history --env prod --limit 50` against `git log --grep` (target <= 0.5).
#   `shipml status` on the same state (1,000 releases), timed alone: git has no equivalent.
# Each side gets a warm cache (one untimed run first); the best of 3 runs counts, each run a
# fresh promotion of another model. Usage: scripts/bench/promote.sh [COMMITS]
set -euo pipefail
cd "$(dirname "$0")/../.."

commits=${1:-20000}
swift build -c release --static-swift-stdlib --product shipml >&2
shipml="$(swift build -c release --show-bin-path)/shipml"

work=$(mktemp -d "${TMPDIR:-/tmp}/shipml-bench-promote.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

# Environments: dev -> staging -> prod -> edge-01..edge-47; models m00..m19. Commit i promotes
# model (i / 50) % 20 into environment i % 50; prod lags staging by one version.
git init --quiet --bare --initial-branch=main "$work/remote.git"
# The generator works out every object id itself, as git does, so that each promotion can
# carry the links shipml writes (Shipml-Parent, Shipml-Env-Previous, Shipml-Model-Previous:
# see docs/promote.md); the imported tip is checked against its own.
python3 - "$commits" "$work/expected-tip" <<'PY' | git --git-dir "$work/remote.git" fast-import --quiet
import hashlib, sys
commits = int(sys.argv[1])
envs = ["dev", "staging", "prod"] + ["edge-%02d" % n for n in range(1, 48)]
out = sys.stdout.buffer
def data(raw):
    out.write(b"data %d\n" % len(raw) + raw + b"\n")
def oid(kind, raw):
    return hashlib.sha1(b"%s %d\0" % (kind, len(raw)) + raw).digest()
def tree(entries):  # name -> (is_tree, raw id)
    raw = b"".join(
        (b"40000 " if entries[name][0] else b"100644 ") + name.encode() + b"\0" + entries[name][1]
        for name in sorted(entries, key=lambda n: n + "/" if entries[n][0] else n))
    return oid(b"tree", raw)
state = {}      # env -> model -> (release blob, manifest name, manifest blob)
env_trees = {}  # env -> raw tree id
last_env, last_model = {}, {}  # newest promotion commit (hex) per env, per (env, model)
parent = None
for i in range(commits):
    env = envs[i % 50]
    model = "m%02d" % ((i // 50) % 20)
    version = "1.%d.0" % (i // 1000 + (1 if env in ("dev", "staging") else 0))
    digest = "%064x" % (i // 1000 + (1 if env in ("dev", "staging") else 0) + 7 * int(model[1:]))
    record = f"""apiVersion: shipml.dev/v1
kind: Release
model:
  name: {model}
  version: {version}
environment: {env}
artifact:
  reference: registry.example/ml/{model}@sha256:{digest}
  digest: sha256:{digest}
promotedAt: '2026-01-01T00:00:00Z'
promotedBy: bench <bench@example.com>
""".encode()
    manifest_name = f"apps_v1_deployment_{model}.yaml"
    manifest = f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {model}\n  namespace: {env}\n# {i}\n".encode()
    state.setdefault(env, {})[model] = (oid(b"blob", record), manifest_name, oid(b"blob", manifest))
    models = {}
    for name, (release_id, file_name, manifest_id) in state[env].items():
        manifests = tree({file_name: (False, manifest_id)})
        models[name] = (True, tree({"manifests": (True, manifests), "release.yaml": (False, release_id)}))
    env_trees[env] = tree(models)
    root = tree({"environments": (True, tree({e: (True, t) for e, t in env_trees.items()}))})
    message = f"promote({model}): {version} → {env}\n\n- version: {version}\n\n"
    message += f"Shipml-Release: sha256:{digest}\nShipml-Model: {model}\nShipml-To: {env}\n"
    if parent:
        message += (f"Shipml-Parent: {parent}\nShipml-Env-Previous: {last_env.get(env, 'none')}\n"
                    f"Shipml-Model-Previous: {last_model.get((env, model), 'none')}\n")
    when = 1_760_000_000 + i * 60
    who = b"bench <bench@example.com> %d +0000" % when
    commit = b"tree " + root.hex().encode() + b"\n"
    commit += (b"parent " + parent.encode() + b"\n") if parent else b""
    commit += b"author " + who + b"\ncommitter " + who + b"\n\n" + message.encode()
    parent = last_env[env] = last_model[(env, model)] = oid(b"commit", commit).hex()
    out.write(b"commit refs/heads/main\ncommitter " + who + b"\n")
    data(message.encode())
    out.write(f"M 100644 inline environments/{env}/{model}/release.yaml\n".encode())
    data(record)
    out.write(f"M 100644 inline environments/{env}/{model}/manifests/{manifest_name}\n".encode())
    data(manifest)
open(sys.argv[2], "w").write(parent + "\n")
PY
[ "$(git --git-dir "$work/remote.git" rev-parse main)" = "$(cat "$work/expected-tip")" ] \
  || { echo "bench: the generated commit ids differ from git's" >&2; exit 1; }
git --git-dir "$work/remote.git" repack -adq

# The project: three stages and 47 edges after prod, a kustomize overlay per stage.
mkdir -p "$work/project/deploy/base" "$work/project/deploy/prod"
{
  printf 'apiVersion: shipml/v1\nmodel: {name: m00, version: 1.0.0, path: model}\n'
  printf 'deploy: {kustomize: deploy/base}\nenvironments:\n  - name: dev\n'
  printf '  - name: staging\n    from: dev\n  - name: prod\n    from: staging\n    overlay: deploy/prod\n'
  for n in $(seq -w 1 47); do printf '  - name: edge-%s\n    from: prod\n' "$n"; done
  printf 'state: {repository: "file://%s", branch: main}\n' "$work/remote.git"
} >"$work/project/shipml.yaml"
printf 'resources:\n- deployment.yaml\n' >"$work/project/deploy/base/kustomization.yaml"
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: model\nspec:\n  replicas: 1\n' \
  >"$work/project/deploy/base/deployment.yaml"
printf 'resources:\n- ../base\nnamespace: prod\n' >"$work/project/deploy/prod/kustomization.yaml"

git clone --quiet "$work/remote.git" "$work/clone"

. scripts/bench/lib.sh

# git_promote MODEL: what shipml promote does for MODEL staging -> prod, with the git CLI.
git_promote() {
  local model=$1 dir="$work/clone/environments/prod/$1"
  git -C "$work/clone" fetch --quiet origin
  git -C "$work/clone" merge --quiet --ff-only origin/main
  sed 's/^environment: staging/environment: prod/' \
    "$work/clone/environments/staging/$model/release.yaml" >"$dir/release.yaml"
  cp "$work/clone/environments/staging/$model/manifests/"*.yaml "$dir/manifests/"
  git -C "$work/clone" add -A "environments/prod/$model"
  git -C "$work/clone" commit --quiet -m "promote($model): staging → prod"
  git -C "$work/clone" push --quiet origin main
}

# best_of_3 FIRST_MODEL_INDEX COMMAND...: the best wall time of 3 runs of COMMAND MODEL, each
# with the next model.
best_of_3() {
  local first=$1 best="" index
  shift
  for index in 0 1 2; do
    local model start end
    model=$(printf 'm%02d' $((first + index)))
    start=$(date +%s.%N)
    "$@" "$model" >/dev/null 2>&1 || { echo "bench: $* $model failed" >&2; exit 1; }
    end=$(date +%s.%N)
    best=$(echo "$start $end $best" | awk '{t=$2-$1; if ($3=="" || t<$3) print t; else print $3}')
  done
  echo "$best"
}

shipml_promote() {
  (cd "$work/project" && "$shipml" promote --to prod --model "$1" --reason bench)
}

# history first, on the generated repository as it is (the promotions below add commits the
# git CLI makes, which carry no links). Both must list the same 50 commits.
git --git-dir "$work/remote.git" log -n 50 --grep=' → prod$' --format='%H' | cut -c1-12 \
  >"$work/git-history"
"$shipml" history --state "$work/remote.git" --env prod --limit 50 | cut -d' ' -f1 \
  >"$work/shipml-history"
[ "$(wc -l <"$work/git-history")" -eq 50 ] && cmp -s "$work/git-history" "$work/shipml-history" \
  || { echo "bench: shipml history and git log --grep list different prod promotions" >&2; exit 1; }
ours=$(seconds "$shipml" history --state "$work/remote.git" --env prod --limit 50)
theirs=$(seconds git --git-dir "$work/remote.git" log -n 50 --grep=' → prod$' --format='%h %s')
printf 'history --env prod --limit 50   shipml %6.3fs  git log --grep %6.3fs  ratio %s  (target <= 0.5)\n' \
  "$ours" "$theirs" "$(ratio "$ours" "$theirs")"

# status: every release at the tip, and whether each next promotion's gates pass. git has no
# such command; the time alone is printed, with the number of releases it read.
releases=$(cd "$work/project" && "$shipml" status --state "$work/remote.git" --json \
  | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
ours=$(cd "$work/project" && seconds "$shipml" status --state "$work/remote.git")
printf 'status, %d releases            shipml %6.3fs  (reads the tip tree, no baseline)\n' \
  "$releases" "$ours"

# Warm both caches with one untimed promotion each.
shipml_promote m00 >/dev/null
git_promote m01 >/dev/null
ours=$(best_of_3 2 shipml_promote)
theirs=$(best_of_3 5 git_promote)
printf 'promote, %d commits   shipml %6.3fs  git fetch/add/commit/push %6.3fs  ratio %s  (target <= 1.2)\n' \
  "$commits" "$ours" "$theirs" "$(ratio "$ours" "$theirs")"

# What every shipml command pays before it does anything: starting the process.
ours=$(seconds "$shipml" --version)
theirs=$(seconds git --version)
printf 'startup (--version)             shipml %6.3fs  git %6.3fs\n' "$ours" "$theirs"
