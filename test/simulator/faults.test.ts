import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { call, credentials } from "./api.js"

const provide = Effect.provide(GridscaleSimulator.layer)

const createNetwork = (name: string) => call("POST", "/objects/networks", { body: { name } })

const networkNames = Effect.map(
  GridscaleSimulator.snapshot,
  (state) => Object.values(state.networks!).map((n: any) => n.name).filter((n) => n !== "Public Network")
)

const lastFault = Effect.map(GridscaleSimulator.counters, (c) => c.faultLog[c.faultLog.length - 1])

/** Sends a create and returns the platform's reply or error without reading the body. */
const rawCreate = (name: string) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.post("https://api.gridscale.io/objects/networks").pipe(
        HttpClientRequest.setHeaders(credentials),
        HttpClientRequest.bodyUnsafeJson({ name })
      )
    ))

describe("faults that answer before the request is carried out", () => {
  it.effect("503 carries Retry-After in seconds and applies nothing", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "ServiceUnavailable", method: "POST", times: 1 })
      const reply = yield* createNetwork("n")
      expect(reply.status).toBe(503)
      expect(reply.headers["retry-after"]).toBe("3")
      expect(reply.json).toEqual({ title: "Service Unavailable", description: expect.any(String) })
      expect(yield* networkNames).toEqual([])
      expect(yield* lastFault).toMatchObject({ kind: "ServiceUnavailable", applied: false, method: "POST" })
      expect((yield* createNetwork("n")).status).toBe(202)
      expect(yield* networkNames).toEqual(["n"])
    }).pipe(Effect.provide(GridscaleSimulator.layerWith({ faults: { retryAfterSeconds: 3 } }))))

  it.effect("424 and an injected 429 apply nothing", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "FailedDependency", nth: 1 })
      yield* GridscaleSimulator.injectFault({ kind: "TooManyRequests", nth: 1 })
      const locked = yield* createNetwork("a")
      expect(locked.status).toBe(424)
      const limited = yield* createNetwork("b")
      expect(limited.status).toBe(429)
      expect(limited.json).toEqual({ id: "too_many_requests", message: "API Rate limit exceeded." })
      expect(limited.headers["ratelimit-remaining"]).toBe("0")
      expect(yield* networkNames).toEqual([])
    }).pipe(provide))

  it.effect("a refused connection fails with a Transport RequestError (ECONNREFUSED) and applies nothing", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "ConnectionRefused", times: 1 })
      const error = yield* Effect.flip(rawCreate("n"))
      expect(error._tag).toBe("RequestError")
      expect(error.reason).toBe("Transport")
      expect((error.cause as any).code).toBe("ECONNREFUSED")
      expect(yield* networkNames).toEqual([])
    }).pipe(provide))
})

describe("faults after the request was carried out", () => {
  it.effect("500 answers an error although the write was applied", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "InternalError", path: "/objects/networks", times: 1 })
      const reply = yield* createNetwork("n")
      expect(reply.status).toBe(500)
      expect(reply.json).toEqual({ title: "Internal Server Error", description: expect.any(String) })
      expect(yield* networkNames).toEqual(["n"])
      expect(yield* lastFault).toMatchObject({ kind: "InternalError", applied: true })
    }).pipe(provide))

  it.effect("a connection reset fails with a Transport RequestError (ECONNRESET) after the write", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "ConnectionReset", times: 1 })
      const error = yield* Effect.flip(rawCreate("n"))
      expect(error._tag).toBe("RequestError")
      expect(error.reason).toBe("Transport")
      expect((error.cause as any).code).toBe("ECONNRESET")
      expect(yield* networkNames).toEqual(["n"])
      expect(yield* lastFault).toMatchObject({ kind: "ConnectionReset", applied: true })
    }).pipe(provide))

  it.effect("a truncated body has its status and headers but the body errors after a partial chunk", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "TruncatedBody", times: 1 })
      const response = yield* rawCreate("n")
      expect(response.status).toBe(202)
      expect(Number(response.headers["content-length"])).toBeGreaterThan(0)
      const error = yield* Effect.flip(response.text)
      expect(error._tag).toBe("ResponseError")
      expect(yield* networkNames).toEqual(["n"])
    }).pipe(provide))

  it.effect("invalid JSON is a 2xx whose body does not parse", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "InvalidJson", times: 1 })
      const response = yield* rawCreate("n")
      expect(response.status).toBe(202)
      const text = yield* response.text
      expect(() => JSON.parse(text)).toThrow()
      expect(yield* networkNames).toEqual(["n"])
    }).pipe(provide))

  it.effect("a slow reply waits on the Clock before answering; the write is applied first", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "SlowReply", delayMillis: 10_000, times: 1 })
      const fiber = yield* Effect.fork(createNetwork("n"))
      yield* TestClock.adjust("9 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      expect(yield* networkNames).toEqual(["n"])
      yield* TestClock.adjust("1 second")
      const reply = yield* Fiber.join(fiber)
      expect(reply.status).toBe(202)
    }).pipe(provide))

  it.effect("interrupting a slow reply applies nothing more than what was applied before the wait", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "SlowReply", delayMillis: 10_000 })
      const fiber = yield* Effect.fork(createNetwork("n"))
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      yield* TestClock.adjust("1 minute")
      expect(yield* networkNames).toEqual(["n"])
      const counters = yield* GridscaleSimulator.counters
      expect(counters.writesApplied).toBe(1)
      expect(counters.created.networks).toEqual({ n: 1 })
    }).pipe(provide))
})

