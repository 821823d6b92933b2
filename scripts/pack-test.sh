#!/usr/bin/env bash
# Publishing check: `npm run test:package` after `npm run build`.
#
# Packs the library as npm would publish it and checks what the tarball holds. Then, in a fresh
# project under /tmp, runs every `npm install` line of README.md and docs/ as the pages write them
# (the tarball in place of the package's name; the registry must be reachable): first
# docs/getting-started.md's setup, with the peers only (no @effect/platform-node), whose
# tsconfig.json and programs are taken from the page, compiled and run (the first program against
# the simulator's loopback server); then the other lines (@effect/platform-node, @effect/vitest,
# undici), after which the page's Node client compiles and docs/testing.md's first example passes
# under vitest. Also checks what the CLI package would publish.
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
  dist/GridscaleSimulatorServer.js dist/GridscaleTest.js; do
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

# --- 2. A fresh project, set up with the install lines of the docs, as written --------------
# Every `npm install <packages>` line of a sh block in README.md and docs/ runs here exactly as the
# page writes it, with the packed tarball in place of the name `effect-gridscale` (the bare
# `npm install` of a clone and `--global` installs aside). The library's lines other than
# getting-started's (README's, when it differs) each in an empty project; then the setup block of
# docs/getting-started.md (from `mkdir` to its dev dependencies); then, once the getting-started programs have run on the peers alone, the rest
# (@effect/platform-node, @effect/vitest, undici). A line that npm refuses, a warning about peers
# or engines (ERESOLVE, EBADENGINE), or an Effect other than 3 fails the test.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
node - "$root" "$work" "$tarball" <<'JS'
const fs = require("node:fs")
const path = require("node:path")
const [root, work, tarball] = process.argv.slice(2)
const pages = ["README.md"]
const walk = (dir) => {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (rel !== path.join("docs", "api")) walk(rel)
    } else if (entry.name.endsWith(".md")) pages.push(rel)
  }
}
walk("docs")
const shBlocks = (page) =>
  [...fs.readFileSync(path.join(root, page), "utf8").matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)]
    .map((match) => match[1])
const withTarball = (line) => /^npm install\b/.test(line) ? line.replace(/(\s)effect-gridscale(?=\s|$)/, `$1${tarball}`) : line
const setup = shBlocks("docs/getting-started.md").find((block) => /^npm init/m.test(block))
if (setup === undefined) throw new Error("docs/getting-started.md has no setup block (npm init)")
const setupLines = setup.split("\n").filter((line) => line.trim() !== "")
const installs = []
for (const page of pages) {
  for (const block of shBlocks(page)) {
    for (const raw of block.split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim()
      if (!/^npm install\s+(?!&&)\S/.test(line) || /\s(--global|-g)(\s|$)/.test(line)) continue
      if (setupLines.includes(line) || installs.some((i) => i.line === line)) continue
      installs.push({ page, line })
    }
  }
}
const library = installs.filter((i) => /(^|\s)effect-gridscale(\s|$)/.test(i.line))
const rest = installs.filter((i) => !library.includes(i))
fs.writeFileSync(path.join(work, "setup.sh"), setupLines.map(withTarball).join("\n") + "\n")
fs.writeFileSync(path.join(work, "library.sh"), library.map((i) => withTarball(i.line)).join("\n") + "\n")
fs.writeFileSync(path.join(work, "rest.sh"), rest.map((i) => i.line).join("\n") + "\n")
const show = (list) => list.map((i) => `\n  ${i.line}   (${i.page})`).join("")
console.log(`pack-test: the setup of docs/getting-started.md:${setupLines.map((l) => `\n  ${l}`).join("")}`)
console.log(`pack-test: other install lines of the library:${show(library) || " none"}`)
console.log(`pack-test: install lines run later:${show(rest) || " none"}`)
if (!rest.some((i) => i.line.includes("@effect/vitest"))) throw new Error("no @effect/vitest install line found")
JS

# Runs the lines of a script one by one, in this shell (so that a `cd` holds), as a user types them.
run_lines() {
  local line
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    echo "pack-test: \$ ${line//$tarball/<tarball>}"
    if ! eval "$line" >"$work/line.log" 2>&1 </dev/null; then
      cat "$work/line.log"
      fail "this line of the docs failed: $line"
    fi
    if grep -qE 'ERESOLVE|EBADENGINE' "$work/line.log"; then
      cat "$work/line.log"
      fail "npm warned about peers or engines on: $line"
    fi
  done <"$1"
}

# npm ls finds no invalid or missing package, and effect is Effect 3.
check_installed() {
  local version
  version="$(node -p 'require("effect/package.json").version')"
  case "$version" in
    3.*) ;;
    *) fail "the install lines brought effect $version, not Effect 3" ;;
  esac
  npm ls --all >"$work/ls.log" 2>&1 || {
    grep -E 'invalid|missing|ERR' "$work/ls.log" | head -20
    fail "npm ls reports problems after the install lines"
  }
}

# Each other line that installs the library (README's, say) is what a user types into an empty
# project: each gets one of its own.
n=0
while IFS= read -r line; do
  [ -n "$line" ] || continue
  n=$((n + 1))
  mkdir -p "$work/other-$n"
  cd "$work/other-$n"
  npm init -y >/dev/null </dev/null
  npm pkg set type=module </dev/null
  printf '%s\n' "$line" >"$work/other-$n.sh"
  run_lines "$work/other-$n.sh"
  check_installed
done <"$work/library.sh"

cd "$work"
run_lines "$work/setup.sh"
project="$(pwd)"
[ "$project" != "$work" ] && [ -f package.json ] || fail "the setup block of docs/getting-started.md made no project"
check_installed
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
const modules = ["Gridscale", "GridscaleConfig", "GridscaleConnection", "GridscaleError", "GridscalePolling", "GridscaleTest",
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

# --- 3b. The other install lines, and what they are for ------------------------------------------
# @effect/platform-node (the HTTP client for Node), @effect/vitest with vitest, undici: as the
# pages write them, into the same project. Then the page's Node client compiles, and the first
# example of docs/testing.md runs as a test against the packed package.
run_lines "$work/rest.sh"
check_installed
node - "$root" <<'JS'
const fs = require("node:fs")
const [root] = process.argv.slice(2)
const blocks = (page) =>
  [...fs.readFileSync(`${root}/${page}`, "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1])
const node = blocks("docs/getting-started.md").find((code) => code.includes(`from "@effect/platform-node"`))
if (node === undefined) throw new Error("docs/getting-started.md shows no client from @effect/platform-node")
fs.writeFileSync("node-client.ts", node)
const testing = fs.readFileSync(`${root}/docs/testing.md`, "utf8")
const example = /## Test your app with `GridscaleTest`[\s\S]*?^```ts\n([\s\S]*?)^```$/m.exec(testing)
if (example === null) throw new Error("docs/testing.md has no first example")
fs.writeFileSync("gridscale.test.ts", example[1])
console.log("pack-test: node-client.ts and gridscale.test.ts from the pages")
JS
npx tsc -p tsconfig.json || fail "the pages' programs do not compile once the other install lines ran"
NO_COLOR=1 npx vitest run --exclude 'dist/**' --exclude 'node_modules/**' >"$work/vitest.log" 2>&1 || {
  cat "$work/vitest.log"
  fail "the first example of docs/testing.md does not pass against the packed package"
}
grep -qE 'Tests +3 passed' "$work/vitest.log" || fail "the example of docs/testing.md ran no 3 tests: $(cat "$work/vitest.log")"
echo "pack-test: every install line of the docs works as written; the testing example passes"

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
