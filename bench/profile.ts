/**
 * What a `servers.list()` of real payloads spends its CPU on:
 * `npx tsx bench/profile.ts [servers] [calls] [side]` runs one side of figure 1 (default
 * `client-undici`, 200 servers, 300 calls after 50 untimed) under `node --cpu-prof` against the
 * bench's loopback server, then sums the profile's self time by where the code lives (this
 * client's decoder, effect's Schema, effect's runtime, the platform's HTTP client, undici, Node,
 * V8 builtins such as `JSON.parse`, garbage collection) and lists the costliest functions. Only
 * the samples of the measured calls count (not start-up, not the warm-up); times are per call.
 * The profile itself stays in `/tmp/bench-prof`.
 */
import { fork } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { bundle, forkJs, peer, round } from "./lib.js"

const servers = Number(process.argv[2] ?? "200")
const calls = Number(process.argv[3] ?? "300")
const kind = process.argv[4] ?? "client-undici"
const warmup = 50
const dir = "/tmp/bench-prof"

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: ReadonlyArray<number>
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly startTime: number
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** Where a frame's code lives. */
export const category = (frame: ProfileNode["callFrame"]): string | undefined => {
  const { functionName: fn, url } = frame
  if (fn === "(idle)") return undefined
  if (fn === "(garbage collector)") return "garbage collection"
  if (fn === "(program)") return "V8 (program: compiling, IC misses)"
  if (url.includes("/src/internal/decode")) return "this client: fast decoder (src/internal/decode.ts)"
  if (url.includes("/src/GridscaleResponse")) return "this client: reply decoding (src/GridscaleResponse.ts)"
  if (url.includes("/src/internal/schema") || url.includes("/src/generated/")) {
    return "this client: schema helpers (src/internal/schema.ts, generated)"
  }
  if (url.includes("/effect/dist/") && /\/(Schema|ParseResult|SchemaAST|Arbitrary)\.js/.test(url)) {
    return "effect/Schema (ParseResult, SchemaAST)"
  }
  if (url.includes("/effect/dist/") && /DateTime/.test(url)) return "effect/DateTime"
  if (url.includes("/effect/dist/")) return "effect runtime (fibers, spans, Layer, Scope)"
  if (url.includes("@effect/platform")) return "@effect/platform HTTP client"
  if (url.includes("undici")) return "undici"
  if (url.startsWith("node:")) return "Node internals (net, streams, timers)"
  if (url.includes("/src/")) return "this client: connection, budget, driver"
  if (url.includes("/bench/")) return "the bench loop"
  if (url === "") return `V8 builtin: ${fn || "(anonymous)"}`
  return "other"
}

/**
 * Self time by category and by function, in µs, from a `.cpuprofile`, counting only the samples
 * taken between `from` and `to` (µs on the profile's clock).
 */
export const analyze = (profile: Profile, from = -Infinity, to = Infinity) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const byCategory = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let total = 0
  let at = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0
    at += dt
    if (at < from || at > to) continue
    const node = byId.get(profile.samples[i])!
    const cat = category(node.callFrame)
    if (cat === undefined) continue
    total += dt
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + dt)
    const { functionName, lineNumber, url } = node.callFrame
    const key = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(node_modules|main)\//, "")}:${lineNumber + 1}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + dt)
  }
  return { total, byCategory, byFunction }
}

const main = async () => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const root = fileURLToPath(new URL("..", import.meta.url))
  const { peer: api, ready } = await peer(forkJs(await bundle("./api-server.ts"), [root]), "api server")
  await api.call({ type: "servers", count: servers })
  // From source under tsx, so the profile names this client's files.
  const child = fork(fileURLToPath(new URL("./side.ts", import.meta.url)), [kind, ready.url], {
    execArgv: ["--import", "tsx", "--cpu-prof", `--cpu-prof-dir=${dir}`],
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const { peer: side } = await peer(child, kind)
  await side.call({ type: "run", calls: warmup, servers })
  const from = await side.call<number>({ type: "now" })
  const times = await side.call<Array<number>>({ type: "run", calls, servers })
  const to = await side.call<number>({ type: "now" })
  const exited = new Promise((resolve) => child.once("exit", resolve))
  await side.close()
  await exited
  await api.close()
  // The main thread's profile (thread 0); tsx's loader runs in a worker thread of its own.
  const file = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(dir, f))
    .sort((a, b) =>
      Number(/\.0\.\d+\.cpuprofile$/.test(b)) - Number(/\.0\.\d+\.cpuprofile$/.test(a)) ||
      statSync(b).size - statSync(a).size
    )[0]
  const { byCategory, byFunction, total } = analyze(JSON.parse(readFileSync(file, "utf8")), from, to)
  const perCall = (us: number) => round(us / calls / 1000, 3)
  const sorted = [...times].sort((a, b) => a - b)
  console.log(
    `${kind}, ${servers} servers (${ready.source}): median ${round(sorted[sorted.length >> 1], 2)} ms per call; ` +
      `${perCall(total)} ms per call sampled busy (mean; idle left out) (profile: ${file})`
  )
  console.log("\n| where | ms per call | share |\n| --- | --- | --- |")
  for (const [name, us] of [...byCategory].sort((a, b) => b[1] - a[1])) {
    if (us / total < 0.005) continue
    console.log(`| ${name} | ${perCall(us)} | ${round((100 * us) / total, 1)}% |`)
  }
  console.log("\n| function (self time) | ms per call | share |\n| --- | --- | --- |")
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`| \`${name}\` | ${perCall(us)} | ${round((100 * us) / total, 1)}% |`)
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
