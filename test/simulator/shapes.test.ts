import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { definitions } from "../../src/generated/definitions.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { call, create, expectStatus } from "./api.js"

/** The spec's example of a definition, as copied into the repo by `npm run generate`. */
const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/examples/${name}.json`, import.meta.url), "utf8"))

/** The fields of a spec definition and of its example: what a reply object must carry. */
const fieldsOf = (definition: string): Array<string> => [
  ...new Set([...Object.keys(definitions[definition]!.properties!), ...Object.keys(example(definition))])
]

const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

const provide = Effect.provide(GridscaleSimulator.layer)

describe("reply shapes", () => {
  it.effect("lists are maps keyed by id under the plural key, single gets under the singular key", () =>
    Effect.gen(function*() {
      const { id } = yield* create("/objects/storages", { name: "data", capacity: 10 })
      const list = yield* expectStatus(200, "GET", "/objects/storages")
      expect(Object.keys(list.json)).toEqual(["storages"])
      expect(Object.keys(list.json.storages)).toEqual([id])
      expect(list.json.storages[id].object_uuid).toBe(id)
      const one = yield* expectStatus(200, "GET", `/objects/storages/${id}`)
      expect(Object.keys(one.json)).toEqual(["storage"])
      expect(one.json.storage).toEqual(list.json.storages[id])
    }).pipe(provide))

  it.effect("a create answers 202 with request_uuid and object_uuid, and the request id in X-Request-Id", () =>
    Effect.gen(function*() {
      const reply = yield* expectStatus(202, "POST", "/objects/networks", { body: { name: "backend" } })
      expect(reply.headers["content-type"]).toBe("application/json")
      expect(reply.headers["x-request-id"]).toBe(reply.json.request_uuid)
      expect(Object.keys(reply.json).sort()).toEqual(["object_uuid", "request_uuid"])
    }).pipe(provide))

  it.effect("a server create answers with every field of the spec's ServerCreateResponse", () =>
    Effect.gen(function*() {
      const { id, reply } = yield* create("/objects/servers", { name: "web", cores: 2, memory: 4 })
      expect(reply.json).toMatchObject({
        object_uuid: id,
        server_uuid: id,
        network_uuids: [],
        storage_uuids: [],
        ipaddr_uuids: []
      })
    }).pipe(provide))

  it.effect("an IP create answers with its address and prefix, from the documentation ranges", () =>
    Effect.gen(function*() {
      const v4 = yield* create("/objects/ips", { family: 4, name: "front" })
      const v6 = yield* create("/objects/ips", { family: 6 })
      expect(v4.reply.json.ip).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/)
      expect(v4.reply.json.prefix).toBe(`${v4.reply.json.ip}/32`)
      expect(v6.reply.json.ip).toMatch(/^2001:db8:/)
      expect(v6.reply.json.prefix).toBe(`${v6.reply.json.ip}/128`)
    }).pipe(provide))

  it.effect("a server carries every field of the spec's Server example, with relations and ISO 8601 UTC times", () =>
    Effect.gen(function*() {
      const { id } = yield* create("/objects/servers", { name: "web", cores: 2, memory: 4 })
      const server = (yield* expectStatus(200, "GET", `/objects/servers/${id}`)).json.server
      for (const key of fieldsOf("Server")) expect(server, key).toHaveProperty(key)
      expect(Object.keys(server.relations).sort()).toEqual(["isoimages", "networks", "public_ips", "storages"])
      expect(server).toMatchObject({ name: "web", cores: 2, memory: 4, power: false, object_uuid: id })
      expect(server.location_uuid).toBe(GridscaleSimulator.locationId)
      expect(server.create_time).toMatch(isoUtc)
      expect(server.change_time).toMatch(isoUtc)
    }).pipe(provide))

  it.effect("storages, snapshots, IPs, networks, SSH keys, templates, locations and ISO images carry their definition's fields", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", { name: "s", capacity: 10 })
      const ip = yield* create("/objects/ips", { family: 4 })
      const network = yield* create("/objects/networks", { name: "n" })
      const key = yield* create("/objects/sshkeys", { name: "k", sshkey: "ssh-ed25519 AAAA k@example" })
      const iso = yield* create("/objects/isoimages", { name: "i", source_url: "https://example.org/x.iso" })
      const snapshot = yield* create(`/objects/storages/${storage.id}/snapshots`, { name: "snap" })
      const checks: Array<[string, string, string]> = [
        ["Storage", "storages", storage.id],
        ["Snapshot", `storages/${storage.id}/snapshots`, snapshot.id],
        ["Ip", "ips", ip.id],
        ["Network", "networks", network.id],
        ["Sshkey", "sshkeys", key.id],
        ["Template", "templates", GridscaleSimulator.templateIds[0]!],
        ["Location", "locations", GridscaleSimulator.locationId],
        ["Isoimage", "isoimages", iso.id]
      ]
      for (const [definition, family, id] of checks) {
        const reply = yield* expectStatus(200, "GET", `/objects/${family}/${id}`)
        const object = Object.values(reply.json)[0] as Record<string, unknown>
        for (const key of fieldsOf(definition)) expect(object, `${definition}.${key}`).toHaveProperty(key)
      }
    }).pipe(provide))

  it.effect("the catalogue has a location, the public network listed first and templates with an ostype", () =>
    Effect.gen(function*() {
      yield* create("/objects/networks", { name: "private" })
      const locations = (yield* expectStatus(200, "GET", "/objects/locations")).json.locations
      expect(Object.values(locations).length).toBeGreaterThanOrEqual(1)
      const networks = Object.values((yield* expectStatus(200, "GET", "/objects/networks")).json.networks) as Array<
        any
      >
      expect(networks[0].public_net).toBe(true)
      expect(networks[0].object_uuid).toBe(GridscaleSimulator.publicNetworkId)
      const templates = Object.values((yield* expectStatus(200, "GET", "/objects/templates")).json.templates) as Array<
        any
      >
      expect(templates.map((t) => t.distro)).toEqual(expect.arrayContaining(["Ubuntu", "Debian", "CentOS"]))
      for (const template of templates) expect(template.ostype).toEqual(expect.any(String))
    }).pipe(provide))

  it.effect("PATCH and DELETE answer 204 with no body; the request id is only in X-Request-Id", () =>
    Effect.gen(function*() {
      const { id } = yield* create("/objects/sshkeys", { name: "k", sshkey: "ssh-ed25519 AAAA" })
      const patched = yield* expectStatus(204, "PATCH", `/objects/sshkeys/${id}`, { body: { name: "renamed" } })
      expect(patched.text).toBe("")
      expect(patched.headers["content-type"]).toBeUndefined()
      expect(patched.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)
      const got = yield* expectStatus(200, "GET", `/objects/sshkeys/${id}`)
      expect(got.json.sshkey.name).toBe("renamed")
      const deleted = yield* expectStatus(204, "DELETE", `/objects/sshkeys/${id}`)
      expect(deleted.text).toBe("")
      yield* expectStatus(404, "GET", `/objects/sshkeys/${id}`)
    }).pipe(provide))

  it.effect("every reply carries X-Request-Id and the RateLimit headers, errors included", () =>
    Effect.gen(function*() {
      for (const reply of [yield* call("GET", "/objects/servers"), yield* call("GET", "/objects/nothing")]) {
        expect(reply.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)
        expect(reply.headers["ratelimit-limit"]).toBe("210")
        expect(Number(reply.headers["ratelimit-remaining"])).toBeLessThan(210)
        expect(Number(reply.headers["ratelimit-reset"])).toBe(60_000)
      }
    }).pipe(provide))

  it.effect("a trailing slash is ignored and null optional fields count as absent", () =>
    Effect.gen(function*() {
      const { id } = yield* create("/objects/storages/", {
        name: "from-libcloud",
        capacity: 10,
        location_uuid: GridscaleSimulator.locationId,
        template: null,
        labels: null
      })
      const one = yield* expectStatus(200, "GET", `/objects/storages/${id}/`)
      expect(one.json.storage).toMatchObject({ name: "from-libcloud", labels: [], last_used_template: null })
    }).pipe(provide))

  it.effect("a storage created from a template records the template and takes its license", () =>
    Effect.gen(function*() {
      const windows = GridscaleSimulator.templateIds[3]!
      const { id } = yield* create("/objects/storages", {
        name: "win",
        capacity: 40,
        template: { template_uuid: windows, password: "secret", password_type: "plain", hostname: "win" }
      })
      const storage = (yield* expectStatus(200, "GET", `/objects/storages/${id}`)).json.storage
      expect(storage).toMatchObject({ last_used_template: windows, license_product_no: 800002, capacity: 40 })
      const small = yield* call("POST", "/objects/storages", {
        body: {
          name: "too-small",
          capacity: 10,
          template: { template_uuid: windows, password: "secret", password_type: "plain" }
        }
      })
      expect(small.status).toBe(400)
      expect(small.json.description).toContain("at least 32 GB")
    }).pipe(provide))

  it.effect("relation lists and events are arrays", () =>
    Effect.gen(function*() {
      const server = yield* create("/objects/servers", { name: "web", cores: 1, memory: 1 })
      const relations = yield* expectStatus(200, "GET", `/objects/servers/${server.id}/storages`)
      expect(relations.json).toEqual({ storage_relations: [] })
      yield* expectStatus(204, "PATCH", `/objects/servers/${server.id}`, { body: { name: "web-2" } })
      const events = yield* expectStatus(200, "GET", `/objects/servers/${server.id}/events`)
      expect(Array.isArray(events.json.events)).toBe(true)
      expect(events.json.events.map((e: any) => e.request_uuid)).toEqual([
        server.requestId,
        expect.stringMatching(/^[0-9a-f-]{36}$/)
      ])
    }).pipe(provide))
})
