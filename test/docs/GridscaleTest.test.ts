/**
 * GridscaleTest: the whole client on the simulator, and `withTime`, which lets a program that
 * waits for jobs end under TestClock. The hang it prevents is shown without waiting for it: the
 * same program run plainly is still waiting once every fiber is suspended, with the clock's
 * sleeps pending, and stays so however long the test runs, since nothing moves the clock.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Deferred, Effect, Fiber, Option, TestClock } from "effect"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as GridscaleTest from "../../src/GridscaleTest.js"

const createStorage = Effect.flatMap(
  Gridscale.Gridscale,
  (gridscale) => gridscale.storages.create({ name: "db", capacity: 10 })
)

describe("GridscaleTest.withTime", () => {
  it.effect("a create that waits for its job ends under TestClock, the clock moved only as far as needed", () =>
    Effect.gen(function*() {
      // Twice: the second run starts with the first one's left-over timeout sleeps (30 s per
      // request) pending on the clock, and must not move the clock to them.
      for (const name of ["db", "logs"]) {
        const started = yield* Clock.currentTimeMillis
        const storage = yield* GridscaleTest.withTime(
          Effect.flatMap(Gridscale.Gridscale, (gridscale) => gridscale.storages.create({ name, capacity: 10 }))
        )
        const elapsed = (yield* Clock.currentTimeMillis) - started
        expect(storage.name).toBe(name)
        // The job takes 500 ms; the clock stops at the poll that saw it done.
        expect(elapsed).toBeGreaterThanOrEqual(500)
        expect(elapsed).toBeLessThan(5_000)
      }
      const counters = yield* GridscaleSimulator.counters
      expect(counters.created.storages).toEqual({ db: 1, logs: 1 })
    }).pipe(Effect.provide(GridscaleTest.layer())))

  it.effect("without it the same program waits on the clock and does not end", () =>
    Effect.gen(function*() {
      const plain = yield* Effect.fork(createStorage)
      // `adjust(0)` waits until every fiber is suspended and moves no time.
      yield* TestClock.adjust(0)
      expect(Option.isNone(yield* Fiber.poll(plain))).toBe(true)
      expect((yield* TestClock.sleeps()).length).toBeGreaterThan(0)
      // A timeout on the TestClock does not end it either: nothing moves that clock.
      const timed = yield* Effect.fork(Effect.timeout(Fiber.join(plain), "1 second"))
      yield* TestClock.adjust(0)
      expect(Option.isNone(yield* Fiber.poll(timed))).toBe(true)
      // The same wait, with the helper: the timeout is not reached, the create ends.
      const ended = yield* GridscaleTest.withTime(Effect.timeout(Fiber.join(plain), "1 minute"))
      expect(ended.name).toBe("db")
      yield* Fiber.interrupt(timed)
    }).pipe(Effect.provide(GridscaleTest.layer())))

  it.effect("a failed job fails the program with JobFailed", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.failNextJob({ method: "POST", path: "/objects/storages" })
      const error = yield* Effect.flip(GridscaleTest.withTime(createStorage))
      expect(error._tag).toBe("JobFailed")
    }).pipe(Effect.provide(GridscaleTest.layer())))

  it.effect("retries after 503s wait their backoff on the moved clock; nothing is created twice", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "ServiceUnavailable", method: "POST", times: 2 })
      const storage = yield* createStorage.pipe(GridscaleTest.withTime())
      expect(storage.name).toBe("db")
      const counters = yield* GridscaleSimulator.counters
      expect(counters.faults.ServiceUnavailable).toBe(2)
      expect(counters.created.storages).toEqual({ db: 1 })
    }).pipe(Effect.provide(GridscaleTest.layer())))

  it.effect("a job longer than the polling deadline ends in JobTimeout, at the deadline", () =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const error = yield* Effect.flip(GridscaleTest.withTime(createStorage))
      expect(error._tag).toBe("JobTimeout")
      const elapsed = (yield* Clock.currentTimeMillis) - started
      expect(elapsed).toBeGreaterThanOrEqual(10_000)
      expect(elapsed).toBeLessThan(20_000)
    }).pipe(
      Effect.provide(GridscaleTest.layer({ jobDuration: 60_000, config: { polling: { timeout: "10 seconds" } } }))
    ))

  it.effect("a program that waits past the limit dies with a message instead of spinning", () =>
    Effect.gen(function*() {
      const forever = Effect.forever(Effect.sleep("10 minutes"))
      const exit = yield* Effect.exit(GridscaleTest.withTime(forever, { limit: "30 minutes" }))
      expect(exit._tag).toBe("Failure")
      expect(String(exit._tag === "Failure" ? exit.cause : "")).toContain(
        "GridscaleTest.withTime: the program still waits after 30m of TestClock time"
      )
    }))

  it.effect("a program that waits for something the clock cannot bring dies with a message", () =>
    Effect.gen(function*() {
      const never = Effect.flatMap(Deferred.make<number>(), Deferred.await)
      const exit = yield* Effect.exit(GridscaleTest.withTime(never, { idle: "50 millis" }))
      expect(exit._tag).toBe("Failure")
      expect(String(exit._tag === "Failure" ? exit.cause : "")).toContain("nothing pending on the TestClock")
    }))

  it.effect("data-last, with options, in a pipe", () =>
    Effect.gen(function*() {
      const value = yield* Effect.sleep("2 hours").pipe(Effect.as(7), GridscaleTest.withTime({ limit: "3 hours" }))
      expect(value).toBe(7)
    }))

  it.live("on a live clock the program runs as it is", () =>
    Effect.gen(function*() {
      expect(yield* GridscaleTest.withTime(Effect.succeed(1))).toBe(1)
    }))
})

describe("GridscaleTest.layer", () => {
  it.effect("uses the simulator's credentials when it has some", () =>
    Effect.gen(function*() {
      const config = yield* GridscaleConfig.GridscaleConfig
      expect(config.userId).toBe("alice")
      const locations = yield* Effect.flatMap(Gridscale.Gridscale, (g) => g.locations.list())
      expect(locations.length).toBeGreaterThan(0)
    }).pipe(Effect.provide(GridscaleTest.layer({ credentials: { userId: "alice", token: "secret" } }))))

  it.effect("each use builds its own simulator", () =>
    Effect.gen(function*() {
      yield* GridscaleTest.withTime(createStorage).pipe(Effect.provide(GridscaleTest.layer()))
      const counters = yield* GridscaleSimulator.counters.pipe(Effect.provide(GridscaleTest.layer()))
      expect(counters.created).toEqual({})
    }))

  it.effect("invalid configuration is a defect naming the setting", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.provide(Effect.void, GridscaleTest.layer({ config: { apiUrl: "ftp://example.com" } }))
      )
      expect(exit._tag).toBe("Failure")
    }))
})
