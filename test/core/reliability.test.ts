/**
 * Defaults that hold under ordinary conditions: how long a retry waits, when it is not made, what
 * a write's failure says about whether it happened, and ids taken from replies.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as TestClock from "effect/TestClock"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import type { GridscaleError } from "../../src/GridscaleError.js"
import * as GridscalePolling from "../../src/GridscalePolling.js"
import * as GridscaleResponse from "../../src/GridscaleResponse.js"
import * as FakeApi from "../support/FakeApi.js"

type Fake = ReturnType<typeof FakeApi.make>

/** Forks `effect` on the fake's connection; the caller moves the clock. */
const start = <A>(
  fake: Fake,
  effect: Effect.Effect<A, GridscaleError, GridscaleConnection.GridscaleConnection>,
  options?: Partial<GridscaleConfig.Options>
) => Effect.fork(Effect.exit(Effect.provide(effect, FakeApi.connection(fake, options))))

/** Whether the fiber has ended after the clock moved `millis`. */
const doneAfter = <A, E>(fiber: Fiber.RuntimeFiber<A, E>, millis: number) =>
  Effect.zipRight(TestClock.adjust(millis), Effect.map(Fiber.poll(fiber), (o) => o._tag === "Some"))

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit) || exit.cause._tag !== "Fail") throw new Error(`expected a failure, got ${String(exit)}`)
  return exit.cause.error
}

/** Rate headers as every real reply carries them: a window that resets in a minute. */
const rateHeaders = (now: number, remaining = 150) => ({
  "ratelimit-limit": "210",
  "ratelimit-remaining": String(remaining),
  "ratelimit-reset": String(now + 60_000)
})

describe("retry delays", () => {
  it.effect("a 500 on a GET is retried after the backoff, not at the rate window's reset", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req, i) =>
        i === 0
          ? { status: 500, headers: rateHeaders(req.at) }
          : { status: 200, headers: rateHeaders(req.at), body: { servers: {} } }
      )
      const fiber = yield* start(fake, GridscaleConnection.request("GET", "/objects/servers"))
      expect(yield* doneAfter(fiber, 1_000)).toBe(true)
      expect(Exit.isSuccess(yield* Fiber.join(fiber))).toBe(true)
      expect(fake.seen[1].at - fake.seen[0].at).toBeLessThan(1_000)
    }))

  it.effect("a 424 on a DELETE ends as ResourceLocked after the backoff's retries, in seconds", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req) => ({ status: 424, headers: rateHeaders(req.at) }))
      const fiber = yield* start(fake, GridscaleConnection.request("DELETE", "/objects/storages/s-1"))
      expect(yield* doneAfter(fiber, 15_000)).toBe(true)
      expect(failureOf(yield* Fiber.join(fiber))._tag).toBe("ResourceLocked")
      expect(fake.seen).toHaveLength(6)
    }))

  it.effect("a 429 waits until RateLimit-Reset", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req, i) =>
        i === 0
          ? { status: 429, headers: { ...rateHeaders(req.at, 0), "ratelimit-reset": String(req.at + 20_000) } }
          : { status: 200, headers: rateHeaders(req.at), body: {} }
      )
      const fiber = yield* start(fake, GridscaleConnection.request("GET", "/objects/servers"))
      expect(yield* doneAfter(fiber, 19_000)).toBe(false)
      expect(yield* doneAfter(fiber, 2_000)).toBe(true)
      expect(fake.seen[1].at - fake.seen[0].at).toBeGreaterThanOrEqual(20_000)
    }))

  it.effect("a Retry-After longer than the policy allows fails at once, saying when to come back", () =>
    Effect.gen(function*() {
      for (const retryAfter of ["1e12", "600"]) {
        const fake = FakeApi.make((req) => ({
          status: 503,
          headers: { ...rateHeaders(req.at), "retry-after": retryAfter }
        }))
        const fiber = yield* start(fake, GridscaleConnection.request("GET", "/objects/servers"))
        expect(yield* doneAfter(fiber, 0)).toBe(true)
        const error = failureOf(yield* Fiber.join(fiber))
        expect(error._tag).toBe("ServerError")
        expect(fake.seen).toHaveLength(1)
        expect("retryAt" in error && error.retryAt).toBeTruthy()
        expect(error.message).toContain("asked to be tried again at")
      }
    }))

  it.effect("no retry starts later than maxElapsed after the first attempt", () =>
    Effect.gen(function*() {
      // Each 503 asks for 50 s: the third attempt would start at 100 s, a fourth at 150 s.
      const fake = FakeApi.make((req) => ({ status: 503, headers: { ...rateHeaders(req.at), "retry-after": "50" } }))
      const fiber = yield* start(fake, GridscaleConnection.request("GET", "/objects/servers"))
      expect(yield* doneAfter(fiber, 120_000)).toBe(true)
      expect(fake.seen.map((s) => s.at)).toEqual([0, 50_000, 100_000])
    }))

  it.effect("logs each retry at debug level with its reason and delay", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        if (logLevel === LogLevel.Debug) lines.push(String(message))
      })
      const fake = FakeApi.make((req, i) => i === 0 ? { status: 502, headers: rateHeaders(req.at) } : { status: 204 })
      const fiber = yield* start(fake, GridscaleConnection.request("GET", "/objects/servers")).pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )
      yield* doneAfter(fiber, 1_000)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/retry 1 of GET \/objects\/servers in \d+ ms after: .*502/)
    }))

  it.effect("maxRetries 0 turns retries off", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ status: 503 }))
      const fiber = yield* start(fake, GridscaleConnection.request("GET", "/objects/servers"), {
        retry: { maxRetries: 0 }
      })
      expect(yield* doneAfter(fiber, 0)).toBe(true)
      expect(fake.seen).toHaveLength(1)
    }))
})

