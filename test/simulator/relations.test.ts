import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { call, create, expectStatus, specFields } from "./api.js"

const provide = Effect.provide(GridscaleSimulator.layer)

const setup = Effect.gen(function*() {
  const server = yield* create("/objects/servers", { name: "web", cores: 1, memory: 2 })
  const storage = yield* create("/objects/storages", { name: "disk", capacity: 10 })
  const ip = yield* create("/objects/ips", { family: 4 })
  const network = yield* create("/objects/networks", { name: "backend" })
  const iso = yield* create("/objects/isoimages", { name: "rescue", source_url: "https://example.org/r.iso" })
  return { server: server.id, storage: storage.id, ip: ip.id, network: network.id, iso: iso.id }
})

const linkAll = (ids: Effect.Effect.Success<typeof setup>) =>
  Effect.gen(function*() {
    const base = `/objects/servers/${ids.server}`
    yield* expectStatus(202, "POST", `${base}/storages`, { body: { object_uuid: ids.storage, bootdevice: true } })
    yield* expectStatus(202, "POST", `${base}/ips`, { body: { object_uuid: ids.ip } })
    yield* expectStatus(202, "POST", `${base}/networks`, { body: { object_uuid: ids.network, ordering: 1 } })
    yield* expectStatus(202, "POST", `${base}/isoimages`, { body: { object_uuid: ids.iso } })
  })

