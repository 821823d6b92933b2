/** Moving `TestClock` in tests: by jumps to each pending wake-up rather than in small steps. */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"

/**
 * Moves the clock `millis` forward, stopping at every wake-up on the way, as a sequence of small
 * `adjust` steps would, but in as many steps as there are wake-ups.
 */
export const advance = (millis: number): Effect.Effect<void> =>
  Effect.gen(function*() {
    yield* TestClock.adjust(0)
    const target = (yield* TestClock.currentTimeMillis) + millis
    while (true) {
      const sleeps = yield* TestClock.sleeps()
      const next = Chunk.reduce(sleeps, Infinity, (earliest, at) => Math.min(earliest, at))
      if (next > target) return yield* TestClock.setTime(target)
      yield* TestClock.setTime(next)
    }
  })

const tick = Effect.async<void>((resume) => {
  const timer = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(timer))
})

/** Moves the clock from wake-up to wake-up until `fiber` has ended, and returns its exit. */
export const runToEnd = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) =>
  Effect.gen(function*() {
    while (fiber.unsafePoll() === null) {
      const sleeps = yield* TestClock.sleeps()
      if (Chunk.isEmpty(sleeps)) yield* tick
      else yield* TestClock.setTime(Chunk.reduce(sleeps, Infinity, (earliest, at) => Math.min(earliest, at)))
    }
    return yield* Fiber.await(fiber)
  })
