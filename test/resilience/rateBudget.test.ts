/**
 * The rate budget under load: a client configured for the simulator's budget (30 requests per 1 s
 * window) runs many concurrent calls; none fails with RateLimitExceeded, and the simulator sends at
 * most five 429s in all. In memory on `TestClock` (200 calls), and over loopback HTTP on the live
 * clock (100 calls, so that it takes about three seconds).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as GridscaleSimulatorServer from "../../src/GridscaleSimulatorServer.js"

const credentials = { userId: "0c7e5bde-2b1a-4c3f-9e8d-7a6b5c4d3e2f", token: "rate-test-token" }
const budget = { limit: 30, window: "1 second" } as const
const rateLimit = { limit: 30, windowMillis: 1_000 }

/** `calls` concurrent calls of mixed reads, each as an `Either`. */
const workload = (calls: number) =>
  Effect.gen(function*() {
    const gridscale = yield* Gridscale.Gridscale
    const call = (i: number) =>
      i % 3 === 0
        ? gridscale.locations.list()
        : i % 3 === 1
        ? gridscale.templates.list()
        : gridscale.networks.list()
    return yield* Effect.forEach(Array.from({ length: calls }, (_, i) => i), (i) => Effect.either(call(i)), {
      concurrency: "unbounded"
    })
  })

describe("rate budget", () => {
  it.effect("200 concurrent calls on a 30/s budget: no RateLimitExceeded, at most five 429s (in memory)", () =>
    Effect.gen(function*() {
      const client = Gridscale.layer.pipe(
        Layer.provideMerge(GridscaleSimulator.layerWith({ rateLimit })),
        Layer.provide(GridscaleConfig.layer({ ...credentials, rate: budget }))
      )
      const { counters, results, seconds } = yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork(workload(200))
        let elapsed = 0
        // Steps of 100 ms: every sleeper still wakes at its own time, and the run is short.
        while (fiber.unsafePoll() === null) {
          yield* TestClock.adjust(100)
          elapsed += 100
        }
        return {
          results: yield* Fiber.join(fiber),
          counters: yield* GridscaleSimulator.counters,
          seconds: elapsed / 1000
        }
      }).pipe(Effect.provide(client))
      expect(results.filter((r) => r._tag === "Left")).toEqual([])
      expect(counters.rateLimited).toBeLessThanOrEqual(5)
      // 200 calls at 30 per second cannot take less than six windows...
      expect(seconds).toBeGreaterThanOrEqual(6)
      // ...and a budget that follows the server's windows needs no more than a few beyond that.
      expect(seconds).toBeLessThanOrEqual(8)
    }))

  it.live(
    "100 concurrent calls on a 30/s budget: no RateLimitExceeded, at most five 429s (loopback HTTP)",
    () =>
      Effect.gen(function*() {
        const server = yield* GridscaleSimulatorServer.serve({ credentials, rateLimit })
        const client = Gridscale.layer.pipe(
          Layer.provide(NodeHttpClient.layerUndici),
          Layer.provide(GridscaleConfig.layer({ ...credentials, apiUrl: server.url, rate: budget }))
        )
        const results = yield* workload(100).pipe(Effect.provide(client))
        const counters = server.counters()
        expect(results.filter((r) => r._tag === "Left")).toEqual([])
        expect(counters.rateLimited).toBeLessThanOrEqual(5)
        expect(counters.requests).toBeGreaterThanOrEqual(100)
      }).pipe(Effect.scoped),
    30_000
  )
})
