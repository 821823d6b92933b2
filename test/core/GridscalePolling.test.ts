import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as GridscalePolling from "../../src/GridscalePolling.js"
import * as GridscaleResponse from "../../src/GridscaleResponse.js"
import * as FakeApi from "../support/FakeApi.js"

/** A gridscale API whose one job ends at `endsAt` (ms on the Clock) with `outcome`. */
const jobApi = (endsAt: number, outcome: "done" | "failed" = "done", message = "Success.") =>
  FakeApi.make((req) => {
    if (req.method === "POST") return { status: 202, body: { request_uuid: "job-1", object_uuid: "obj-1" } }
    if (req.method === "PATCH") return { status: 204, headers: { "x-request-id": "job-2" } }
    const id = req.path.split("/").pop()!
    const status = req.at >= endsAt ? outcome : "pending"
    return { status: 200, body: { [id]: { status, message: status === "pending" ? "In progress." : message } } }
  })

const polls = (fake: ReturnType<typeof FakeApi.make>) => fake.seen.filter((r) => r.path.startsWith("/requests/"))

describe("GridscalePolling", () => {
  it.effect("asyncRequest returns the create reply once its job is done", () =>
    Effect.gen(function*() {
      const fake = jobApi(1_000)
      const fiber = yield* Effect.fork(
        GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: { name: "s" } }).pipe(
          Effect.provide(FakeApi.connection(fake))
        )
      )
      yield* TestClock.adjust(2_000)
      const reply = yield* Fiber.join(fiber)
      expect(reply).toEqual({ request_uuid: "job-1", object_uuid: "obj-1" })
      const seenAt = polls(fake).map((r) => r.at)
      expect(seenAt[0]).toBe(100)
      expect(seenAt.at(-1)! - 1_000).toBeLessThanOrEqual(260)
      expect(polls(fake).every((r) => r.path === "/requests/job-1")).toBe(true)
    }))

  it.effect("takes the request id from X-Request-Id when a 204 has no body", () =>
    Effect.gen(function*() {
      const fake = jobApi(300)
      const fiber = yield* Effect.fork(
        GridscaleConnection.asyncRequest("PATCH", "/objects/servers/abc", { body: { name: "n" } }).pipe(
          Effect.provide(FakeApi.connection(fake))
        )
      )
      yield* TestClock.adjust(1_000)
      yield* Fiber.join(fiber)
      expect(polls(fake).every((r) => r.path === "/requests/job-2")).toBe(true)
      expect(polls(fake).length).toBeGreaterThan(0)
    }))

  it.effect("fails with JobFailed within one poll of the job failing", () =>
    Effect.gen(function*() {
      const fake = jobApi(5_000, "failed", "Storage template not found.")
      const fiber = yield* Effect.fork(
        Effect.flip(
          GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }).pipe(
            Effect.provide(FakeApi.connection(fake))
          )
        )
      )
      yield* TestClock.adjust(8_000)
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "JobFailed", requestId: "job-1", jobMessage: "Storage template not found." })
      const seen = polls(fake)
      // The first poll after the failure is the last one.
      expect(seen.filter((r) => r.at >= 5_000)).toHaveLength(1)
      expect(seen.at(-1)!.at - 5_000).toBeLessThanOrEqual(1_900)
    }))

  it.effect("gives up with JobTimeout at the deadline", () =>
    Effect.gen(function*() {
      const fake = jobApi(Number.POSITIVE_INFINITY)
      const fiber = yield* Effect.fork(
        Effect.flip(
          GridscaleConnection.asyncRequest("POST", "/objects/storages", {
            body: {},
            polling: { timeout: "20 seconds" }
          }).pipe(Effect.provide(FakeApi.connection(fake)))
        )
      )
      yield* TestClock.adjust(19_900)
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust(200)
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "JobTimeout", requestId: "job-1", timeoutMillis: 20_000 })
      expect(polls(fake).every((r) => r.at <= 20_000)).toBe(true)
    }))

  it.effect("uses the configured deadline, 5 minutes by default", () =>
    Effect.gen(function*() {
      const fake = jobApi(Number.POSITIVE_INFINITY)
      const fiber = yield* Effect.fork(
        Effect.flip(
          GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }).pipe(
            Effect.provide(FakeApi.connection(fake))
          )
        )
      )
      yield* TestClock.adjust(301_000)
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "JobTimeout", timeoutMillis: 300_000 })
      // Long waits cost few polls: once the job is old, gaps are 1.9 s jittered down by at most 20%.
      expect(polls(fake).length).toBeLessThan(300_000 / (0.8 * 1_900) + 20)
    }))

  it.effect("stops polling at once when interrupted", () =>
    Effect.gen(function*() {
      const fake = jobApi(Number.POSITIVE_INFINITY)
      const fiber = yield* Effect.fork(
        GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }).pipe(
          Effect.provide(FakeApi.connection(fake))
        )
      )
      yield* TestClock.adjust(3_000)
      yield* Fiber.interrupt(fiber)
      const before = fake.seen.length
      yield* TestClock.adjust(60_000)
      expect(fake.seen.length).toBe(before)
      expect(before).toBeGreaterThan(2)
    }))

  it.effect("reports progress after every poll", () =>
    Effect.gen(function*() {
      const fake = jobApi(600)
      const seen: Array<GridscalePolling.Progress> = []
      const fiber = yield* Effect.fork(
        GridscaleConnection.asyncRequest("POST", "/objects/storages", {
          body: {},
          polling: { onProgress: (p) => Effect.sync(() => seen.push(p)) }
        }).pipe(Effect.provide(FakeApi.connection(fake)))
      )
      yield* TestClock.adjust(2_000)
      yield* Fiber.join(fiber)
      expect(seen.length).toBe(polls(fake).length)
      expect(seen.at(-1)).toMatchObject({ requestId: "job-1", status: "done" })
      expect(seen.map((p) => p.polls)).toEqual(seen.map((_, i) => i + 1))
    }))

  it.effect("says in the log when a job is still pending after 10 s, then every 30 s", () =>
    Effect.gen(function*() {
      const fake = jobApi(45_000)
      const lines: Array<string> = []
      const logger = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => lines.push(String(message))))
      const fiber = yield* Effect.fork(
        GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }).pipe(
          Effect.provide(Layer.merge(FakeApi.connection(fake), logger))
        )
      )
      yield* TestClock.adjust(50_000)
      yield* Fiber.join(fiber)
      const notices = lines.filter((l) => l.includes("still pending"))
      expect(notices).toHaveLength(2)
      expect(notices[0]).toMatch(/job job-1 still pending after 1\d s/)
    }))

  it.effect("awaitRequest works on its own, from the GridscalePolling service", () =>
    Effect.gen(function*() {
      const fake = jobApi(0)
      const status = yield* GridscalePolling.awaitRequest("job-9").pipe(
        Effect.provide(FakeApi.connection(fake)),
        Effect.fork,
        Effect.tap(() => TestClock.adjust(500)),
        Effect.flatMap(Fiber.join)
      )
      expect(status.status).toBe("done")
      expect(fake.seen[0].path).toBe("/requests/job-9")
    }))

  it.effect("asyncRequest waits with the GridscalePolling of its layer", () =>
    Effect.gen(function*() {
      const fake = jobApi(0)
      const awaited: Array<string> = []
      const poller = Layer.succeed(GridscalePolling.GridscalePolling, {
        awaitRequest: (id) => Effect.sync(() => (awaited.push(id), { status: "done" }))
      })
      const connection = GridscaleConnection.layerWithoutDependencies.pipe(
        Layer.provide(Layer.mergeAll(fake.layer, FakeApi.config(), GridscaleResponse.layer, poller))
      )
      yield* GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }).pipe(
        Effect.provide(connection)
      )
      expect(awaited).toEqual(["job-1"])
      expect(polls(fake)).toHaveLength(0)
    }))

  it.effect("a client built inside another client's context polls through its own connection", () =>
    Effect.gen(function*() {
      const outer = jobApi(0)
      const inner = jobApi(0)
      const fiber = yield* Effect.fork(
        GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }).pipe(
          Effect.provide(FakeApi.connection(inner)),
          Effect.provide(FakeApi.connection(outer))
        )
      )
      yield* TestClock.adjust(500)
      yield* Fiber.join(fiber)
      expect(polls(inner).length).toBeGreaterThan(0)
      expect(outer.seen).toHaveLength(0)
    }))

  it("its schedule is dense while a job is young and capped at 1.9 s after jitter", () => {
    const delays = Effect.runSync(
      Schedule.run(
        Schedule.delays(GridscalePolling.schedule(GridscaleConfig.defaultPolling)),
        0,
        Array.from({ length: 60 }, (_, i) => i)
      ).pipe(Effect.withRandom(Random.make("polling")))
    ).pipe((chunk) => Array.from(chunk, Duration.toMillis))
    expect(delays[0]).toBeGreaterThan(80)
    expect(delays[0]).toBeLessThan(140)
    let at = 100
    const times = delays.map((d) => (at += d))
    // A job ending between 1.0 and 1.4 s is seen within about 250 ms (300 at the top of the jitter)...
    const gaps = times.slice(1).map((t, i) => [times[i], t - times[i]] as const).filter(([start]) =>
      start >= 900 && start <= 1_400
    )
    for (const [, gap] of gaps) expect(gap).toBeLessThanOrEqual(300)
    expect(gaps.reduce((sum, [, gap]) => sum + gap, 0) / gaps.length).toBeLessThanOrEqual(250)
    // ...and never more than 1.9 s apart.
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_900)
    expect(times.filter((t) => t <= 30_000).length).toBeLessThanOrEqual(32)
  })
})
