import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Gridscale from "../../src/Gridscale.js"
import type { GridscaleError } from "../../src/GridscaleError.js"
import { location, requestCount, simulated, template } from "./support.js"

const password = "correct-horse-battery"

const hostileIds = ["../x", "a?b", "a#b", "%2F", "a\r\nX-Injected: 1", "", "a/b", "x".repeat(65)]

/** Runs an operation that must be refused before anything is sent, and returns its error. */
const refused = <A>(operation: Effect.Effect<A, GridscaleError>) =>
  Effect.gen(function*() {
    const before = yield* requestCount
    const error = yield* Effect.flip(operation)
    expect(yield* requestCount).toBe(before)
    expect(error._tag).toBe("InvalidInput")
    return error
  })

describe("ids that go into a path", () => {
  it.live.each(hostileIds)(
    "%j is InvalidInput, and nothing is sent, for every operation taking an id",
    (id) =>
      Effect.gen(function*() {
        const g = yield* Gridscale.Gridscale
        const operations: ReadonlyArray<Effect.Effect<unknown, GridscaleError>> = [
          g.servers.get(id),
          g.servers.update(id, { name: "x" }),
          g.servers.delete(id),
          g.servers.events(id),
          g.servers.start(id),
          g.servers.stop(id),
          g.servers.shutdown(id),
          g.servers.listStorages(id),
          g.servers.attachStorage(id, "storage-1"),
          g.servers.attachStorage("server-1", id),
          g.servers.detachIp("server-1", id),
          g.servers.attachNetwork("server-1", id),
          g.servers.detachIsoImage(id, "iso-1"),
          g.servers.updateStorageLink("server-1", id, { bootdevice: true }),
          g.servers.updateNetworkLink(id, "network-1", { ordering: 1 }),
          g.servers.listByLocation(id),
          g.storages.get(id),
          g.storages.clone(id),
          g.snapshots.list(id),
          g.snapshots.get("storage-1", id),
          g.snapshots.rollback(id, "snapshot-1"),
          g.ips.delete(id),
          g.networks.events(id),
          g.sshKeys.get(id),
          g.templates.update(id, {}),
          g.locations.get(id),
          g.isoImages.delete(id),
          g.storages.snapshots.export("storage-1", id, {}),
          g.storages.backups.rollback(id, "backup-1"),
          g.storages.snapshotSchedules.get("storage-1", id),
          g.firewalls.update(id, {}),
          g.loadBalancers.events(id),
          g.paas.services.renewCredentials(id),
          g.paas.securityZones.delete(id),
          g.objectStorage.accessKeys.get(id),
          g.marketplace.applications.get(id),
          g.servers.power.get(id),
          g.servers.metrics(id),
          g.requests.get(id)
        ]
        for (const operation of operations) yield* refused(operation)
      }).pipe(Effect.provide(simulated()))
  )

  it.live("the error names the argument", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const error = yield* refused(g.servers.attachStorage("server-1", "../etc"))
      expect(error).toMatchObject({ _tag: "InvalidInput", field: "storageId" })
      expect(error.message).toContain("storageId")
    }).pipe(Effect.provide(simulated())))
})

describe("create and update inputs", () => {
  it.live("names must be 1 to 64 characters, counted as characters", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      expect(yield* refused(g.servers.create({ name: "", cores: 1, memory: 1 }))).toMatchObject({
        field: "input.name"
      })
      yield* refused(g.networks.create({ name: "n".repeat(65) }))
      // 64 emoji are 128 UTF-16 units but 64 characters: accepted and sent.
      const network = yield* g.networks.create({ name: "🐧".repeat(64), location_uuid: location })
      expect(network.name).toBe("🐧".repeat(64))
    }).pipe(Effect.provide(simulated())))

  it.live("capacity must be a whole number of GB from 1 to 4096", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      for (const capacity of [0, 4097, 1.5, -1, Number.NaN]) {
        expect(yield* refused(g.storages.create({ name: "disk", capacity }))).toMatchObject({
          field: "input.capacity"
        })
      }
      yield* refused(g.storages.update("storage-1", { capacity: 5000 }))
      const storage = yield* g.storages.create({ name: "disk", capacity: 4096, location_uuid: location })
      expect(storage.capacity).toBe(4096)
    }).pipe(Effect.provide(simulated())))

  it.live("cores and memory must be positive whole numbers", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      yield* refused(g.servers.create({ name: "s", cores: 0, memory: 1 }))
      yield* refused(g.servers.create({ name: "s", cores: 1, memory: 0.5 }))
      yield* refused(g.servers.update("server-1", { cores: -2 }))
      expect(
        yield* refused(
          g.servers.provision({ name: "s", cores: 1, memory: 2, template, storageSize: 0, location, password })
        )
      ).toMatchObject({ field: "options.storageSize" })
      expect(
        yield* refused(
          g.servers.provision({
            name: "s",
            cores: 1,
            memory: 2,
            template,
            storageSize: 10,
            location: "../fra",
            password
          })
        )
      ).toMatchObject({ field: "options.location" })
    }).pipe(Effect.provide(simulated())))

  it.live("ids inside a body are checked too", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      expect(
        yield* refused(
          g.storages.create({ name: "d", capacity: 10, template: { template_uuid: "a b", sshkeys: [] } })
        )
      ).toMatchObject({ field: "input.template.template_uuid" })
    }).pipe(Effect.provide(simulated())))

  it.live("what only the API knows, the API reports: an unknown location", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const error = yield* Effect.flip(
        g.servers.create({ name: "s", cores: 1, memory: 1, location_uuid: "no-such-location" })
      )
      expect(error._tag).not.toBe("InvalidInput")
      expect(yield* requestCount).toBeGreaterThan(0)
    }).pipe(Effect.provide(simulated())))
})
