import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as GridscaleSimulatorServer from "../../src/GridscaleSimulatorServer.js"
import { fastConfig, location, template } from "./support.js"

/** The whole client over real HTTP (fetch) to a simulator listening on loopback. */
const overLoopback = <A, E>(
  body: (handle: GridscaleSimulatorServer.Handle) => Effect.Effect<A, E, Gridscale.Gridscale>
) =>
  Effect.scoped(Effect.gen(function*() {
    const handle = yield* GridscaleSimulatorServer.serve({ jobDuration: 10, rateLimit: false })
    const client = Gridscale.layer.pipe(
      Layer.provide(FetchHttpClient.layer),
      Layer.provide(GridscaleConfig.layer({ ...fastConfig, apiUrl: handle.url }))
    )
    return yield* Effect.provide(body(handle), client)
  }))

const own = (handle: GridscaleSimulatorServer.Handle) => {
  const state = handle.snapshot()
  return ["servers", "storages", "ips"].map((family) => Object.keys(state[family] ?? {}).length)
}

describe("over the loopback server", () => {
  it.live("provision, stop, snapshot and tear down", () =>
    overLoopback((handle) =>
      Effect.gen(function*() {
        const g = yield* Gridscale.Gridscale
        const server = yield* g.servers.provision({
          name: "lb-1",
          cores: 1,
          memory: 2,
          template,
          storageSize: 10,
          location,
          password: "correct-horse-battery"
        })
        expect(server.power).toBe(true)
        expect((yield* g.servers.stop(server.object_uuid)).power).toBe(false)
        const storageId = server.relations!.storages![0]!.object_uuid
        const snapshot = yield* g.snapshots.create(storageId, { name: "lb-1 snap" })
        yield* g.snapshots.delete(storageId, snapshot.object_uuid)
        const ipIds = (yield* g.servers.listIps(server.object_uuid)).map((ip) => ip.object_uuid)
        yield* g.servers.delete(server.object_uuid)
        yield* g.storages.delete(storageId)
        for (const id of ipIds) yield* g.ips.delete(id)
        expect(own(handle)).toEqual([0, 0, 0])
      })
    ))

  it.live("hostile ids reach no socket", () =>
    overLoopback((handle) =>
      Effect.gen(function*() {
        const g = yield* Gridscale.Gridscale
        for (const id of ["../x", "a?b", "a#b", "%2F", "a\r\nb"]) {
          expect((yield* Effect.flip(g.servers.get(id)))._tag).toBe("InvalidInput")
        }
        expect(handle.counters().requests).toBe(0)
      })
    ))

  it.live("an interrupted provision leaves nothing behind", () =>
    overLoopback((handle) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(
          Gridscale.provision({
            name: "lb-2",
            cores: 1,
            memory: 2,
            template,
            storageSize: 10,
            location,
            password: "correct-horse-battery"
          })
        )
        yield* Effect.sleep(40)
        yield* Fiber.interrupt(fiber)
        expect(own(handle)).toEqual([0, 0, 0])
        expect(handle.snapshot()["networks"]).toHaveProperty(GridscaleSimulator.publicNetworkId)
      })
    ))
})
