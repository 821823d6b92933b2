import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as util from "node:util"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import type { GridscaleError } from "../../src/GridscaleError.js"
import * as GridscalePolling from "../../src/GridscalePolling.js"
import * as GridscaleResponse from "../../src/GridscaleResponse.js"
import * as FakeApi from "../support/FakeApi.js"

const ok = { status: 200, body: { servers: {} } } as const

/** Runs `effect` on the fake, moving the TestClock forward by `millis` while it runs. */
const runFor = <A, E>(
  fake: ReturnType<typeof FakeApi.make>,
  effect: Effect.Effect<A, E, GridscaleConnection.GridscaleConnection>,
  millis = 0,
  options?: Parameters<typeof FakeApi.connection>[1]
) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(effect))
    yield* TestClock.adjust(millis)
    return yield* Fiber.join(fiber)
  }).pipe(Effect.provide(FakeApi.connection(fake, options)))

const failure = <A, E>(exit: import("effect/Exit").Exit<A, E>): E => {
  if (exit._tag === "Success" || exit.cause._tag !== "Fail") throw new Error(`expected a failure, got ${String(exit)}`)
  return exit.cause.error
}

describe("GridscaleConnection", () => {
  it.effect("sends the auth headers and JSON on every request", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ status: 202, body: { request_uuid: "r1", object_uuid: "o1" } }))
      yield* runFor(fake, GridscaleConnection.request("GET", "/objects/servers"))
      yield* runFor(fake, GridscaleConnection.request("POST", "/objects/servers", { body: { name: "a" } }))
      expect(fake.seen).toHaveLength(2)
      for (const req of fake.seen) {
        expect(req.headers["x-auth-userid"]).toBe(FakeApi.userId)
        expect(req.headers["x-auth-token"]).toBe(FakeApi.token)
        expect(req.headers["accept"]).toBe("application/json")
        expect(req.url.startsWith("https://api.gridscale.io/objects/servers")).toBe(true)
      }
      expect(fake.seen[1].headers["content-type"]).toBe("application/json")
      expect(JSON.parse(fake.seen[1].body!)).toEqual({ name: "a" })
    }))

  it.effect("returns the decoded body, and nothing for a 204", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req) => req.method === "GET" ? ok : { status: 204 })
      const schema = Schema.Struct({ servers: Schema.Record({ key: Schema.String, value: Schema.Unknown }) })
      const body = yield* runFor(fake, GridscaleConnection.request("GET", "/objects/servers", { schema }))
      expect(body._tag === "Success" && body.value).toEqual({ servers: {} })
      const none = yield* runFor(fake, GridscaleConnection.request("DELETE", "/objects/servers/abc"))
      expect(none._tag === "Success" && none.value).toBeUndefined()
    }))

  it.effect("refuses a path that is not a plain API path, sending nothing", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ok)
      for (
        const path of ["/objects/servers/../x", "/objects/servers?x=1", "/objects/a#b", "/objects/%2F", "/x\r\nY: z"]
      ) {
        const error = failure(yield* runFor(fake, GridscaleConnection.request("GET", path)))
        expect(error._tag).toBe("InvalidInput")
      }
      expect(fake.seen).toHaveLength(0)
    }))

  it.effect("refuses a body JSON cannot encode as InvalidInput, sending nothing", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ok)
      const cyclic: Record<string, unknown> = {}
      cyclic.self = cyclic
      for (const body of [{ size: 10n }, cyclic]) {
        const error = failure(yield* runFor(fake, GridscaleConnection.request("POST", "/objects/storages", { body })))
        expect(error).toMatchObject({ _tag: "InvalidInput", field: "body" })
      }
      expect(fake.seen).toHaveLength(0)
    }))

  it.effect("waits for RateLimit-Reset after a 429, then succeeds", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req, i) =>
        i === 0
          ? {
            status: 429,
            headers: { "ratelimit-remaining": "0", "ratelimit-limit": "210", "ratelimit-reset": String(req.at + 5000) },
            body: { id: "too_many_requests", message: "API Rate limit exceeded." }
          }
          : ok
      )
      const exit = yield* runFor(fake, GridscaleConnection.request("GET", "/objects/servers"), 6000)
      expect(exit._tag).toBe("Success")
      expect(fake.seen.map((r) => r.at)).toEqual([0, 5000])
    }))

  it.effect("honours Retry-After in seconds on a 503", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((_, i) => i === 0 ? { status: 503, headers: { "retry-after": "3" } } : ok)
      const exit = yield* runFor(fake, GridscaleConnection.request("POST", "/objects/servers", { body: {} }), 4000)
      expect(exit._tag).toBe("Success")
      expect(fake.seen).toHaveLength(2)
      expect(fake.seen[1].at).toBeGreaterThanOrEqual(3000)
    }))

  it.effect("honours Retry-After as an HTTP date on a 503", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((_, i) =>
        i === 0 ? { status: 503, headers: { "retry-after": new Date(7000).toUTCString() } } : ok
      )
      const exit = yield* runFor(fake, GridscaleConnection.request("GET", "/objects/servers"), 8000)
      expect(exit._tag).toBe("Success")
      expect(fake.seen[1].at).toBeGreaterThanOrEqual(7000)
    }))

  it.effect("does not re-send a POST that timed out, and says its outcome is unknown", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ hang: true }))
      const exit = yield* runFor(
        fake,
        GridscaleConnection.request("POST", "/objects/storages", { body: { name: "x" } }),
        40_000,
        { timeout: "2 seconds" }
      )
      const error = failure(exit)
      expect(error._tag).toBe("TransportError")
      expect(error._tag === "TransportError" && error.reason).toBe("Timeout")
      expect(error._tag === "TransportError" && error.outcomeUnknown).toBe(true)
      expect(fake.seen).toHaveLength(1)
    }))

  it.effect("does not re-send a POST whose connection was reset", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ fail: "ECONNRESET" }))
      const error = failure(
        yield* runFor(fake, GridscaleConnection.request("POST", "/objects/ips", { body: {} }), 5000)
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", outcomeUnknown: true })
      expect(fake.seen).toHaveLength(1)
    }))

  it.effect("does not re-send a POST after a 500", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ status: 500 }))
      const error = failure(
        yield* runFor(fake, GridscaleConnection.request("POST", "/objects/ips", { body: {} }), 5000)
      )
      expect(error).toMatchObject({ _tag: "ServerError", status: 500, outcomeUnknown: true })
      expect(fake.seen).toHaveLength(1)
    }))

  it.effect("re-sends a POST whose connection was refused", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((_, i) => i === 0 ? { fail: "ECONNREFUSED" } : ok)
      const exit = yield* runFor(fake, GridscaleConnection.request("POST", "/objects/ips", { body: {} }), 5000)
      expect(exit._tag).toBe("Success")
      expect(fake.seen).toHaveLength(2)
    }))

  it.effect("retries a GET after a reset, a 500 and a 409", () =>
    Effect.gen(function*() {
      const answers = [{ fail: "ECONNRESET" as const }, { status: 500 }, { status: 409 }, ok]
      const fake = FakeApi.make((_, i) => answers[i])
      const exit = yield* runFor(fake, GridscaleConnection.request("GET", "/objects/servers"), 20_000)
      expect(exit._tag).toBe("Success")
      expect(fake.seen).toHaveLength(4)
    }))

  it.effect("gives up after five retries with the last error", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ status: 502 }))
      const error = failure(yield* runFor(fake, GridscaleConnection.request("GET", "/objects/servers"), 120_000))
      expect(error).toMatchObject({ _tag: "ServerError", status: 502, outcomeUnknown: false })
      expect(fake.seen).toHaveLength(6)
    }))

  it.effect("treats a 404 on a retried DELETE as done", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((_, i) => i === 0 ? { fail: "ECONNRESET" } : { status: 404 })
      const exit = yield* runFor(fake, GridscaleConnection.request("DELETE", "/objects/servers/abc"), 5000)
      expect(exit._tag).toBe("Success")
      expect(fake.seen).toHaveLength(2)
    }))

  it.effect("reports a 404 on a first DELETE as ResourceNotFound", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ status: 404, body: { title: "Not found" } }))
      const error = failure(yield* runFor(fake, GridscaleConnection.request("DELETE", "/objects/servers/abc")))
      expect(error._tag).toBe("ResourceNotFound")
    }))

  it.effect("does not retry a reply that does not match its schema", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ status: 200, body: { server: { name: 1 } } }))
      const schema = Schema.Struct({ server: Schema.Struct({ name: Schema.String }) })
      const error = failure(yield* runFor(fake, GridscaleConnection.request("GET", "/objects/servers/a", { schema })))
      expect(error).toMatchObject({ _tag: "ResponseDecodeError", field: "server.name", outcomeUnknown: false })
      expect(fake.seen).toHaveLength(1)
    }))

  it.effect("waits out a spent budget instead of drawing a 429", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req) => ({
        status: 200,
        headers: {
          "ratelimit-remaining": req.at < 10_000 ? "0" : "209",
          "ratelimit-limit": "210",
          "ratelimit-reset": String(req.at < 10_000 ? 10_000 : 70_000)
        },
        body: {}
      }))
      const exit = yield* runFor(
        fake,
        Effect.zipRight(
          GridscaleConnection.request("GET", "/objects/servers"),
          GridscaleConnection.request("GET", "/objects/servers")
        ),
        11_000
      )
      expect(exit._tag).toBe("Success")
      expect(fake.seen.map((r) => r.at)).toEqual([0, 10_000])
    }))

  it.effect("spreads job polls over the window, within their share of the budget", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make((req, i) => ({
        status: 200,
        headers: {
          "ratelimit-limit": "100",
          "ratelimit-remaining": String(99 - i),
          "ratelimit-reset": String(req.at < 60_000 ? 60_000 : 120_000)
        },
        body: {}
      }))
      const polls = Effect.forEach(
        Array.from({ length: 40 }, () => GridscaleConnection.request("GET", "/requests/r", { priority: "poll" })),
        (poll) => poll,
        { concurrency: "unbounded" }
      )
      // A first reply tells the budget (before it, the client-side ceiling is what holds a burst).
      const exit = yield* runFor(
        fake,
        Effect.zipRight(GridscaleConnection.request("GET", "/objects/servers"), polls),
        40_000
      )
      expect(exit._tag).toBe("Success")
      const at = fake.seen.map((r) => r.at)
      // Half of the polls' share (half of the budget) may go at once...
      expect(at.filter((t) => t === 0).length).toBeLessThanOrEqual(26)
      // ...and the rest are spread out, not sent in a burst nor held until the reset.
      expect(new Set(at).size).toBeGreaterThan(3)
      expect(Math.max(...at)).toBeLessThan(60_000)
    }))

  it.effect("never shows the token in an error's message, JSON or inspection", () =>
    Effect.gen(function*() {
      const answers = [{ status: 401 }, { status: 429 }, { status: 500 }, { fail: "ECONNRESET" as const }, {
        status: 200,
        body: "{bad"
      }]
      const errors: Array<GridscaleError> = []
      for (const answer of answers) {
        const fake = FakeApi.make(() => answer)
        errors.push(
          failure(yield* runFor(fake, GridscaleConnection.request("POST", "/objects/servers", { body: {} }), 130_000))
        )
      }
      const fake = FakeApi.make(() => ({ hang: true }))
      errors.push(
        failure(yield* runFor(fake, GridscaleConnection.request("GET", "/objects/x"), 200_000, { timeout: "1 second" }))
      )
      expect(errors.map((e) => e._tag)).toEqual([
        "InvalidCredentials",
        "RateLimitExceeded",
        "ServerError",
        "TransportError",
        "ResponseDecodeError",
        "TransportError"
      ])
      for (const error of errors) {
        for (const shown of [error.message, JSON.stringify(error), util.inspect(error, { depth: 10 }), String(error)]) {
          expect(shown).not.toContain(FakeApi.token)
        }
      }
    }))

  it.effect("makeContext makes the connection and its poller in one effect, sending through one transport", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = FakeApi.make((req) =>
        req.path.startsWith("/requests/")
          ? { status: 200, body: { "job-1": { status: "done" } } }
          : Effect.as(Effect.sleep(1_000), { status: 200, body: { servers: {} } })
      )
      const context = yield* GridscaleConnection.makeContext.pipe(
        Effect.provide(fake.layer),
        Effect.provide(FakeApi.config({ rate: { limit: Infinity, maxInFlight: 1 } }))
      )
      const read = yield* Effect.fork(
        Context.get(context, GridscaleConnection.GridscaleConnection).request(
          "GET",
          "/objects/servers"
        )
      )
      yield* Effect.yieldNow()
      const wait = yield* Effect.fork(Context.get(context, GridscalePolling.GridscalePolling).awaitRequest("job-1"))
      yield* TestClock.adjust(1_000)
      yield* Fiber.join(read)
      expect(yield* Fiber.join(wait)).toEqual({ status: "done" })
      // Due at 100 ms, the poll waited for the read's place: the two share the transport's limits.
      expect(fake.seen.map((s) => [s.path, s.at])).toEqual([["/objects/servers", 0], ["/requests/job-1", 1_000]])
      expect(Context.get(context, GridscaleResponse.GridscaleResponse)).toBe(GridscaleResponse.make)
    })))
})
