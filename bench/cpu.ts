/**
 * The client's own CPU cost per call, with no network: an `HttpClient` that answers every request
 * at once with a canned one-server list. `npx tsx bench/cpu.ts [http|conn|list] [iterations]`;
 * profile with `node --cpu-prof --import tsx bench/cpu.ts conn 40000`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Gridscale from "../src/Gridscale.js"
import * as GridscaleConfig from "../src/GridscaleConfig.js"
import * as GridscaleConnection from "../src/GridscaleConnection.js"

const body = JSON.stringify({
  servers: {
    "abc-1": {
      object_uuid: "abc-1",
      name: "x",
      status: "active",
      cores: 1,
      memory: 1,
      power: false,
      labels: [],
      relations: { storages: [], public_ips: [], networks: [], isoimages: [] },
      create_time: "2026-01-01T00:00:00Z",
      change_time: "2026-01-01T00:00:00Z",
      location_uuid: "l",
      location_name: "n"
    }
  }
})
const headers = { "content-type": "application/json", "content-length": String(body.length), "x-request-id": "r-1" }
const canned = HttpClient.make((request) =>
  Effect.succeed(HttpClientResponse.fromWeb(request, new Response(body, { status: 200, headers })))
)
const rt = ManagedRuntime.make(Gridscale.layer.pipe(
  Layer.provideMerge(
    GridscaleConfig.layer({ userId: "u", token: "t", apiUrl: "http://127.0.0.1:1", rate: { limit: Infinity } })
  ),
  Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, canned))
))
const gs = await rt.runPromise(Gridscale.Gridscale)
const conn = await rt.runPromise(GridscaleConnection.GridscaleConnection)
const cases: Record<string, () => Promise<unknown>> = {
  http: () => rt.runPromise(Effect.flatMap(canned.get("http://127.0.0.1:1/objects/servers"), (r) => r.text)),
  conn: () => rt.runPromise(conn.request("GET", "/objects/servers")),
  list: () => rt.runPromise(gs.servers.list())
}
const only = process.argv[2]
for (const [k, f] of Object.entries(cases)) {
  if (only && k !== only) continue
  for (let i = 0; i < 3000; i++) await f()
  const n = Number(process.argv[3] ?? "20000")
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await f()
  console.log(k.padEnd(6), ((performance.now() - t0) / n * 1000).toFixed(1), "µs")
}
await rt.dispose()
process.exit(0)
