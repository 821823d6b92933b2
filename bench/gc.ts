/**
 * Where a 1-server `servers.list()` spends its CPU beyond undici's: `npx tsx bench/gc.ts [variant...]`.
 *
 * Each variant runs in a process of its own (bundled, plain `node --trace-gc-nvp`) against the
 * bench's loopback server: 3,000 untimed calls, then 20,000 calls one after another. It prints the
 * CPU time of the process per call (garbage collection on helper threads included), and from V8's
 * trace of the young-generation collections during those calls: their pause per call, and the
 * bytes allocated and promoted (still alive after two collections) per call.
 *
 * Variants, each adding one layer to the one before:
 * - `undici`: undici's `request` (with an `AbortSignal`, as the platform passes one) and
 *   `JSON.parse`;
 * - `effect`: the same as two `Effect.tryPromise`s (the request, then the body);
 * - `effect-cached`: the body read as the platform's undici client reads it (`text`: the
 *   `Effect.tryPromise` made an `Effect.cached` by `Effect.runSync`);
 * - `platform`: `NodeHttpClient.layerUndici` itself (its span off), `text` and `JSON.parse`;
 * - `request`: this client's `GridscaleConnection.request` on the default configuration;
 * - `list`: `gridscale.servers.list()`, as figure 1 times it.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Undici from "undici"
import * as Gridscale from "../src/Gridscale.js"
import * as GridscaleConfig from "../src/GridscaleConfig.js"
import * as GridscaleConnection from "../src/GridscaleConnection.js"
import { bundle, credentials, forkJs, peer } from "./lib.js"

const variants = ["undici", "effect", "effect-cached", "platform", "request", "list"] as const
type Variant = typeof variants[number]
const warmup = 3_000
const calls = 20_000

const headers = { "x-auth-userid": credentials.userId, "x-auth-token": credentials.token, accept: "application/json" }

/** One variant's loop, in the child process; the measured calls are marked on stderr. */
const child = async (variant: Variant, url: string) => {
  const runtime = ManagedRuntime.make(Gridscale.layer.pipe(
    Layer.provideMerge(GridscaleConfig.layer({ ...credentials, apiUrl: url })),
    Layer.provideMerge(NodeHttpClient.layerUndici)
  ))
  const agent = new Undici.Agent()
  const listUrl = new URL("/objects/servers", url)
  const send = () =>
    agent.request({
      method: "GET",
      origin: listUrl.origin,
      path: listUrl.pathname,
      headers,
      signal: new AbortController().signal
    })
  const client = await runtime.runPromise(HttpClient.HttpClient)
  const gridscale = await runtime.runPromise(Gridscale.Gridscale)
  const connection = await runtime.runPromise(GridscaleConnection.GridscaleConnection)
  const bodyOf = (reply: Undici.Dispatcher.ResponseData) => Effect.tryPromise(() => reply.body.text())
  const effects: Record<Exclude<Variant, "undici">, Effect.Effect<unknown, unknown>> = {
    effect: Effect.flatMap(Effect.tryPromise(send), (reply) => Effect.map(bodyOf(reply), JSON.parse)),
    "effect-cached": Effect.flatMap(
      Effect.tryPromise(send),
      (reply) => Effect.map(Effect.runSync(Effect.cached(bodyOf(reply))), JSON.parse)
    ),
    platform: Effect.flatMap(client.get(listUrl, { headers }), (response) => Effect.map(response.text, JSON.parse))
      .pipe(
        Effect.scoped,
        Effect.locally(HttpClient.currentTracerDisabledWhen, () => true)
      ),
    request: connection.request("GET", "/objects/servers"),
    list: gridscale.servers.list()
  }
  const call = variant === "undici"
    ? async () => JSON.parse(await (await send()).body.text())
    : () => runtime.runPromise(effects[variant])
  for (let i = 0; i < warmup; i++) await call()
  process.stderr.write("=== measured calls start\n")
  const before = process.cpuUsage()
  for (let i = 0; i < calls; i++) await call()
  const used = process.cpuUsage(before)
  process.stderr.write(`=== measured calls end ${(used.user + used.system) / calls}\n`)
  await runtime.dispose()
}

/** Sums V8's `--trace-gc-nvp` lines of the young-generation collections between the marks. */
const summarize = (trace: string) => {
  let measuring = false
  let cpu = NaN
  const sum = { count: 0, pause: 0, allocated: 0, promoted: 0 }
  for (const line of trace.split("\n")) {
    if (line.startsWith("=== measured calls start")) measuring = true
    else if (line.startsWith("=== measured calls end")) {
      measuring = false
      cpu = Number(line.split(" ").pop())
    } else if (measuring && line.includes("gc=s ")) {
      const field = (name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0)
      sum.count += 1
      sum.pause += field("pause")
      sum.allocated += field("allocated")
      sum.promoted += field("promoted")
    }
  }
  return { cpu, ...sum }
}

const parent = async (picked: ReadonlyArray<Variant>) => {
  const root = fileURLToPath(new URL("..", import.meta.url))
  const { peer: api, ready } = await peer(forkJs(await bundle("./api-server.ts"), [root]), "api server")
  const file = await bundle("./gc.ts")
  try {
    console.log(`payload: ${ready.source}; ${calls} calls per variant after ${warmup}, each in its own process`)
    for (const variant of picked) {
      const trace = await new Promise<string>((resolve, reject) => {
        const run = spawn(process.execPath, ["--trace-gc-nvp", file, "--child", variant, ready.url], {
          stdio: ["ignore", "pipe", "pipe"]
        })
        let out = ""
        run.stdout.on("data", (chunk) => (out += chunk))
        run.stderr.on("data", (chunk) => (out += chunk))
        run.on("error", reject)
        run.on(
          "exit",
          (code) => (code === 0 ? resolve(out) : reject(new Error(`${variant} exited ${code}: ${out.slice(-500)}`)))
        )
      })
      const s = summarize(trace)
      console.log(
        `${variant.padEnd(14)} ${s.cpu.toFixed(0)} µs CPU a call;`,
        `young collections: ${s.count}, ${(s.pause * 1000 / calls).toFixed(0)} µs of pause a call,`,
        `${(s.allocated / 1024 / calls).toFixed(1)} KiB allocated and ${
          (s.promoted / 1024 / calls).toFixed(1)
        } KiB promoted a call`
      )
    }
  } finally {
    await api.close()
  }
}

const args = process.argv.slice(2)
if (args[0] === "--child") await child(args[1] as Variant, args[2]!)
else {await parent(
    args.length > 0
      ? args.filter((a): a is Variant => (variants as ReadonlyArray<string>).includes(a))
      : variants
  )}
