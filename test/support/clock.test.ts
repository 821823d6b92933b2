/**
 * Moving time in tests: virtual time (exact wake-ups, no jump while work can run), and what the
 * tests on `TestClock` count on from `TestClock.adjust`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { runOnVirtualTime } from "./clock.js"

describe("runOnVirtualTime", () => {
  it.effect("wakes each sleeper at its own time, in time order, and ends at the last wake-up", () =>
    Effect.gen(function*() {
      const woken = yield* Effect.gen(function*() {
        const woken: Array<string> = []
        const sleeper = (name: string, millis: number) =>
          Effect.sleep(millis).pipe(
            Effect.zipRight(Clock.currentTimeMillis),
            Effect.map((now) => woken.push(`${name}@${now}`))
          )
        yield* Effect.all([sleeper("c", 3_000), sleeper("a", 1_000), sleeper("b", 2_000), sleeper("a2", 1_000)], {
          concurrency: "unbounded"
        })
        woken.push(`end@${yield* Clock.currentTimeMillis}`)
        return woken
      }).pipe(runOnVirtualTime)
      expect(woken).toEqual(["a@1000", "a2@1000", "b@2000", "c@3000", "end@3000"])
    }))

  it.effect("does not move while anything in the program can still run", () =>
    Effect.gen(function*() {
      const seen = yield* Effect.gen(function*() {
        let steps = 0
        // Far more steps than effect's default scheduler runs before it defers to a timer.
        yield* Effect.fork(Effect.repeatN(Effect.zipRight(Effect.yieldNow(), Effect.sync(() => steps++)), 9_999))
        yield* Effect.sleep("1 millis")
        return steps
      }).pipe(runOnVirtualTime)
      expect(seen).toBe(10_000)
    }))

  it.effect("an interrupted sleep wakes nobody; a timeout on the clock fires at its time", () =>
    Effect.gen(function*() {
      const result = yield* Effect.gen(function*() {
        const quick = yield* Effect.sleep("1 second").pipe(Effect.as("quick"), Effect.timeout("1 hour"))
        const slow = yield* Effect.exit(Effect.sleep("2 hours").pipe(Effect.timeout("1 minute")))
        return { quick, slow: Exit.isFailure(slow), now: yield* Clock.currentTimeMillis }
      }).pipe(runOnVirtualTime)
      expect(result).toEqual({ quick: "quick", slow: true, now: 61_000 })
    }))

  it.effect("a program waiting for something the clock cannot bring dies with a message", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.flatMap(Deferred.make<void>(), Deferred.await).pipe((self) => runOnVirtualTime(self, { idleMillis: 50 }))
      )
      expect(Exit.isFailure(exit) && String(exit.cause)).toContain("nothing pending on its clock")
    }))
})

describe("TestClock.adjust", () => {
  it.effect("wakes each sleep at its own time, those begun on the way included, and ends at the target", () =>
    Effect.gen(function*() {
      const woken: Array<number> = []
      const ticker = Effect.sleep("150 millis").pipe(
        Effect.zipRight(Clock.currentTimeMillis),
        Effect.map((now) => woken.push(now)),
        Effect.forever
      )
      const fiber = yield* Effect.fork(ticker)
      yield* TestClock.adjust(1_000)
      expect(woken).toEqual([150, 300, 450, 600, 750, 900])
      expect(yield* Clock.currentTimeMillis).toBe(1_000)
      yield* Fiber.interrupt(fiber)
    }))
})
