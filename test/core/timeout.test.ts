/**
 * The per-attempt timeout every request runs under (src/internal/timeout.ts): it behaves as
 * `Effect.timeoutFail`, on any clock.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Timeout from "../../src/internal/timeout.js"

const second = Duration.seconds(1)

describe("the per-attempt timeout", () => {
  it.effect("an effect that ends in time gives its own success or failure", () =>
    Effect.gen(function*() {
      expect(yield* Timeout.timeoutFail(Effect.succeed(1), second, () => "timeout")).toBe(1)
      expect(yield* Effect.flip(Timeout.timeoutFail(Effect.fail("own"), second, () => "timeout"))).toBe("own")
      const slow = Effect.as(Effect.sleep("999 millis"), 2)
      const fiber = yield* Effect.fork(Timeout.timeoutFail(slow, second, () => "timeout"))
      yield* TestClock.adjust("999 millis")
      expect(yield* Fiber.join(fiber)).toBe(2)
    }))

  it.effect("on TestClock, at the deadline: the effect is interrupted, its finalizers run, then the failure", () =>
    Effect.gen(function*() {
      const events: Array<string> = []
      const slow = Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => events.push("finalized"))))
      const fiber = yield* Effect.fork(
        Timeout.timeoutFail(slow, second, () => {
          events.push("timed out")
          return "timeout"
        })
      )
      yield* TestClock.adjust("999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      expect(yield* Effect.flip(Fiber.join(fiber))).toBe("timeout")
      expect(events).toEqual(["finalized", "timed out"])
    }))

  it.effect("interrupting the caller interrupts the effect and waits for its finalizers", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const events: Array<string> = []
      const slow = Effect.zipRight(Deferred.succeed(started, undefined), Effect.never).pipe(
        Effect.onInterrupt(() => Effect.sync(() => events.push("finalized")))
      )
      const fiber = yield* Effect.fork(Timeout.timeoutFail(slow, second, () => "timeout"))
      yield* Deferred.await(started)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(events).toEqual(["finalized"])
      // No timer is left behind to fire later.
      yield* TestClock.adjust("1 hour")
      expect(events).toEqual(["finalized"])
    }))

  it.live("on the live clock too", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Timeout.timeoutFail(Effect.never, Duration.millis(20), () => "timeout"))
      expect(error).toBe("timeout")
    }))
})
