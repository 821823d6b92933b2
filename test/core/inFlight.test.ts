import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as InFlight from "../../src/internal/inFlight.js"
import * as FakeApi from "../support/FakeApi.js"

/** Enters with a new claim in a fiber of its own; records the order in which claims get a place. */
const enterAs = (places: InFlight.InFlight, name: string, order: Array<string>) => {
  const claim = InFlight.claim()
  return Effect.map(
    Effect.fork(
      Effect.onExit(
        Effect.zipRight(places.enter(claim), Effect.zipRight(Effect.sync(() => order.push(name)), Effect.never)),
        () => Effect.sync(() => places.leave(claim))
      )
    ),
    (fiber) => ({ fiber, claim })
  )
}

/** A fake API whose replies each take `ms` on the clock, and the most requests it had at once. */
const slowApi = (ms: number) => {
  let open = 0
  const stats = { most: 0 }
  const fake = FakeApi.make(() =>
    Effect.acquireUseRelease(
      Effect.sync(() => (stats.most = Math.max(stats.most, ++open))),
      () => Effect.as(Effect.sleep(ms), { status: 200, body: { servers: {} } }),
      () => Effect.sync(() => open--)
    )
  )
  return { fake, stats }
}

describe("requests in flight", () => {
  it.effect("a claim beyond the limit waits, and places go to the waiters in the order they came", () =>
    Effect.gen(function*() {
      const places = InFlight.make(2)
      const order: Array<string> = []
      const a = yield* enterAs(places, "a", order)
      const b = yield* enterAs(places, "b", order)
      const c = yield* enterAs(places, "c", order)
      const d = yield* enterAs(places, "d", order)
      yield* Effect.yieldNow()
      expect(order).toEqual(["a", "b"])
      expect(places.held()).toBe(2)
      yield* Fiber.interrupt(b.fiber)
      yield* Effect.yieldNow()
      expect(order).toEqual(["a", "b", "c"])
      yield* Fiber.interrupt(a.fiber)
      yield* Effect.yieldNow()
      expect(order).toEqual(["a", "b", "c", "d"])
      expect(places.held()).toBe(2)
      yield* Fiber.interrupt(c.fiber)
      yield* Fiber.interrupt(d.fiber)
      expect(places.held()).toBe(0)
    }))

  it.effect("a waiter interrupted in line leaves it, and takes no place with it", () =>
    Effect.gen(function*() {
      const places = InFlight.make(1)
      const order: Array<string> = []
      const a = yield* enterAs(places, "a", order)
      const b = yield* enterAs(places, "b", order)
      const c = yield* enterAs(places, "c", order)
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(b.fiber)
      expect(b.claim.queued).toBe(false)
      yield* Fiber.interrupt(a.fiber)
      yield* Effect.yieldNow()
      expect(order).toEqual(["a", "c"])
      yield* Fiber.interrupt(c.fiber)
      expect(places.held()).toBe(0)
      // The place is free again: the next claim gets it at once.
      const e = yield* enterAs(places, "e", order)
      yield* Effect.yieldNow()
      expect(order).toEqual(["a", "c", "e"])
      yield* Fiber.interrupt(e.fiber)
    }))

  it.effect("under many claims, some interrupted while waiting and some while holding, no place is lost", () =>
    Effect.gen(function*() {
      const limit = 3
      const places = InFlight.make(limit)
      let most = 0
      let inside = 0
      const fibers = yield* Effect.forEach(Array.from({ length: 60 }, (_, i) => i), (i) => {
        const claim = InFlight.claim()
        return Effect.fork(
          Effect.onExit(
            Effect.zipRight(
              places.enter(claim),
              Effect.acquireUseRelease(
                Effect.sync(() => (most = Math.max(most, ++inside))),
                () => Effect.sleep(1 + (i % 5)),
                () => Effect.sync(() => inside--)
              )
            ),
            () => Effect.sync(() => places.leave(claim))
          )
        )
      })
      // Interrupt up to a third of them, at random points: in line, holding a place, or done.
      for (let step = 0; step < 20; step++) {
        yield* TestClock.adjust(1)
        yield* Fiber.interrupt(fibers[yield* Random.nextIntBetween(0, fibers.length)]!)
      }
      yield* TestClock.adjust(500)
      yield* Effect.forEach(fibers, Fiber.await)
      expect(most).toBe(limit)
      expect(places.held()).toBe(0)
      // Every place is free again: `limit` new claims get one at once.
      const claims = Array.from({ length: limit }, () => InFlight.claim())
      for (const claim of claims) yield* places.enter(claim)
      expect(places.held()).toBe(limit)
      for (const claim of claims) places.leave(claim)
    }).pipe(Effect.withRandom(Random.make("in-flight"))))

  it.effect("with no limit nothing waits and nothing is counted", () =>
    Effect.gen(function*() {
      const places = InFlight.make(Infinity)
      const order: Array<string> = []
      const fibers = yield* Effect.forEach(["a", "b", "c"], (name) => enterAs(places, name, order))
      yield* Effect.yieldNow()
      expect(order).toEqual(["a", "b", "c"])
      yield* Effect.forEach(fibers, ({ fiber }) => Fiber.interrupt(fiber))
    }))

  it.effect("a client sends at most rate.maxInFlight requests at once, and every call still ends", () =>
    Effect.gen(function*() {
      const { fake, stats } = slowApi(100)
      const calls = yield* Effect.fork(
        Effect.forEach(
          Array.from({ length: 20 }, () => GridscaleConnection.request("GET", "/objects/servers")),
          (call) => call,
          { concurrency: "unbounded" }
        ).pipe(Effect.provide(FakeApi.connection(fake, { rate: { limit: Infinity, maxInFlight: 4 } })))
      )
      yield* TestClock.adjust(50)
      expect(fake.seen).toHaveLength(4)
      yield* TestClock.adjust(450)
      const replies = yield* Fiber.join(calls)
      expect(replies).toHaveLength(20)
      expect(stats.most).toBe(4)
    }))

  it.effect("by default 64 requests are in flight at once", () =>
    Effect.gen(function*() {
      expect(GridscaleConfig.defaultRate.maxInFlight).toBe(64)
      const { fake, stats } = slowApi(100)
      const calls = yield* Effect.fork(
        Effect.forEach(
          Array.from({ length: 100 }, () => GridscaleConnection.request("GET", "/objects/servers")),
          (call) => call,
          { concurrency: "unbounded" }
        ).pipe(Effect.provide(FakeApi.connection(fake)))
      )
      yield* TestClock.adjust(200)
      yield* Fiber.join(calls)
      expect(stats.most).toBe(64)
    }))

  it.effect("the wait for a place is not part of an attempt's timeout", () =>
    Effect.gen(function*() {
      // Each reply takes 0.8 s, one at a time, with a 1 s timeout: the third waits 1.6 s in line.
      const { fake } = slowApi(800)
      const calls = yield* Effect.fork(
        Effect.forEach(
          Array.from({ length: 3 }, () => GridscaleConnection.request("GET", "/objects/servers")),
          (call) => call,
          { concurrency: "unbounded" }
        ).pipe(
          Effect.provide(FakeApi.connection(fake, { timeout: "1 second", rate: { limit: Infinity, maxInFlight: 1 } }))
        )
      )
      yield* TestClock.adjust(2_400)
      expect(yield* Fiber.join(calls)).toHaveLength(3)
      expect(fake.seen.map((s) => s.at)).toEqual([0, 800, 1_600])
    }))

  it.effect("a write cut short by the operation timeout while waiting in line was never sent", () =>
    Effect.gen(function*() {
      const release = yield* Deferred.make<void>()
      const fake = FakeApi.make((req) =>
        req.method === "GET"
          ? Effect.as(Deferred.await(release), { status: 200, body: { servers: {} } })
          : { status: 202, body: { request_uuid: "job-1", object_uuid: "obj-1" } }
      )
      const program = Effect.gen(function*() {
        // The one place is held by a read that nothing can cut short until it is answered.
        const read = yield* Effect.fork(Effect.uninterruptible(GridscaleConnection.request("GET", "/objects/servers")))
        yield* Effect.yieldNow()
        const error = yield* Effect.flip(
          GridscaleConnection.request("POST", "/objects/storages", { body: { name: "s" } })
        )
        yield* Deferred.succeed(release, undefined)
        yield* Fiber.await(read)
        return error
      })
      const fiber = yield* Effect.fork(
        program.pipe(
          Effect.provide(
            FakeApi.connection(fake, { operationTimeout: "1 second", rate: { limit: Infinity, maxInFlight: 1 } })
          )
        )
      )
      yield* TestClock.adjust(1_000)
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "OperationTimeout", outcomeUnknown: false })
      expect(fake.seen.filter((s) => s.method === "POST")).toHaveLength(0)
    }))
})