describe("a slow reply and the client's per-attempt timeout", () => {
  it.effect("the attempt ends when the client's timeout aborts the request, as a real socket does", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "SlowReply", method: "GET", delayMillis: 60_000, times: 1 })
      const fiber = yield* Effect.fork(GridscaleConnection.request("GET", "/objects/locations"))
      // Far less than the slow reply's minute: the 200 ms timeout and one retry's backoff.
      yield* TestClock.adjust("5 seconds")
      const reply = yield* Fiber.join(fiber)
      expect(reply).toHaveProperty("locations")
      const counters = yield* GridscaleSimulator.counters
      expect(counters.byMethod.GET).toBe(2)
    }).pipe(
      Effect.provide(
        GridscaleConnection.layer.pipe(
          Layer.provideMerge(GridscaleSimulator.layer),
          Layer.provide(GridscaleConfig.layer({ userId: "u", token: "t", timeout: "200 millis" }))
        )
      )
    ))
})

describe("fault rules and rates", () => {
  it.effect("a rule can hit only the nth matching request", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({
        kind: "ServiceUnavailable",
        method: "GET",
        path: "/objects/servers",
        nth: 2
      })
      const statuses: Array<number> = []
      for (let i = 0; i < 3; i++) statuses.push((yield* call("GET", "/objects/servers/")).status)
      statuses.push((yield* call("GET", "/objects/storages")).status)
      expect(statuses).toEqual([200, 503, 200, 200])
    }).pipe(provide))

  it.effect("rules given as options apply from the start; clearFaults removes them", () =>
    Effect.gen(function*() {
      expect((yield* call("GET", "/objects/servers")).status).toBe(500)
      yield* GridscaleSimulator.clearFaults
      expect((yield* call("GET", "/objects/servers")).status).toBe(200)
    }).pipe(Effect.provide(GridscaleSimulator.layerWith({ faults: { rules: [{ kind: "InternalError" }] } }))))

  const faultSequence = (seed: number) =>
    Effect.gen(function*() {
      for (let i = 0; i < 60; i++) yield* Effect.either(rawCreate(`n${i}`))
      const counters = yield* GridscaleSimulator.counters
      const state = yield* GridscaleSimulator.snapshot
      return { log: counters.faultLog.map((f) => `${f.requestId} ${f.kind}`), ids: Object.keys(state.networks!) }
    }).pipe(
      Effect.provide(GridscaleSimulator.layerWith({
        seed,
        rateLimit: false,
        faults: { rate: 0.3, kinds: ["ServiceUnavailable", "InternalError", "ConnectionReset", "InvalidJson"] }
      }))
    )

  it.effect("a fault rate injects about that share of faults, the same ones under the same seed", () =>
    Effect.gen(function*() {
      const first = yield* faultSequence(42)
      expect(first.log.length).toBeGreaterThan(6)
      expect(first.log.length).toBeLessThan(35)
      expect(new Set(first.log.map((l) => l.split(" ")[1])).size).toBeGreaterThan(1)
      expect(yield* faultSequence(42)).toEqual(first)
      expect((yield* faultSequence(43)).log).not.toEqual(first.log)
    }))

  it.effect("counters count requests by method and status, faults by kind and objects by name", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "ConnectionReset", times: 1 })
      yield* Effect.either(rawCreate("web"))
      yield* createNetwork("web")
      yield* createNetwork("db")
      yield* call("GET", "/objects/nothing")
      const counters = yield* GridscaleSimulator.counters
      expect(counters.requests).toBe(4)
      expect(counters.byMethod).toEqual({ POST: 3, GET: 1 })
      expect(counters.byStatus).toEqual({ "202": 2, "404": 1 })
      expect(counters.faults).toEqual({ ConnectionReset: 1 })
      expect(counters.writesApplied).toBe(3)
      // A retried create after a reset made a duplicate: the counters show it.
      expect(counters.created.networks).toEqual({ web: 2, db: 1 })
      yield* GridscaleSimulator.reset
      expect((yield* GridscaleSimulator.counters).requests).toBe(0)
      expect(yield* networkNames).toEqual([])
    }).pipe(provide))
})
