/**
 * Virtual time for programs that wait on the clock thousands of times. (To move `TestClock`
 * through every pending wake-up, `TestClock.adjust` is all it takes: it wakes each sleep at its
 * own time, those begun on the way included.)
 */
import * as EffectClock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Scheduler from "effect/Scheduler"

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

/**
 * effect's default scheduler, counting the tasks it holds: fibers that can run. It defers to a
 * `setTimeout(0)` after 2,048 tasks in a row as the default does, so a busy program never starves
 * the event loop; the count tells a turn taken during such a pause from a program with nothing to do.
 */
class CountingScheduler implements Scheduler.Scheduler {
  queued = 0
  private readonly inner = new Scheduler.MixedScheduler(2048)
  scheduleTask(task: Scheduler.Task, priority: number, fiber?: Fiber.RuntimeFiber<unknown, unknown>): void {
    this.queued++
    this.inner.scheduleTask(
      () => {
        this.queued--
        task()
      },
      priority,
      fiber
    )
  }
  shouldYield(fiber: Fiber.RuntimeFiber<unknown, unknown>): number | false {
    return this.inner.shouldYield(fiber)
  }
}

/** One turn of the event loop, after every pending microtask (promise reactions) has run. */
const turn = Effect.async<void>((resume) => {
  const immediate = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(immediate))
})

/**
 * Runs `self` on virtual time: a clock of its own, starting at 0, that moves to the program's next
 * wake-up as soon as the program can do nothing else, and no further. It is what stepping
 * `TestClock` from wake-up to wake-up does, for programs that wait on the clock thousands of times:
 * `TestClock` spends several event-loop turns of at least 1 ms each (its `setTimeout(0)` checks
 * that fibers are suspended) per wake-up, and keeps the wake-ups of interrupted sleeps, each
 * another step.
 *
 * The program's fibers run on a scheduler that counts them: time moves only on a turn of the event
 * loop with none of them queued. A program whose only wait is outside the clock (a `Deferred`
 * nobody completes, a real socket) for `idleMillis` on the wall clock dies with a message saying
 * so; the default is long, as loading a module on first use (the simulator's machinery) can take
 * seconds on a busy machine.
 */
export const runOnVirtualTime = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  options?: { readonly idleMillis?: number }
): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const clock = new VirtualClock()
    const scheduler = new CountingScheduler()
    const idleMillis = options?.idleMillis ?? 20_000
    const fiber = yield* Effect.fork(self.pipe(Effect.withClock(clock), Effect.withScheduler(scheduler)))
    let idleSince: number | undefined
    while (fiber.unsafePoll() === null) {
      yield* turn
      if (fiber.unsafePoll() !== null || scheduler.queued > 0 || clock.wakeEarliest()) {
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
