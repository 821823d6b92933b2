/**
 * The rate budget under load: a client configured for the simulator's budget (30 requests per 1 s
 * window) runs 200 concurrent calls; none fails with RateLimitExceeded, and the simulator sends at
 * most five 429s in all.
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
const calls = 200

/** 200 concurrent calls of mixed reads; every one must succeed. */
const workload = Effect.gen(function*() {
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

const report = (where: string, results: ReadonlyArray<{ _tag: string }>, rateLimited: number, seconds: number) =>
  console.log(
    `rate budget (${where}): ${calls} concurrent calls, ${results.filter((r) => r._tag === "Right").length} ok, ` +
      `429s sent ${rateLimited}, ${seconds.toFixed(1)} s`
  )

describe("rate budget", () => {
  it.effect("200 concurrent calls on a 30/s budget: no RateLimitExceeded, at most five 429s (in memory)", () =>
    Effect.gen(function*() {
      const client = Gridscale.layer.pipe(
        Layer.provideMerge(GridscaleSimulator.layerWith({ rateLimit: { limit: 30, windowMillis: 1_000 } })),
        Layer.provide(GridscaleConfig.layer({ ...credentials, rate: budget }))
      )
      const { counters, results, seconds } = yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork(workload)
        let elapsed = 0
        while (fiber.unsafePoll() === null) {
          yield* TestClock.adjust(10)
          elapsed += 10
        }
        return {
          results: yield* Fiber.join(fiber),
          counters: yield* GridscaleSimulator.counters,
          seconds: elapsed / 1000
        }
      }).pipe(Effect.provide(client))
      report("in memory", results, counters.rateLimited, seconds)
      expect(results.filter((r) => r._tag === "Left")).toEqual([])
      expect(counters.rateLimited).toBeLessThanOrEqual(5)
      // 200 calls at 30 per second cannot take less than six windows.
      expect(seconds).toBeGreaterThanOrEqual(6)
    }))

  it.live(
    "200 concurrent calls on a 30/s budget: no RateLimitExceeded, at most five 429s (loopback HTTP)",
    () =>
      Effect.gen(function*() {
        const server = yield* GridscaleSimulatorServer.serve({
          credentials,
          rateLimit: { limit: 30, windowMillis: 1_000 }
        })
        const client = Gridscale.layer.pipe(
          Layer.provide(NodeHttpClient.layerUndici),
          Layer.provide(GridscaleConfig.layer({ ...credentials, apiUrl: server.url, rate: budget }))
        )
        const started = Date.now()
        const results = yield* workload.pipe(Effect.provide(client))
        const counters = server.counters()
        report("loopback", results, counters.rateLimited, (Date.now() - started) / 1000)
        expect(results.filter((r) => r._tag === "Left")).toEqual([])
        expect(counters.rateLimited).toBeLessThanOrEqual(5)
        expect(counters.requests).toBeGreaterThanOrEqual(calls)
      }).pipe(Effect.scoped),
    60_000
  )
})
