#!/usr/bin/env bash
# Publishing check: `npm run test:package` after `npm run build`.
#
# Packs the library as npm would publish it, checks what the tarball holds, installs it into a
# fresh project under /tmp with only its peers (no @effect/platform-node), and follows
# docs/getting-started.md to the letter: its tsconfig.json and programs are taken from the page,
# compiled, and run (the first program against the simulator's loopback server). Also checks
# what the CLI package would publish.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

fail() {
  echo "pack-test: $*" >&2
  exit 1
}

[ -f dist/index.js ] || fail "dist/ is missing: run npm run build first"

work="$(mktemp -d /tmp/effect-gridscale-pack.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. The tarball --------------------------------------------------------------------------
npm pack --silent --pack-destination "$work" >/dev/null
tarball="$(ls "$work"/effect-gridscale-*.tgz)"
tar -tzf "$tarball" | sed 's|^package/||' | sort >"$work/files.txt"

for required in package.json README.md LICENSE dist/index.js dist/index.d.ts dist/index.js.map \
  dist/index.d.ts.map dist/Gridscale.js dist/Gridscale.d.ts dist/GridscaleSimulator.js \
  dist/GridscaleSimulatorServer.js; do
  grep -qx "$required" "$work/files.txt" || fail "the tarball lacks $required"
done
if grep -E '^(test|tests|bench|scripts|examples|packages|docs|coverage|node_modules|\.ci|\.docs-check)/|\.test\.|\.tgz$|(^|/)\.env|\.npmrc$|\.pem$|\.key$' "$work/files.txt"; then
  fail "the tarball holds files it should not (above)"
fi
for map in $(grep -E '^dist/.*\.js\.map$' "$work/files.txt"); do
  for source in $(node -e 'for (const s of JSON.parse(require("fs").readFileSync(process.argv[1])).sources) console.log(s)' "$map"); do
    resolved="$(cd "$(dirname "$map")" && realpath -m --relative-to="$root" "$source")"
    grep -qx "$resolved" "$work/files.txt" || fail "$map points at $resolved, which is not in the tarball"
  done
done
size="$(wc -c <"$tarball")"
echo "pack-test: $(basename "$tarball"): $(wc -l <"$work/files.txt") files, $size bytes"

# --- 2. A fresh project, as docs/getting-started.md sets it up ---------------------------------
project="$work/hello-gridscale"
mkdir -p "$project"
cd "$project"
npm init -y >/dev/null
npm pkg set type=module
npm install --no-audit --no-fund --silent "$tarball" effect@3.22.4 @effect/platform@0.97.2
npm install --no-audit --no-fund --silent --save-dev typescript@5.9 @types/node@20
[ ! -e node_modules/@effect/platform-node ] || fail "installing the package pulled in @effect/platform-node"

# The files of the page: every fenced block whose first line is `// <file name>`.
node - "$root/docs/getting-started.md" <<'EOF'
const fs = require("node:fs")
const text = fs.readFileSync(process.argv[2], "utf8")
const written = []
for (const match of text.matchAll(/^```[a-z]*\n(\/\/ ([\w.-]+)\n[\s\S]*?)^```$/gm)) {
  fs.writeFileSync(match[2], match[1])
  written.push(match[2])
}
for (const name of ["tsconfig.json", "main.ts", "simulate.ts", "serve.ts"]) {
  if (!written.includes(name)) throw new Error(`docs/getting-started.md has no ${name}`)
}
console.log(`pack-test: files from the page: ${written.join(", ")}`)
EOF

# The page's port, 8080, may be taken here: use a free one.
port="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')"
sed -i "s/8080/$port/" serve.ts

npx tsc -p tsconfig.json || fail "the getting-started programs do not compile against the packed package"

# --- 3. Run them --------------------------------------------------------------------------------
node dist/simulate.js >"$work/simulate.log" 2>&1 || {
  cat "$work/simulate.log"
  fail "simulate.js failed"
}
grep -q 'created hello' "$work/simulate.log" || fail "simulate.js did not create its server: $(cat "$work/simulate.log")"
grep -q 'holds 1 server' "$work/simulate.log" || fail "simulate.js did not list its server"

node dist/serve.js >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
  grep -q "listening on" "$work/serve.log" && break
  sleep 0.1
done
grep -q "listening on http://127.0.0.1:$port" "$work/serve.log" || fail "serve.js did not start: $(cat "$work/serve.log")"

GRIDSCALE_UUID=any GRIDSCALE_TOKEN=any GRIDSCALE_URL="http://127.0.0.1:$port" node dist/main.js >"$work/main.log" 2>&1 || {
  cat "$work/main.log"
  fail "main.js failed against the loopback simulator"
}
grep -q 'locations: de/fra' "$work/main.log" || fail "main.js did not list the locations: $(cat "$work/main.log")"
grep -q '0 servers' "$work/main.log" || fail "main.js did not list the servers: $(cat "$work/main.log")"

# Without credentials the program fails, and says which variable is missing.
if env -u GRIDSCALE_UUID -u GRIDSCALE_TOKEN node dist/main.js >"$work/nocreds.log" 2>&1; then
  fail "main.js succeeded without credentials"
fi
grep -q 'GRIDSCALE_UUID' "$work/nocreds.log" || fail "main.js without credentials did not name GRIDSCALE_UUID"

# Every module is importable by its own path; internals are not.
node --input-type=module -e '
const modules = ["Gridscale", "GridscaleConfig", "GridscaleConnection", "GridscaleError", "GridscalePolling",
  "GridscaleResponse", "GridscaleSimulator", "GridscaleSimulatorServer", "Server", "Storage", "Snapshot", "Ip",
  "Network", "SshKey", "Template", "Location", "IsoImage"]
const root = await import("effect-gridscale")
for (const name of modules) {
  const m = await import(`effect-gridscale/${name}`)
  if (Object.keys(m).length === 0) throw new Error(`effect-gridscale/${name} exports nothing`)
  if (name !== "GridscaleSimulatorServer" && root[name] === undefined) throw new Error(`the root lacks ${name}`)
}
try {
  await import("effect-gridscale/internal/schema")
  throw new Error("effect-gridscale/internal/schema is importable")
} catch (e) {
  if (e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw e
}
' || fail "importing the modules failed"
echo "pack-test: the library installs with its peers only, compiles and runs as docs/getting-started.md says"

# --- 4. The CLI package --------------------------------------------------------------------------
cd "$root"
npm pack --dry-run --json -w packages/cli 2>/dev/null \
  | node -e '
let s = ""
process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const files = JSON.parse(s)[0].files.map((f) => f.path)
  for (const f of ["package.json", "README.md", "LICENSE", "dist/bin.js", "dist/index.js", "dist/index.d.ts"]) {
    if (!files.includes(f)) throw new Error(`the CLI package lacks ${f}`)
  }
  const stray = files.filter((f) => /^(test|src)\/|\.test\.|vitest|tsconfig/.test(f))
  if (stray.length > 0) throw new Error(`the CLI package holds ${stray.join(", ")}`)
  console.log(`pack-test: @effect-gridscale/cli: ${files.length} files`)
})' || fail "the CLI package's contents are wrong"
head -1 packages/cli/dist/bin.js | grep -qx '#!/usr/bin/env node' || fail "packages/cli/dist/bin.js has no #! line"
echo "pack-test: ok"
