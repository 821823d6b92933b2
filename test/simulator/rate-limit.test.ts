import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { call } from "./api.js"

describe("rate limit", () => {
  it.effect("210 requests per 60 s by default; then every request gets 429 until the reset, then the budget returns", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("5 seconds")
      const first = yield* call("GET", "/objects/servers")
      expect(first.headers["ratelimit-limit"]).toBe("210")
      expect(first.headers["ratelimit-remaining"]).toBe("209")
      // The window starts with the first request.
      expect(first.headers["ratelimit-reset"]).toBe("65000")
      for (let i = 0; i < 208; i++) yield* call("GET", "/objects/servers")
      const last = yield* call("GET", "/objects/servers")
      expect(last.status).toBe(200)
      expect(last.headers["ratelimit-remaining"]).toBe("0")
      const limited = yield* call("GET", "/objects/servers")
      expect(limited.status).toBe(429)
      expect(limited.json).toEqual({ id: "too_many_requests", message: "API Rate limit exceeded." })
      expect(limited.headers).toMatchObject({ "ratelimit-remaining": "0", "ratelimit-reset": "65000" })
      expect(limited.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)
      yield* TestClock.adjust("59999 millis")
      expect((yield* call("POST", "/objects/networks", { body: { name: "n" } })).status).toBe(429)
      yield* TestClock.adjust("1 millis")
      const fresh = yield* call("GET", "/objects/servers")
      expect(fresh.status).toBe(200)
      expect(fresh.headers["ratelimit-remaining"]).toBe("209")
      expect(fresh.headers["ratelimit-reset"]).toBe("125000")
      const counters = yield* GridscaleSimulator.counters
      expect(counters.rateLimited).toBe(2)
      expect(counters.byStatus["429"]).toBe(2)
      expect(counters.requests).toBe(213)
      expect(counters.writesApplied).toBe(0)
    }).pipe(Effect.provide(GridscaleSimulator.layer)))

  it.effect("limit and window are configurable", () =>
    Effect.gen(function*() {
      expect((yield* call("GET", "/objects/servers")).headers["ratelimit-remaining"]).toBe("2")
      yield* call("GET", "/objects/servers")
      yield* call("GET", "/objects/servers")
      const limited = yield* call("GET", "/objects/servers")
      expect(limited.status).toBe(429)
      expect(limited.headers["ratelimit-reset"]).toBe("1000")
      yield* TestClock.adjust("1 second")
      expect((yield* call("GET", "/objects/servers")).status).toBe(200)
    }).pipe(Effect.provide(GridscaleSimulator.layerWith({ rateLimit: { limit: 3, windowMillis: 1000 } }))))

  it.effect("the rate limit can be turned off", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 300; i++) expect((yield* call("GET", "/objects/locations")).status).toBe(200)
      expect((yield* call("GET", "/objects/locations")).headers["ratelimit-limit"]).toBeUndefined()
    }).pipe(Effect.provide(GridscaleSimulator.layerWith({ rateLimit: false }))))
})
