/**
 * Moving time in tests: `TestClock` by jumps to each pending wake-up rather than in small steps, and
 * virtual time for programs that wait on the clock thousands of times.
 */
import * as Chunk from "effect/Chunk"
import * as EffectClock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Scheduler from "effect/Scheduler"
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

interface Sleeper {
  readonly at: number
  readonly order: number
  readonly wake: () => void
}

/**
 * Virtual time for one program: a `Clock` that stands still while anything in the program can run
 * and jumps to the earliest wake-up once nothing can. A sleep that is interrupted (the timer of a
 * timeout whose work ended first) leaves no wake-up behind.
 */
class VirtualClock implements EffectClock.Clock {
  readonly [EffectClock.ClockTypeId]: EffectClock.ClockTypeId = EffectClock.ClockTypeId
  private now = 0
  private order = 0
  private readonly sleepers = new Set<Sleeper>()

  unsafeCurrentTimeMillis(): number {
    return this.now
  }
  unsafeCurrentTimeNanos(): bigint {
    return BigInt(Math.floor(this.now * 1_000_000))
  }
  readonly currentTimeMillis: Effect.Effect<number> = Effect.sync(() => this.now)
  readonly currentTimeNanos: Effect.Effect<bigint> = Effect.sync(() => this.unsafeCurrentTimeNanos())

  sleep(duration: Duration.Duration): Effect.Effect<void> {
    const millis = Duration.toMillis(duration)
    // As on `TestClock`: a sleep that ends now or earlier does not wait.
    if (!(millis > 0)) return Effect.void
    return Effect.async<void>((resume) => {
      const sleeper: Sleeper = { at: this.now + millis, order: this.order++, wake: () => resume(Effect.void) }
      this.sleepers.add(sleeper)
      return Effect.sync(() => void this.sleepers.delete(sleeper))
    })
  }

  /** Moves to the earliest finite wake-up and wakes its sleepers in the order they slept; false if none. */
  wakeEarliest(): boolean {
    let at = Infinity
    for (const sleeper of this.sleepers) at = Math.min(at, sleeper.at)
    if (at === Infinity) return false
    const due = [...this.sleepers].filter((s) => s.at === at).sort((a, b) => a.order - b.order)
    this.now = at
    for (const sleeper of due) {
      this.sleepers.delete(sleeper)
      sleeper.wake()
    }
    return true
  }
}

/** One turn of the event loop, after every pending microtask (promise reactions) has run. */
const turn = Effect.async<void>((resume) => {
  const immediate = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(immediate))
})

/**
 * Runs `self` on virtual time: a clock of its own, starting at 0, that moves to the program's next
 * wake-up as soon as the program can do nothing else, and no further. It is what `runToEnd` does
 * with `TestClock`, for programs that wait on the clock thousands of times: `TestClock` spends
 * several event-loop turns of at least 1 ms each (its `setTimeout(0)` checks that fibers are
 * suspended) per wake-up, and keeps the wake-ups of interrupted sleeps, each another step.
 *
 * The program runs on a scheduler that never defers to a timer, so a `setImmediate` turn comes only
 * once every fiber of it waits: on the clock, or on something outside it. A program whose only
 * wait is outside the clock (a `Deferred` nobody completes, a real socket) for `idleMillis` on the
 * wall clock dies with a message saying so.
 */
export const runOnVirtualTime = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  options?: { readonly idleMillis?: number }
): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const clock = new VirtualClock()
    const idleMillis = options?.idleMillis ?? 2_000
    const fiber = yield* Effect.fork(
      self.pipe(Effect.withClock(clock), Effect.withScheduler(new Scheduler.MixedScheduler(Infinity)))
    )
    let idleSince: number | undefined
    while (fiber.unsafePoll() === null) {
      yield* turn
      if (fiber.unsafePoll() !== null || clock.wakeEarliest()) {
        idleSince = undefined
        continue
      }
      idleSince ??= Date.now()
      if (Date.now() - idleSince > idleMillis) {
        yield* Fiber.interrupt(fiber)
        return yield* Effect.dieMessage(
          `runOnVirtualTime: the program has waited ${idleMillis} ms (wall clock) with nothing pending on its clock`
        )
      }
    }
    return yield* Fiber.join(fiber)
  })
