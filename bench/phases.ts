/**
 * Where a `servers.list()` spends its time over loopback, against raw `fetch` and the platform's
 * HTTP client alone: `npx tsx bench/phases.ts [calls]`. undici's diagnostics channels mark when a
 * request is handed to the socket layer and when its reply's headers and body arrive, which splits
 * each call into: before the request goes out (`pre`), the round trip (`wire`), the body
 * (`body`), and after the body has arrived until the caller has the result (`post`). Only `pre` and
 * `post` are the client's own; work done while the request is in flight costs no time.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import diagnostics from "node:diagnostics_channel"
import * as Gridscale from "../src/Gridscale.js"
import { locationId } from "../src/GridscaleSimulator.js"
import { clientRuntime, credentials, startSimulator } from "./lib.js"

const authHeaders = {
  "x-auth-userid": credentials.userId,
  "x-auth-token": credentials.token,
  accept: "application/json"
}
let created = 0
let headersAt = 0
let bodyAt = 0
diagnostics.channel("undici:request:create").subscribe(() => (created = performance.now()))
diagnostics.channel("undici:request:headers").subscribe(() => (headersAt = performance.now()))
diagnostics.channel("undici:request:trailers").subscribe(() => (bodyAt = performance.now()))

const sim = await startSimulator()
await sim.setBand(0, 0)
const runtime = clientRuntime(sim.url, "undici")
const gridscale = await runtime.runPromise(Gridscale.Gridscale)
await runtime.runPromise(gridscale.servers.create({ name: "phases", cores: 1, memory: 1, location_uuid: locationId }))
const platform = ManagedRuntime.make(NodeHttpClient.layerUndici)
const http = await platform.runPromise(HttpClient.HttpClient)
const url = `${sim.url}/objects/servers`

const calls: Record<string, () => Promise<unknown>> = {
  rawFetch: async () => JSON.parse(await (await fetch(url, { headers: authHeaders })).text()),
  httpClientOnly: async () =>
    JSON.parse(
      await platform.runPromise(Effect.flatMap(http.get(url, { headers: authHeaders }), (response) => response.text))
    ),
  client: () => runtime.runPromise(gridscale.servers.list())
}
const phases = ["pre", "wire", "body", "post", "total"] as const
const samples: Record<string, Record<(typeof phases)[number], Array<number>>> = {}
const n = Number(process.argv[2] ?? "5000")
for (let i = 0; i < n; i++) {
  for (const [name, call] of Object.entries(calls)) {
    const t0 = performance.now()
    await call()
    const t1 = performance.now()
    // The first thousand warm the JIT and the connections up.
    if (i < 1000) continue
    const s = samples[name] ??= { pre: [], wire: [], body: [], post: [], total: [] }
    s.pre.push(created - t0)
    s.wire.push(headersAt - created)
    s.body.push(bodyAt - headersAt)
    s.post.push(t1 - bodyAt)
    s.total.push(t1 - t0)
  }
}
const median = (values: Array<number>) => values.sort((a, b) => a - b)[values.length >> 1] * 1000
console.log(`median µs of ${n - 1000} calls each`)
console.log("".padEnd(15), ...phases.map((p) => p.padStart(6)))
for (const [name, s] of Object.entries(samples)) {
  console.log(name.padEnd(15), ...phases.map((p) => median(s[p]).toFixed(0).padStart(6)))
}
await runtime.dispose()
await platform.dispose()
await sim.close()
process.exit(0)