describe("what a write's failure says", () => {
  it.effect("a DELETE of an id that never existed, answered 429 then 404, is ResourceNotFound", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req, i) =>
        i === 0 ? { status: 429, headers: { "ratelimit-reset": String(req.at + 1_000) } } : { status: 404 }
      )
      const fiber = yield* start(fake, GridscaleConnection.asyncRequest("DELETE", "/objects/servers/nope"))
      yield* doneAfter(fiber, 5_000)
      expect(failureOf(yield* Fiber.join(fiber))._tag).toBe("ResourceNotFound")
    }))

  it.effect("a DELETE whose first attempt timed out succeeds when the retry finds it gone", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((_, i) => i === 0 ? { hang: true } : { status: 404 })
      const fiber = yield* start(fake, GridscaleConnection.asyncRequest("DELETE", "/objects/servers/s-1"), {
        timeout: "1 second"
      })
      yield* doneAfter(fiber, 5_000)
      expect(Exit.isSuccess(yield* Fiber.join(fiber))).toBe(true)
    }))

  it.effect("a write still waiting for the rate budget when the operation times out was never sent", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req) => ({ status: 200, headers: rateHeaders(req.at, 0), body: {} }))
      const program = Effect.zipRight(
        GridscaleConnection.request("GET", "/objects/servers"),
        GridscaleConnection.request("POST", "/objects/storages", { body: {} })
      )
      const fiber = yield* start(fake, program, { operationTimeout: "5 seconds" })
      yield* doneAfter(fiber, 6_000)
      const error = failureOf(yield* Fiber.join(fiber))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "OperationTimeout", outcomeUnknown: false })
      expect(fake.seen.map((s) => s.method)).toEqual(["GET"])
    }))

  it.effect("a create whose job fails names the object it created", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req) =>
        req.method === "POST"
          ? { status: 202, body: { request_uuid: "job-1", object_uuid: "obj-1" } }
          : { status: 200, body: { "job-1": { status: "failed", message: "no capacity" } } }
      )
      const fiber = yield* start(fake, GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }))
      yield* doneAfter(fiber, 2_000)
      const error = failureOf(yield* Fiber.join(fiber))
      expect(error).toMatchObject({
        _tag: "JobFailed",
        requestId: "job-1",
        objectId: "obj-1",
        jobMessage: "no capacity"
      })
      expect(error.message).toContain("obj-1")
    }))
})

describe("ids taken from a reply", () => {
  const cases: ReadonlyArray<[string, FakeApi.Answer]> = [
    ["request_uuid", { status: 202, body: { request_uuid: "../../objects/servers", object_uuid: "o-1" } }],
    ["object_uuid", { status: 202, body: { request_uuid: "r-1", object_uuid: "a/b" } }],
    ["X-Request-Id of a 204", { status: 204, headers: { "x-request-id": "x?y=1" } }]
  ]
  for (const [name, answer] of cases) {
    it.effect(`a ${name} that is not a plain id is ResponseDecodeError with an unknown outcome`, () =>
      Effect.gen(function*() {
        const fake = FakeApi.make((req) => req.method === "GET" ? { status: 500 } : answer)
        const fiber = yield* start(
          fake,
          GridscaleConnection.asyncRequest("PATCH", "/objects/servers/s-1", { body: {} })
        )
        yield* doneAfter(fiber, 1_000)
        const error = failureOf(yield* Fiber.join(fiber))
        expect(error).toMatchObject({ _tag: "ResponseDecodeError", outcomeUnknown: true })
        expect(fake.seen).toHaveLength(1)
      }))
  }
})