describe("relations", () => {
  it.effect("a link shows on both sides: in the server's relations and in the object's relations.servers", () =>
    Effect.gen(function*() {
      const ids = yield* setup
      yield* linkAll(ids)
      const server = (yield* expectStatus(200, "GET", `/objects/servers/${ids.server}`)).json.server
      expect(server.relations.storages.map((s: any) => s.object_uuid)).toEqual([ids.storage])
      expect(server.relations.storages[0]).toMatchObject({ bootdevice: true, object_name: "disk", capacity: 10 })
      expect(server.relations.public_ips.map((s: any) => s.object_uuid)).toEqual([ids.ip])
      expect(server.relations.networks.map((s: any) => s.network_uuid)).toEqual([ids.network])
      expect(server.relations.networks[0].mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/)
      expect(server.relations.isoimages.map((s: any) => s.object_uuid)).toEqual([ids.iso])
      const storage = (yield* expectStatus(200, "GET", `/objects/storages/${ids.storage}`)).json.storage
      expect(storage.relations.servers).toEqual([
        expect.objectContaining({ object_uuid: ids.server, object_name: "web" })
      ])
      const ip = (yield* expectStatus(200, "GET", `/objects/ips/${ids.ip}`)).json.ip
      expect(ip.relations.servers).toEqual([expect.objectContaining({ server_uuid: ids.server, server_name: "web" })])
      const network = (yield* expectStatus(200, "GET", `/objects/networks/${ids.network}`)).json.network
      expect(network.relations.servers).toEqual([expect.objectContaining({ object_uuid: ids.server, ordering: 1 })])
      const iso = (yield* expectStatus(200, "GET", `/objects/isoimages/${ids.iso}`)).json.isoimage
      expect(iso.relations.servers).toEqual([expect.objectContaining({ object_uuid: ids.server })])
    }).pipe(provide))

  it.effect("relation endpoints list, get, change and delete a link", () =>
    Effect.gen(function*() {
      const ids = yield* setup
      yield* linkAll(ids)
      const base = `/objects/servers/${ids.server}`
      const list = yield* expectStatus(200, "GET", `${base}/networks`)
      expect(list.json.network_relations).toHaveLength(1)
      const one = yield* expectStatus(200, "GET", `${base}/networks/${ids.network}`)
      expect(one.json.network_relation).toMatchObject({ network_uuid: ids.network, ordering: 1 })
      yield* expectStatus(204, "PATCH", `${base}/networks/${ids.network}`, { body: { ordering: 3 } })
      expect((yield* expectStatus(200, "GET", `${base}/networks/${ids.network}`)).json.network_relation.ordering).toBe(
        3
      )
      expect((yield* expectStatus(200, "GET", `${base}/ips`)).json.ip_relations).toHaveLength(1)
      expect((yield* expectStatus(200, "GET", `${base}/isoimages`)).json.isoimage_relations).toHaveLength(1)
      expect((yield* expectStatus(200, "GET", `${base}/storages/${ids.storage}`)).json.storage_relation).toMatchObject({
        object_uuid: ids.storage,
        bootdevice: true
      })
      yield* expectStatus(204, "DELETE", `${base}/storages/${ids.storage}`)
      yield* expectStatus(404, "GET", `${base}/storages/${ids.storage}`)
      const storage = (yield* expectStatus(200, "GET", `/objects/storages/${ids.storage}`)).json.storage
      expect(storage.relations.servers).toEqual([])
      // The spec has no PATCH on a server's IP relation.
      expect((yield* call("PATCH", `${base}/ips/${ids.ip}`, { body: { name: "x" } })).status).toBe(405)
    }).pipe(provide))

  it.effect("relations carry the fields of the spec's Linked* definitions", () =>
    Effect.gen(function*() {
      const ids = yield* setup
      yield* linkAll(ids)
      const base = `/objects/servers/${ids.server}`
      const kinds = [
        ["storages", "storage", "Storage", ids.storage],
        ["ips", "ip", "Ip", ids.ip],
        ["networks", "network", "Network", ids.network],
        ["isoimages", "isoimage", "Isoimage", ids.iso]
      ] as const
      for (const [path, key, definition, id] of kinds) {
        const list = (yield* expectStatus(200, "GET", `${base}/${path}`)).json[`${key}_relations`]
        for (const field of specFields(`Linked${definition}Brief`)) expect(list[0], field).toHaveProperty(field)
        const one = (yield* expectStatus(200, "GET", `${base}/${path}/${id}`)).json[`${key}_relation`]
        for (const field of specFields(`Linked${definition}`)) expect(one, field).toHaveProperty(field)
      }
    }).pipe(provide))

  it.effect("deleting a storage attached to a server gives 424 and keeps it", () =>
    Effect.gen(function*() {
      const ids = yield* setup
      yield* linkAll(ids)
      const reply = yield* call("DELETE", `/objects/storages/${ids.storage}`)
      expect(reply.status).toBe(424)
      expect(reply.json).toEqual({ title: "Failed Dependency", description: expect.any(String) })
      yield* expectStatus(200, "GET", `/objects/storages/${ids.storage}`)
    }).pipe(provide))

  it.effect("deleting a server frees its relations, so its storage can then be deleted", () =>
    Effect.gen(function*() {
      const ids = yield* setup
      yield* linkAll(ids)
      yield* expectStatus(204, "DELETE", `/objects/servers/${ids.server}`)
      for (
        const [family, key, id] of [
          ["storages", "storage", ids.storage],
          ["ips", "ip", ids.ip],
          ["networks", "network", ids.network],
          ["isoimages", "isoimage", ids.iso]
        ] as const
      ) {
        const object = (yield* expectStatus(200, "GET", `/objects/${family}/${id}`)).json[key]
        expect(object.relations.servers, family).toEqual([])
      }
      yield* expectStatus(204, "DELETE", `/objects/storages/${ids.storage}`)
    }).pipe(provide))

  it.effect("a deleted server is listed under /objects/deleted/servers as it was when deleted", () =>
    Effect.gen(function*() {
      const ids = yield* setup
      yield* linkAll(ids)
      yield* expectStatus(204, "DELETE", `/objects/servers/${ids.server}`)
      const deleted = (yield* expectStatus(200, "GET", "/objects/deleted/servers")).json.deleted_servers
      expect(Object.keys(deleted)).toEqual([ids.server])
      expect(deleted[ids.server]).toMatchObject({ name: "web", status: "deleted" })
      expect(deleted[ids.server].relations.storages.map((s: any) => s.object_uuid)).toEqual([ids.storage])
      const storages = (yield* expectStatus(200, "GET", "/objects/deleted/storages")).json
      expect(storages).toEqual({ deleted_storages: {} })
    }).pipe(provide))

  it.effect("a storage or IP belongs to one server at a time; linking twice is a conflict", () =>
    Effect.gen(function*() {
      const ids = yield* setup
      yield* linkAll(ids)
      const other = yield* create("/objects/servers", { name: "other", cores: 1, memory: 1 })
      const storage = yield* call("POST", `/objects/servers/${other.id}/storages`, {
        body: { object_uuid: ids.storage }
      })
      expect(storage.status).toBe(409)
      const again = yield* call("POST", `/objects/servers/${ids.server}/ips`, { body: { object_uuid: ids.ip } })
      expect(again.status).toBe(409)
      // Networks are shared.
      yield* expectStatus(202, "POST", `/objects/servers/${other.id}/networks`, { body: { object_uuid: ids.network } })
      const missing = yield* call("POST", `/objects/servers/${other.id}/storages`, {
        body: { object_uuid: "7e0f5f2a-0000-4000-8000-000000000000" }
      })
      expect(missing.status).toBe(404)
    }).pipe(provide))

  it.effect("deleting an IP, network or ISO image unlinks it from its servers", () =>
    Effect.gen(function*() {
      const ids = yield* setup
      yield* linkAll(ids)
      yield* expectStatus(204, "DELETE", `/objects/ips/${ids.ip}`)
      yield* expectStatus(204, "DELETE", `/objects/networks/${ids.network}`)
      yield* expectStatus(204, "DELETE", `/objects/isoimages/${ids.iso}`)
      const server = (yield* expectStatus(200, "GET", `/objects/servers/${ids.server}`)).json.server
      expect(server.relations).toMatchObject({ public_ips: [], networks: [], isoimages: [] })
      expect(server.relations.storages).toHaveLength(1)
    }).pipe(provide))

  it.effect("the public network, public templates and ISO images and the seeded location cannot be changed or deleted", () =>
    Effect.gen(function*() {
      expect((yield* call("DELETE", `/objects/networks/${GridscaleSimulator.publicNetworkId}`)).status).toBe(403)
      expect((yield* call("DELETE", `/objects/templates/${GridscaleSimulator.templateIds[0]}`)).status).toBe(403)
      expect((yield* call("DELETE", `/objects/locations/${GridscaleSimulator.locationId}`)).status).toBe(403)
      const rename = { body: { name: "mine now" } }
      expect((yield* call("PATCH", `/objects/networks/${GridscaleSimulator.publicNetworkId}`, rename)).status).toBe(403)
      expect((yield* call("PATCH", `/objects/templates/${GridscaleSimulator.templateIds[0]}`, rename)).status).toBe(403)
    }).pipe(provide))
})

