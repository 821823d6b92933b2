/** The example of docs/testing.md, kept as a test so the documentation stays true. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, TestClock } from "effect"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"

// The app under test: make sure a storage named `name` exists, creating it only if missing.
const ensureStorage = (name: string) =>
  Effect.gen(function*() {
    const gridscale = yield* Gridscale.Gridscale
    const existing = (yield* gridscale.storages.list()).find((s) => s.name === name)
    return existing ?? (yield* gridscale.storages.create({ name, capacity: 10 }))
  })

// The live client, with the simulator in place of the HTTP client.
const testLayer = (options: GridscaleSimulator.Options = {}) =>
  Gridscale.layer.pipe(
    Layer.provideMerge(GridscaleSimulator.layerWith(options)),
    Layer.provide(GridscaleConfig.layer({ userId: "test-user", token: "test-token" }))
  )

// Jobs and retries wait on effect's Clock: let the TestClock run while the program works.
const withTime = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(program)
    yield* TestClock.adjust("5 minutes")
    return yield* Fiber.join(fiber)
  })

describe("testing an app with GridscaleSimulator (docs/testing.md)", () => {
  it.effect("creates the storage once, however often it is asked", () =>
    Effect.gen(function*() {
      yield* withTime(ensureStorage("db"))
      yield* withTime(ensureStorage("db"))
      const counters = yield* GridscaleSimulator.counters
      expect(counters.created.storages).toEqual({ db: 1 })
    }).pipe(Effect.provide(testLayer())))

  it.effect("a failed job fails the app with JobFailed", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.failNextJob({ method: "POST", path: "/objects/storages" })
      const error = yield* Effect.flip(withTime(ensureStorage("db")))
      expect(error._tag).toBe("JobFailed")
    }).pipe(Effect.provide(testLayer())))

  it.effect("a 503 before the create is retried, and nothing is created twice", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "ServiceUnavailable", method: "POST", times: 2 })
      const storage = yield* withTime(ensureStorage("db"))
      expect(storage.name).toBe("db")
      const counters = yield* GridscaleSimulator.counters
      expect(counters.faults.ServiceUnavailable).toBe(2)
      expect(counters.created.storages).toEqual({ db: 1 })
    }).pipe(Effect.provide(testLayer())))
})
