import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Gridscale from "../../src/Gridscale.js"
import { location, simulated } from "./support.js"

/** Jobs that finish in another order than they started. */
const shuffledDurations = () => {
  let started = 0
  return () => (started++ * 37) % 160
}

describe("concurrency", () => {
  // Libcloud keeps the job id on its connection: 16 concurrent creates through one driver gave 15
  // wrong answers. Here every call waits for its own job and returns its own object.
  it.live("16 concurrent creates through one client each return their own object", () =>
    Effect.gen(function*() {
      const gridscale = yield* Gridscale.Gridscale
      const names = Array.from({ length: 16 }, (_, i) => `concurrent-${i}`)
      const storages = yield* Effect.forEach(
        names,
        (name, i) => gridscale.storages.create({ name, capacity: 1 + i, location_uuid: location }),
        { concurrency: "unbounded" }
      )
      expect(storages.map((s) => s.name)).toEqual(names)
      expect(storages.map((s) => s.capacity)).toEqual(names.map((_, i) => 1 + i))
      expect(new Set(storages.map((s) => s.object_uuid)).size).toBe(16)
    }).pipe(Effect.provide(simulated({ jobDuration: shuffledDurations() }))))
})
