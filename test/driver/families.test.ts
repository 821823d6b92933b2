import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { location, simulated, template } from "./support.js"

const run = <A, E>(effect: Effect.Effect<A, E, Gridscale.Gridscale | GridscaleSimulator.GridscaleSimulator>) =>
  Effect.provide(effect, simulated())

/** Runs create, get, list, update, events and delete on one family and checks each result. */
const lifecycle = <A extends { readonly object_uuid: string; readonly name?: string | null | undefined }>(
  ops: {
    readonly list: () => Effect.Effect<ReadonlyArray<A>, any>
    readonly get: (id: string) => Effect.Effect<A, any>
    readonly update: (id: string, patch: { readonly name: string }) => Effect.Effect<A, any>
    readonly delete: (id: string) => Effect.Effect<void, any>
    readonly events?: (id: string) => Effect.Effect<ReadonlyArray<unknown>, any>
  },
  create: Effect.Effect<A, any>
) =>
  Effect.gen(function*() {
    const before = (yield* ops.list()).length
    const created = yield* create
    expect((yield* ops.get(created.object_uuid)).object_uuid).toBe(created.object_uuid)
    const listed = yield* ops.list()
    expect(listed.length).toBe(before + 1)
    expect(listed.at(-1)?.object_uuid).toBe(created.object_uuid)
    const renamed = yield* ops.update(created.object_uuid, { name: "renamed" })
    expect(renamed.name).toBe("renamed")
    expect((yield* ops.get(created.object_uuid)).name).toBe("renamed")
    if (ops.events) expect((yield* ops.events(created.object_uuid)).length).toBeGreaterThan(0)
    yield* ops.delete(created.object_uuid)
    const gone = yield* Effect.flip(ops.get(created.object_uuid))
    expect(gone._tag).toBe("ResourceNotFound")
    expect((yield* ops.list()).length).toBe(before)
    return created
  })

describe("each family: create returns the object as get shows it, update and delete await their jobs", () => {
  it.live("servers", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* lifecycle(
        g.servers,
        g.servers.create({ name: "app", cores: 2, memory: 4, location_uuid: location, labels: ["web"] })
      )
      expect(server).toMatchObject({ name: "app", cores: 2, memory: 4, power: false, labels: ["web"] })
    })))

  it.live("storages", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const storage = yield* lifecycle(
        g.storages,
        g.storages.create({ name: "data", capacity: 20, location_uuid: location, storage_type: "storage_high" })
      )
      expect(storage).toMatchObject({ capacity: 20, storage_type: "storage_high" })
    })))

  it.live("ips", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const ip = yield* lifecycle(g.ips, g.ips.create({ family: 6, name: "v6", location_uuid: location }))
      expect(ip.family).toBe(6)
      expect(ip.ip).toEqual(expect.stringContaining(":"))
    })))

  it.live("networks", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const network = yield* lifecycle(
        g.networks,
        g.networks.create({ name: "backend", location_uuid: location, l2security: true })
      )
      expect(network).toMatchObject({ public_net: false, l2security: true })
    })))

  it.live("sshKeys", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFb0f4c3 test@example"
      const created = yield* lifecycle(g.sshKeys, g.sshKeys.create({ name: "laptop", sshkey: key }))
      expect(created.sshkey).toBe(key)
    })))

  it.live("isoImages", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const source = "https://releases.example.org/os-1.0.iso"
      const iso = yield* lifecycle(
        g.isoImages,
        g.isoImages.create({ name: "installer", source_url: source, location_uuid: location })
      )
      expect(iso.source_url).toBe(source)
    })))

  it.live("templates, made from a snapshot", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const storage = yield* g.storages.create({ name: "golden", capacity: 10, location_uuid: location })
      const snapshot = yield* g.snapshots.create(storage.object_uuid, { name: "golden-1" })
      const created = yield* lifecycle(
        g.templates,
        g.templates.create({ name: "golden image", snapshot_uuid: snapshot.object_uuid })
      )
      expect(created.private).toBe(true)
    })))

  it.live("locations: the seeded catalogue can be listed and read", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const locations = yield* g.locations.list()
      expect(locations.map((l) => l.object_uuid)).toContain(location)
      expect((yield* g.locations.get(location)).name).toBe("de/fra")
      expect((yield* Effect.flip(g.locations.get("no-such-location")))._tag).toBe("ResourceNotFound")
    })))
})

describe("dedicated locations", () => {
  it.live("are created inside a public one, renamed and deleted", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const dedicated = yield* lifecycle(
        g.locations,
        g.locations.create({ name: "rack-1", parent_location_uuid: location, cpunode_count: 2, product_no: 1500001 })
      )
      expect(dedicated).toMatchObject({ public: false, cpunode_count: 2 })
    })))
})

describe("the catalogue", () => {
  it.live("templates carry an ostype, and the public network is listed first", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const templates = yield* g.templates.list()
      expect(templates.map((t) => t.object_uuid)).toContain(template)
      expect(templates.every((t) => typeof t.ostype === "string")).toBe(true)
      expect((yield* g.networks.list())[0]?.public_net).toBe(true)
      expect((yield* g.templates.get(template)).object_uuid).toBe(template)
    })))
})

describe("listing by location", () => {
  it.live("each family lists what lives in the location", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* g.servers.create({ name: "s", cores: 1, memory: 1, location_uuid: location })
      const storage = yield* g.storages.create({ name: "d", capacity: 10, location_uuid: location })
      const ip = yield* g.ips.create({ family: 4, location_uuid: location })
      const iso = yield* g.isoImages.create({
        name: "i",
        source_url: "https://x.example/i.iso",
        location_uuid: location
      })
      const snapshot = yield* g.snapshots.create(storage.object_uuid)
      const ids = <A extends { readonly object_uuid: string }>(list: ReadonlyArray<A>) => list.map((o) => o.object_uuid)
      expect(ids(yield* g.servers.listByLocation(location))).toContain(server.object_uuid)
      expect(ids(yield* g.storages.listByLocation(location))).toContain(storage.object_uuid)
      expect(ids(yield* g.ips.listByLocation(location))).toContain(ip.object_uuid)
      expect(ids(yield* g.isoImages.listByLocation(location))).toContain(iso.object_uuid)
      expect(ids(yield* g.snapshots.listByLocation(location))).toContain(snapshot.object_uuid)
      expect(ids(yield* g.networks.listByLocation(location))).toContain(GridscaleSimulator.publicNetworkId)
      expect(ids(yield* g.templates.listByLocation(location))).toContain(template)
      expect((yield* Effect.flip(g.servers.listByLocation("no-such-location")))._tag).toBe("ResourceNotFound")
    })))
})

describe("a failed job", () => {
  it.live("fails the operation with JobFailed carrying the API's message", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      yield* GridscaleSimulator.failNextJob({ method: "POST", path: "/objects/storages" })
      const error = yield* Effect.flip(g.storages.create({ name: "d", capacity: 10, location_uuid: location }))
      expect(error._tag).toBe("JobFailed")
    })))
})

describe("progress", () => {
  it.live("onProgress hears each poll of a write's job", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const heard: Array<string> = []
      yield* g.networks.create({ name: "n", location_uuid: location }, {
        onProgress: (p) => Effect.sync(() => heard.push(p.status))
      })
      expect(heard.at(-1)).toBe("done")
    })))
})
