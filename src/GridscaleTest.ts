/**
 * Helpers for testing an app that uses the client: `GridscaleTest.layer` is the whole client on
 * the in-memory simulator with a test configuration, and `GridscaleTest.withTime` runs a program
 * to its end under effect's `TestClock`, moving the clock whenever the program waits on it (for a
 * job, a retry, the rate budget), so that an `it.effect` test that creates an object ends instead
 * of waiting for a clock nobody moves.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Chunk from "effect/Chunk"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import type * as TestClock from "effect/TestClock"
import * as Gridscale from "./Gridscale.js"
import * as GridscaleConfig from "./GridscaleConfig.js"
import type * as GridscaleConnection from "./GridscaleConnection.js"
import type * as GridscalePolling from "./GridscalePolling.js"
import type * as GridscaleResponse from "./GridscaleResponse.js"
import * as GridscaleSimulator from "./GridscaleSimulator.js"

/**
 * Options of `layer`: the simulator's own (seed, credentials, job durations and failures, rate
 * limit, faults) and, under `config`, settings of the client's configuration (timeouts, retry,
 * polling, rate budget). The credentials are the simulator's when it has some, else a fixed test
 * pair.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options extends GridscaleSimulator.Options {
  readonly config?: Omit<GridscaleConfig.Options, "userId" | "token"> | undefined
}

/**
 * What `layer` provides: the driver and every core service, the configuration, the simulator's
 * controls and the simulator's `HttpClient` (to talk to it directly).
 *
 * @since 0.1.0
 * @category Models
 */
export type Services =
  | Gridscale.Gridscale
  | GridscaleConnection.GridscaleConnection
  | GridscalePolling.GridscalePolling
  | GridscaleResponse.GridscaleResponse
  | GridscaleConfig.GridscaleConfig
  | GridscaleSimulator.GridscaleSimulator
  | HttpClient.HttpClient

/**
 * The whole live client (`Gridscale.layer`) on a fresh in-memory simulator, with a test
 * configuration. Each use of the layer builds its own simulator; with `it.layer` the tests of a
 * block share one. Invalid `config` settings are a defect here (a test's mistake, not a condition
 * to handle).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options = {}): Layer.Layer<Services> => {
  const { config, ...simulator } = options
  const credentials = simulator.credentials ?? { userId: "test-user", token: "test-token" }
  return Gridscale.layer.pipe(
    Layer.provideMerge(GridscaleSimulator.layerWith(simulator)),
    Layer.provideMerge(GridscaleConfig.layer({ ...config, ...credentials })),
    Layer.orDie
  )
}

/**
 * Options of `withTime`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface TimeOptions {
  /**
   * How far the clock may be moved for the program. A program still waiting past it dies with a
   * message saying so, instead of the test spinning until the test runner's timeout. Default
   * 1 hour.
   */
  readonly limit?: Duration.DurationInput | undefined
  /**
   * How long, on the wall clock, the program may wait with nothing pending on the clock: it then
   * waits for something the clock cannot bring (a `Deferred` nobody completes, a queue nobody
   * fills) and dies with a message saying so. Default 2 seconds.
   */
  readonly idle?: Duration.DurationInput | undefined
}

/** The test clock in use, or undefined on a live clock. `TestClock.testClock` casts without checking. */
const asTestClock = (clock: Clock.Clock): TestClock.TestClock | undefined =>
  "sleeps" in clock && "setTime" in clock ? clock as TestClock.TestClock : undefined

/**
 * One turn of the event loop. A program that waits on a promise (reading a reply's body) resumes
 * in this time; `TestClock` uses the same turn to decide that fibers are suspended.
 */
const tick: Effect.Effect<void> = Effect.async<void>((resume) => {
  const timer = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(timer))
})

/**
 * Moves the clock to the earliest pending wake-up, again and again. `setTime` waits until the
 * fibers are suspended, wakes every sleep up to that instant in order, and waits for suspension
 * again before it returns, so the next look at the pending sleeps sees what the program waits for
 * now. Moving to the earliest sleep only (rather than by a fixed amount) keeps the clock where the
 * program left it. Sleeps of timeouts that were interrupted stay in the clock's list; reaching one
 * wakes nobody.
 */
const advance = (
  clock: TestClock.TestClock,
  limit: Duration.Duration,
  idle: Duration.Duration
): Effect.Effect<never> =>
  Effect.gen(function*() {
    // Let the program reach its first wait before looking: `adjust(0)` waits for suspension and
    // moves no time. Looking earlier could pick a sleep left over from an earlier program.
    yield* clock.adjust(0)
    const start = yield* clock.currentTimeMillis
    const limitMillis = Duration.toMillis(limit)
    // Wall-clock time (the program's clock stands still) since the clock last had a sleep pending.
    let idleSince: number | undefined
    const step = Effect.flatMap(clock.sleeps, (sleeps) => {
      if (Chunk.isEmpty(sleeps)) {
        const now = Date.now()
        idleSince ??= now
        if (now - idleSince <= Duration.toMillis(idle)) return tick
        return Effect.dieMessage(
          `GridscaleTest.withTime: the program has waited ${Duration.format(idle)} (on the wall clock) with ` +
            "nothing pending on the TestClock: it waits for something that moving the clock cannot bring " +
            "(a Deferred nobody completes, a queue nobody fills, a real socket?)."
        )
      }
      idleSince = undefined
      const next = Chunk.reduce(sleeps, Infinity, (earliest, at) => Math.min(earliest, at))
      if (next - start > limitMillis) {
        return Effect.dieMessage(
          `GridscaleTest.withTime: the program still waits after ${Duration.format(limit)} of TestClock time ` +
            `(its next wake-up is ${Duration.format(Duration.millis(next - start))} after it started). ` +
            "Does it wait for something that never ends, or does it need a larger `limit`?"
        )
      }
      return clock.setTime(next)
    })
    return yield* Effect.forever(step)
  })

/**
 * Runs a program to its end under effect's `TestClock`: while the program waits on the clock (for
 * a job to finish, a retry's backoff, the rate budget), the clock is moved to the program's next
 * wake-up, and no further. Without it, an `it.effect` test whose program creates an object waits
 * for a clock nobody moves, until the test runner's timeout. On a live clock (`it.live`,
 * `Effect.runPromise`) the program runs as it is.
 *
 * Use it with the in-memory simulator: its replies arrive within a turn of the event loop. A
 * program waiting on a real socket under `TestClock` would see its per-attempt timeout fire.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const withTime: {
  (options?: TimeOptions): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options?: TimeOptions): Effect.Effect<A, E, R>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(self: Effect.Effect<A, E, R>, options?: TimeOptions): Effect.Effect<A, E, R> =>
    Effect.clockWith((clock) => {
      const testClock = asTestClock(clock)
      if (testClock === undefined) return self
      const limit = Duration.decode(options?.limit ?? "1 hour")
      return Effect.raceFirst(self, advance(testClock, limit, Duration.decode(options?.idle ?? "2 seconds")))
    })
)