describe("snapshots, clones, templates and locations", () => {
  it.effect("snapshots are listed per storage, renamed, rolled back and deleted", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", { name: "db", capacity: 20 })
      const snapshot = yield* create(`/objects/storages/${storage.id}/snapshots`, { name: "before-upgrade" })
      const list = yield* expectStatus(200, "GET", `/objects/storages/${storage.id}/snapshots/`)
      expect(Object.keys(list.json.snapshots)).toEqual([snapshot.id])
      expect(list.json.snapshots[snapshot.id]).toMatchObject({ parent_uuid: storage.id, capacity: 20 })
      yield* expectStatus(204, "PATCH", `/objects/storages/${storage.id}/snapshots/${snapshot.id}`, {
        body: { name: "renamed" }
      })
      const one = yield* expectStatus(200, "GET", `/objects/storages/${storage.id}/snapshots/${snapshot.id}`)
      expect(one.json.snapshot.name).toBe("renamed")
      yield* expectStatus(204, "PATCH", `/objects/storages/${storage.id}`, { body: { capacity: 40 } })
      const rolledBack = yield* expectStatus(
        202,
        "PATCH",
        `/objects/storages/${storage.id}/snapshots/${snapshot.id}/rollback`,
        {
          body: { rollback: true }
        }
      )
      expect(rolledBack.json.request_uuid).toBe(rolledBack.headers["x-request-id"])
      expect((yield* expectStatus(200, "GET", `/objects/storages/${storage.id}`)).json.storage.capacity).toBe(20)
      yield* expectStatus(204, "DELETE", `/objects/storages/${storage.id}/snapshots/${snapshot.id}/`)
      yield* expectStatus(404, "GET", `/objects/storages/${storage.id}/snapshots/${snapshot.id}`)
    }).pipe(provide))

  it.effect("a storage shrinks never: a smaller capacity is 400", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", { name: "db", capacity: 20 })
      expect((yield* call("PATCH", `/objects/storages/${storage.id}`, { body: { capacity: 10 } })).status).toBe(400)
    }).pipe(provide))

  it.effect("a clone is a new storage with the source's size", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", { name: "db", capacity: 20 })
      const clone = yield* expectStatus(202, "POST", `/objects/storages/${storage.id}/clone`)
      const copy = (yield* expectStatus(200, "GET", `/objects/storages/${clone.json.object_uuid}`)).json.storage
      expect(copy).toMatchObject({ capacity: 20, name: "db clone" })
      expect(copy.object_uuid).not.toBe(storage.id)
    }).pipe(provide))

  it.effect("a template made from a snapshot is private, keeps an ostype and can be deleted", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", {
        name: "db",
        capacity: 20,
        template: { template_uuid: GridscaleSimulator.templateIds[1], sshkeys: ["key-1"] }
      })
      const snapshot = yield* create(`/objects/storages/${storage.id}/snapshots`, {})
      const template = yield* create("/objects/templates", { name: "golden", snapshot_uuid: snapshot.id })
      const got = (yield* expectStatus(200, "GET", `/objects/templates/${template.id}`)).json.template
      expect(got).toMatchObject({ name: "golden", private: true, ostype: "linux", distro: "Debian", capacity: 20 })
      yield* expectStatus(204, "DELETE", `/objects/templates/${template.id}`)
    }).pipe(provide))

  it.effect("a storage import names a backup; there are none, so it is 404, and without one 400", () =>
    Effect.gen(function*() {
      const backup = "3c2b1a09-0000-4000-8000-000000000000"
      const reply = yield* call("POST", "/objects/storages/import", { body: { backup: { backup_uuid: backup } } })
      expect(reply.status).toBe(404)
      expect((yield* call("POST", "/objects/storages/import", { body: {} })).status).toBe(400)
    }).pipe(provide))

  it.effect("objects are listed by location", () =>
    Effect.gen(function*() {
      const server = yield* create("/objects/servers", { name: "web", cores: 1, memory: 1 })
      const location = GridscaleSimulator.locationId
      const servers = yield* expectStatus(200, "GET", `/objects/locations/${location}/servers`)
      expect(Object.keys(servers.json.servers)).toEqual([server.id])
      const templates = yield* expectStatus(200, "GET", `/objects/locations/${location}/templates`)
      expect(Object.keys(templates.json.templates)).toHaveLength(GridscaleSimulator.templateIds.length)
      const unknown = yield* call("GET", "/objects/locations/6e5a0c8e-0000-4000-8000-000000000000/servers")
      expect(unknown.status).toBe(404)
    }).pipe(provide))
})
