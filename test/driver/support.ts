import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { readFileSync } from "node:fs"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"

/** Short jobs and quick polls, so tests on the live clock stay fast. */
export const fastConfig: GridscaleConfig.Options = {
  userId: "5c3b8a0e-6f1d-4a22-9d43-1f8a0b7c2e11",
  token: "driver-test-token",
  polling: { initialDelay: "2 millis", youngFor: "10 millis", maxInterval: "10 millis", timeout: "10 seconds" },
  retry: { baseDelay: "1 millis", maxDelay: "5 millis" },
  // The in-memory simulator sends no rate-limit headers, so the client-side ceiling would rule for
  // good; these tests poll every few milliseconds, far more than a real account's budget allows.
  rate: { limit: 100_000 }
}

/** The whole client on a fresh in-memory simulator whose jobs take `jobMillis` (or `jobDuration`). */
export const simulated = (
  options: {
    readonly jobMillis?: number
    readonly jobDuration?: GridscaleSimulator.JobDuration
    readonly config?: Partial<GridscaleConfig.Options>
  } = {}
) =>
  Gridscale.layer.pipe(
    Layer.provideMerge(GridscaleSimulator.layerWith({
      jobDuration: options.jobDuration ?? options.jobMillis ?? 5,
      rateLimit: false
    })),
    Layer.provide(GridscaleConfig.layer({ ...fastConfig, ...options.config }))
  )

/** How many requests the simulator has answered so far. */
export const requestCount = Effect.map(GridscaleSimulator.counters, (c) => c.requests)

/** The ids of every object of a family the simulator holds. */
export const idsOf = (family: string) =>
  Effect.map(GridscaleSimulator.snapshot, (state) => Object.keys(state[family] ?? {}).sort())

/** The account's own objects: what provisioning may create and must remove on failure. */
export const ownObjects = Effect.gen(function*() {
  return {
    servers: yield* idsOf("servers"),
    storages: yield* idsOf("storages"),
    ips: yield* idsOf("ips"),
    networks: yield* idsOf("networks")
  }
})

export const location = GridscaleSimulator.locationId
export const template = GridscaleSimulator.templateIds[0]!

const fixtures = new URL("../fixtures/", import.meta.url)

const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, fixtures), "utf8"))

/** A recorded real reply of Libcloud's gridscale tests (copied into test/fixtures by `npm run generate`). */
export const fixture = (name: string): unknown => readJson(`libcloud/${name}`)

/** The spec's example object of a definition (copied into test/fixtures by `npm run generate`). */
export const example = (definition: string): unknown => readJson(`examples/${definition}.json`)

/**
 * The whole client on an `HttpClient` that answers each GET from `replies` (by path) with 200,
 * and anything else with 404; for decoding recorded replies through the driver's operations.
 */
export const replaying = (replies: Readonly<Record<string, unknown>>) => {
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const body = request.method === "GET" ? replies[url.pathname] : undefined
      const response = body === undefined
        ? new Response(JSON.stringify({ message: "not found" }), { status: 404, headers: jsonHeaders })
        : new Response(JSON.stringify(body), { status: 200, headers: jsonHeaders })
      return HttpClientResponse.fromWeb(request, response)
    })
  )
  return Gridscale.layer.pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.provide(GridscaleConfig.layer(fastConfig))
  )
}

const jsonHeaders = { "content-type": "application/json", "x-request-id": "replayed" }
