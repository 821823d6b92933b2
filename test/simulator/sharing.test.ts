import { describe, expect, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { create, expectStatus } from "./api.js"

const idsOf = (count: number) =>
  Effect.gen(function*() {
    const ids: Array<string> = []
    for (let i = 0; i < count; i++) ids.push((yield* create("/objects/ips", { family: 4 })).id)
    return ids
  })

describe("seeds", () => {
  it.effect("the same seed gives the same ids and addresses; another seed other ids", () =>
    Effect.gen(function*() {
      const run = (seed: number) =>
        Effect.gen(function*() {
          const ids = yield* idsOf(3)
          const ips = (yield* expectStatus(200, "GET", "/objects/ips")).json.ips
          return { ids, addresses: ids.map((id) => ips[id].ip) }
        }).pipe(Effect.provide(GridscaleSimulator.layerWith({ seed })))
      const first = yield* run(11)
      expect(yield* run(11)).toEqual(first)
      expect(first.addresses).toEqual(["192.0.2.1", "192.0.2.2", "192.0.2.3"])
      expect((yield* run(12)).ids).not.toEqual(first.ids)
    }))
})

layer(GridscaleSimulator.layerWith({ seed: 3 }))("one simulator shared by a block of tests", (it) => {
  it.effect("a test leaves objects behind", () =>
    Effect.gen(function*() {
      yield* create("/objects/networks", { name: "left-behind" })
      const state = yield* GridscaleSimulator.snapshot
      expect(Object.values(state.networks!).map((n: any) => n.name)).toContain("left-behind")
    }))

  it.effect("the next test sees them until it resets the simulator", () =>
    Effect.gen(function*() {
      const before = yield* GridscaleSimulator.snapshot
      expect(Object.values(before.networks!).map((n: any) => n.name)).toContain("left-behind")
      yield* GridscaleSimulator.reset
      const after = yield* GridscaleSimulator.snapshot
      expect(Object.values(after.networks!).map((n: any) => n.name)).toEqual(["Public Network"])
      expect((yield* GridscaleSimulator.counters).requests).toBe(0)
    }))
})