/** An API whose reply to a create spends the rate budget for 30 s; its job is done at once. */
const spendingCreate = () =>
  FakeApi.make((req) =>
    req.method === "POST"
      ? {
        status: 202,
        headers: { ...rateHeaders(req.at, 0), "ratelimit-reset": String(req.at + 30_000) },
        body: { request_uuid: "job-1", object_uuid: "o-1" }
      }
      : { status: 200, headers: rateHeaders(req.at), body: { "job-1": { status: "done" } } }
  )

describe("one core", () => {
  it.effect("the default poller spends the connection's rate budget: a spent budget holds the polls too", () =>
    Effect.gen(function*() {
      const fake = spendingCreate()
      const fiber = yield* start(fake, GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }))
      expect(yield* doneAfter(fiber, 10_000)).toBe(false)
      expect(fake.seen).toHaveLength(1)
      expect(yield* doneAfter(fiber, 25_000)).toBe(true)
      expect(fake.seen[1].at).toBeGreaterThanOrEqual(30_000)
    }))

  it.effect("a poller wrapping the default one, given to the connection, still shares its rate budget", () =>
    Effect.gen(function*() {
      const fake = spendingCreate()
      const heard: Array<string> = []
      const wrapped = Layer.effect(
        GridscalePolling.GridscalePolling,
        Effect.map(GridscalePolling.GridscalePolling, (builtIn) => ({
          awaitRequest: (id: string) => Effect.tap(builtIn.awaitRequest(id), () => Effect.sync(() => heard.push(id)))
        }))
      ).pipe(Layer.provide(GridscalePolling.layer))
      const connection = GridscaleConnection.layerWithoutDependencies.pipe(
        Layer.provide(wrapped),
        Layer.provide(GridscaleResponse.layer),
        Layer.provide(fake.layer),
        Layer.provide(FakeApi.config())
      )
      const fiber = yield* Effect.fork(
        Effect.provide(GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }), connection)
      )
      expect(yield* doneAfter(fiber, 10_000)).toBe(false)
      expect(fake.seen).toHaveLength(1)
      expect(yield* doneAfter(fiber, 25_000)).toBe(true)
      expect(heard).toEqual(["job-1"])
    }))

  it.effect("every request carries the W3C trace context of its span", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ status: 204 }))
      const fiber = yield* start(fake, GridscaleConnection.request("GET", "/objects/servers"))
      yield* doneAfter(fiber, 0)
      expect(fake.seen[0].headers["traceparent"]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
    }))

  it.live("the per-attempt timeout holds on the live clock with a client that ignores its AbortSignal", () =>
    Effect.gen(function*() {
      const deaf = HttpClient.make((request) =>
        Effect.promise(() =>
          new Promise<HttpClientResponse.HttpClientResponse>((resolve) =>
            setTimeout(() => resolve(HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))), 3_000)
          )
        )
      )
      const layer = GridscaleConnection.layer.pipe(
        Layer.provide(Layer.succeed(HttpClient.HttpClient, deaf)),
        Layer.provide(FakeApi.config({ timeout: "200 millis", retry: { maxRetries: 0 } }))
      )
      const started = Date.now()
      const exit = yield* Effect.exit(
        Effect.provide(GridscaleConnection.request("POST", "/objects/storages", { body: {} }), layer)
      )
      expect(Date.now() - started).toBeLessThan(2_000)
      expect(failureOf(exit)).toMatchObject({ _tag: "TransportError", reason: "Timeout", outcomeUnknown: true })
    }))
})

describe("configuration", () => {
  it.effect("refuses a token with characters a header cannot carry", () =>
    Effect.gen(function*() {
      for (const token of ["tökén", "tok\u00a0en", "a\u2028b", "emoji-😀"]) {
        const exit = yield* Effect.exit(GridscaleConfig.make({ userId: FakeApi.userId, token }))
        expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && ConfigError.isConfigError(exit.cause.error))
          .toBe(true)
      }
    }))

  it.effect("accepts maxRetries 0", () =>
    Effect.gen(function*() {
      const config = yield* GridscaleConfig.make({ userId: FakeApi.userId, token: "t", retry: { maxRetries: 0 } })
      expect(config.retry.maxRetries).toBe(0)
    }))
})
