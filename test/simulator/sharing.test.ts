import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { layer } from "../support/layer.js"
import { create, expectStatus } from "./api.js"

// vitest's shared `it` as this file found it, before any block assigned methods onto it.
const effectBefore = it.effect

const idsOf = (count: number) =>
  Effect.gen(function*() {
    const ids: Array<string> = []
    for (let i = 0; i < count; i++) ids.push((yield* create("/objects/ips", { family: 4 })).id)
    return ids
  })

/** Ids, request ids and addresses of three creates on a fresh simulator with `options`. */
const run = (options: GridscaleSimulator.Options) =>
  Effect.gen(function*() {
    const created = [] as Array<{ readonly id: string; readonly requestId: string }>
    for (let i = 0; i < 3; i++) created.push(yield* create("/objects/ips", { family: 4 }))
    const ips = (yield* expectStatus(200, "GET", "/objects/ips")).json.ips
    return {
      ids: created.map((c) => c.id),
      requestIds: created.map((c) => c.requestId),
      addresses: created.map((c) => ips[c.id].ip)
    }
  }).pipe(Effect.provide(GridscaleSimulator.layerWith(options)))

const names = Effect.map(
  GridscaleSimulator.snapshot,
  (state) => Object.values(state.networks!).map((n: any) => n.name as string)
)

describe("seeds", () => {
  it.effect("the same seed gives the same ids, request ids and addresses; another seed other ids", () =>
    Effect.gen(function*() {
      const first = yield* run({ seed: 11 })
      expect(yield* run({ seed: 11 })).toEqual(first)
      expect(first.addresses).toEqual(["192.0.2.1", "192.0.2.2", "192.0.2.3"])
      expect((yield* run({ seed: 12 })).ids).not.toEqual(first.ids)
    }))

  it.effect("without a seed, every run hands out other ids and request ids; the catalogue's stay fixed", () =>
    Effect.gen(function*() {
      const one = yield* run({})
      const two = yield* run({})
      expect(two.ids).not.toEqual(one.ids)
      expect(two.requestIds).not.toEqual(one.requestIds)
      // Addresses come from the pool in order, whatever the seed.
      expect(two.addresses).toEqual(one.addresses)
      for (const options of [{}, { seed: 1 }, { seed: 2 }]) {
        const catalogue = yield* Effect.provide(
          Effect.all([
            expectStatus(200, "GET", `/objects/locations/${GridscaleSimulator.locationId}`),
            expectStatus(200, "GET", `/objects/networks/${GridscaleSimulator.publicNetworkId}`),
            ...GridscaleSimulator.templateIds.map((id) => expectStatus(200, "GET", `/objects/templates/${id}`))
          ]),
          GridscaleSimulator.layerWith(options)
        )
        expect(catalogue.map((reply) => reply.status)).toEqual(catalogue.map(() => 200))
      }
    }))

  it.effect("reset without a seed draws a new one; with a seed it replays the same ids", () =>
    Effect.gen(function*() {
      const afterReset = (options: GridscaleSimulator.Options) =>
        Effect.gen(function*() {
          const before = yield* idsOf(2)
          yield* GridscaleSimulator.reset
          return { before, after: yield* idsOf(2) }
        }).pipe(Effect.provide(GridscaleSimulator.layerWith(options)))
      const seeded = yield* afterReset({ seed: 4 })
      expect(seeded.after).toEqual(seeded.before)
      const unseeded = yield* afterReset({})
      expect(unseeded.after).not.toEqual(unseeded.before)
    }))
})

// The tests of a `layer` block share one simulator. Each starts from `reset`, so none depends on
// what another left behind or on the order they run in (`--sequence.shuffle`, `-t`).
layer(GridscaleSimulator.layerWith({ seed: 3 }))("one simulator shared by a block of tests", (it) => {
  it.effect("objects stay from one program to the next until the simulator is reset", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.reset
      yield* create("/objects/networks", { name: "left-behind" })
      expect(yield* names).toContain("left-behind")
      yield* GridscaleSimulator.reset
      expect(yield* names).toEqual(["Public Network"])
      expect((yield* GridscaleSimulator.counters).requests).toBe(0)
    }))

  it.effect("a test that resets first sees only the catalogue and what it creates", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.reset
      yield* create("/objects/networks", { name: "mine" })
      expect(yield* names).toEqual(["Public Network", "mine"])
    }))
})

// Registered after the `layer` block. With `@effect/vitest`'s own `layer` this test would run in
// the block's runtime (see test/support/layer.ts), as would the tests of every file that shares
// this worker's module graph next.
describe("after a layer block", () => {
  it.effect("a test gets its own TestClock and services, not the block's; vitest's it is as it was", () =>
    Effect.gen(function*() {
      expect(yield* TestClock.currentTimeMillis).toBe(0)
      expect(Option.isNone(yield* Effect.serviceOption(GridscaleSimulator.GridscaleSimulator))).toBe(true)
      expect(it.effect).toBe(effectBefore)
    }))
})

describe("one built layer, several programs", () => {
  it.effect("programs given the same built simulator share its state", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(GridscaleSimulator.layerWith({}))
      yield* create("/objects/networks", { name: "first-program" }).pipe(Effect.provide(context))
      const seen = yield* names.pipe(Effect.provide(context))
      expect(seen).toEqual(["Public Network", "first-program"])
    }).pipe(Effect.scoped))
})
