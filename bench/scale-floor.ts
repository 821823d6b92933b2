/**
 * Figure 3's workload without this client, for the floor of its memory: 1,000 concurrent
 * storage creates, each a POST, polls of `/requests/{id}` (first after 100 ms, then 20% further
 * apart, at most 1.9 s) until done, and a GET of the new storage. `fetch` runs it with raw `fetch`
 * and async functions; `platform` with `@effect/platform`'s undici client and plain effects (no
 * schemas, spans, retries or budget). In its own process, as the client's run is; sends its peak
 * RSS to the parent over IPC. Arguments: the simulator's URL, `fetch` or `platform`, count.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { locationId } from "../src/GridscaleSimulator.js"
import { credentials } from "./lib.js"

const [url, mode = "fetch", countText = "1000"] = process.argv.slice(2)
const count = Number(countText)
const headers = {
  "x-auth-userid": credentials.userId,
  "x-auth-token": credentials.token,
  "content-type": "application/json"
}
const body = (name: string) => ({ name, capacity: 10, location_uuid: locationId })
const nextDelay = (delay: number) => Math.min(delay * 1.2, 1900)
type Created = { readonly request_uuid: string; readonly object_uuid: string }
type Status = Record<string, { readonly status?: string }>

const viaFetch = async (name: string) => {
  const created: Created = await (await fetch(`${url}/objects/storages`, {
    method: "POST",
    headers,
    body: JSON.stringify(body(name))
  })).json()
  for (let delay = 100;; delay = nextDelay(delay)) {
    await new Promise((resolve) => setTimeout(resolve, delay))
    const status: Status = await (await fetch(`${url}/requests/${created.request_uuid}`, { headers })).json()
    if (status[created.request_uuid]?.status === "done") break
  }
  return (await fetch(`${url}/objects/storages/${created.object_uuid}`, { headers })).json()
}

const viaPlatform = (client: HttpClient.HttpClient) => (name: string) =>
  Effect.gen(function*() {
    const json = <A>(request: HttpClientRequest.HttpClientRequest) =>
      Effect.flatMap(client.execute(HttpClientRequest.setHeaders(request, headers)), (r) => r.json as Effect.Effect<A>)
    const created = yield* json<Created>(
      HttpClientRequest.bodyUnsafeJson(HttpClientRequest.post(`${url}/objects/storages`), body(name))
    )
    for (let delay = 100;; delay = nextDelay(delay)) {
      yield* Effect.sleep(delay)
      const status = yield* json<Status>(HttpClientRequest.get(`${url}/requests/${created.request_uuid}`))
      if (status[created.request_uuid]?.status === "done") break
    }
    return yield* json<unknown>(HttpClientRequest.get(`${url}/objects/storages/${created.object_uuid}`))
  })

const main = async () => {
  const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const client = await runtime.runPromise(HttpClient.HttpClient)
  const create = mode === "fetch" ? viaFetch : (name: string) => runtime.runPromise(viaPlatform(client)(name))
  // Warm-up: a connection and the code paths, as the client's run has had its single creates.
  await Promise.all(Array.from({ length: 3 }, (_, i) => create(`floor-single-${i}`)))
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10)
  const t0 = performance.now()
  const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => create(`floor-${i}`)))
  const wallMs = performance.now() - t0
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  process.send?.({
    wallMs,
    completed: results.filter((r) => r.status === "fulfilled").length,
    peakRssMb: peakRss / 1024 / 1024
  })
}

main().then(
  () => setTimeout(() => process.exit(0), 100),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
