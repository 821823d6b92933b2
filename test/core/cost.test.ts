/**
 * What the client's own machinery costs, counted in effect operations (deterministic, unlike
 * time): every operation the fiber runtime runs costs CPU and garbage, and with a thousand jobs in
 * flight that is what sets the pace. The bounds sit between today's counts and the ones before the
 * loops were made cheaper, so a change that brings the old cost back fails here.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as RuntimeFlagsPatch from "effect/RuntimeFlagsPatch"
import * as Supervisor from "effect/Supervisor"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscalePolling from "../../src/GridscalePolling.js"

/** Counts the operations `effect` runs, in its fiber and those it forks. */
const operations = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<number, E> =>
  Effect.suspend(() => {
    let count = 0
    class Counter extends Supervisor.AbstractSupervisor<void> {
      readonly value = Effect.void
      override onEffect() {
        count += 1
      }
    }
    return Effect.supervised(effect, new Counter()).pipe(
      Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision)),
      Effect.map(() => count)
    )
  })

/**
 * A poller whose job is pending for `pending` polls, with no waits between them; each of its GETs
 * is one operation, so what is counted is the poll loop's own.
 */
const poller = (pending: number) => {
  let polls = 0
  const get: GridscalePolling.Get = (path) =>
    Effect.sync(() => ({ [path.split("/").pop()!]: { status: ++polls > pending ? "done" : "pending" } })) as any
  return GridscalePolling.makeWith(get, {
    ...GridscaleConfig.defaultPolling,
    initialDelay: Duration.zero,
    maxInterval: Duration.zero
  })
}

describe("the client's own cost, in effect operations", () => {
  // Measured: 114 operations for a wait of one poll and 20 per further poll; with Effect.repeat and
  // Effect.timeoutFail it was 190 and 77.
  it.live("a wait for a job costs the poll loop few operations, and each further poll fewer still", () =>
    Effect.gen(function*() {
      const once = yield* operations(poller(0).awaitRequest("job-1"))
      const elevenTimes = yield* operations(poller(10).awaitRequest("job-1"))
      expect(once).toBeLessThanOrEqual(140)
      expect((elevenTimes - once) / 10).toBeLessThanOrEqual(30)
    }))
})
