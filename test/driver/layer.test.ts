import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as GridscalePolling from "../../src/GridscalePolling.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { simulated } from "./support.js"

describe("Gridscale.layer", () => {
  it.live("provides the driver and the core services it is built on", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const connection = yield* GridscaleConnection.GridscaleConnection
      yield* GridscalePolling.GridscalePolling
      const viaDriver = yield* g.locations.list()
      const viaConnection = yield* connection.request("GET", "/objects/locations")
      expect(Object.keys((viaConnection as { locations: object }).locations)).toEqual(
        viaDriver.map((l) => l.object_uuid)
      )
    }).pipe(Effect.provide(simulated())))
})

describe("Gridscale.layerConfig", () => {
  const env = (entries: Record<string, string>) =>
    Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

  it.live("reads the credentials from GRIDSCALE_UUID and GRIDSCALE_TOKEN", () =>
    Effect.gen(function*() {
      const locations = yield* Gridscale.use((g) => g.locations.list())
      expect(locations.map((l) => l.object_uuid)).toContain(GridscaleSimulator.locationId)
    }).pipe(Effect.provide(
      Gridscale.layerConfig().pipe(
        Layer.provide(GridscaleSimulator.layerWith({ credentials: { userId: "user-7", token: "token-7" } })),
        Layer.provide(env({ GRIDSCALE_UUID: "user-7", GRIDSCALE_TOKEN: "token-7" }))
      )
    )))

  it.effect("fails with a ConfigError when they are missing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(
          Gridscale.layerConfig().pipe(Layer.provide(GridscaleSimulator.layer), Layer.provide(env({})))
        ).pipe(Effect.scoped)
      )
      expect(error._op).toBe("MissingData")
    }))
})
