/** What the spec states in its prose, or in a `oneOf`, and the simulator enforces. */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { call, create, expectStatus } from "./api.js"

const provide = Effect.provide(GridscaleSimulator.layerWith({ rateLimit: false }))

const ubuntu = GridscaleSimulator.templateIds[0]!

const storageFrom = (template: Record<string, unknown>) =>
  call("POST", "/objects/storages", {
    body: { name: "os", capacity: 10, template: { template_uuid: ubuntu, ...template } }
  })

describe("a storage from a template", () => {
  it.effect("needs a password with its type, or at least one SSH key", () =>
    Effect.gen(function*() {
      const key = yield* create("/objects/sshkeys", { name: "k", sshkey: "ssh-ed25519 AAAA k@example" })
      expect((yield* storageFrom({})).status).toBe(400)
      expect((yield* storageFrom({ sshkeys: [] })).status).toBe(400)
      expect((yield* storageFrom({ sshkeys: null })).status).toBe(400)
      expect((yield* storageFrom({ password: "secret" })).status).toBe(400)
      expect((yield* storageFrom({ password_type: "plain" })).status).toBe(400)
      expect((yield* storageFrom({ password: "secret", password_type: "plain" })).status).toBe(202)
      expect((yield* storageFrom({ password: "$6$x$y", password_type: "crypt" })).status).toBe(202)
      expect((yield* storageFrom({ sshkeys: [key.id] })).status).toBe(202)
    }).pipe(provide))

  it.effect("refuses a password type other than plain or crypt, keys or not", () =>
    Effect.gen(function*() {
      const md5 = yield* storageFrom({ password: "secret", password_type: "md5" })
      expect(md5.status).toBe(400)
      expect(md5.json.description).toContain("password_type")
      expect((yield* storageFrom({ password: "secret", password_type: "md5", sshkeys: ["k"] })).status).toBe(400)
      expect((yield* GridscaleSimulator.counters).writesApplied).toBe(0)
    }).pipe(provide))
})

describe("storage variants", () => {
  it.effect("storage_variant is kept (distributed by default); a local storage holds at most 500 GB", () =>
    Effect.gen(function*() {
      const plain = yield* create("/objects/storages", { name: "d", capacity: 10 })
      const local = yield* create("/objects/storages", { name: "l", capacity: 500, storage_variant: "local" })
      const shown = (id: string) =>
        Effect.map(expectStatus(200, "GET", `/objects/storages/${id}`), (r) => r.json.storage)
      expect((yield* shown(plain.id)).storage_variant).toBe("distributed")
      expect((yield* shown(local.id)).storage_variant).toBe("local")
      const big = yield* call("POST", "/objects/storages", {
        body: { name: "b", capacity: 501, storage_variant: "local" }
      })
      expect(big.status).toBe(400)
      expect(
        (yield* call("POST", "/objects/storages", { body: { name: "x", capacity: 1, storage_variant: "nvme" } }))
          .status
      ).toBe(400)
      // Growing a local storage past the cap is refused too; a distributed one grows to 4096.
      expect((yield* call("PATCH", `/objects/storages/${local.id}`, { body: { capacity: 501 } })).status).toBe(400)
      expect((yield* call("PATCH", `/objects/storages/${plain.id}`, { body: { capacity: 4096 } })).status).toBe(204)
    }).pipe(provide))
})

describe("what a server takes", () => {
  const attach = (server: string, kind: string, id: string) =>
    call("POST", `/objects/servers/${server}/${kind}`, { body: { object_uuid: id } })

  it.effect("at most 8 storages, one of them local", () =>
    Effect.gen(function*() {
      const server = yield* create("/objects/servers", { name: "s", cores: 1, memory: 1 })
      const local = yield* create("/objects/storages", { name: "l1", capacity: 10, storage_variant: "local" })
      const local2 = yield* create("/objects/storages", { name: "l2", capacity: 10, storage_variant: "local" })
      expect((yield* attach(server.id, "storages", local.id)).status).toBe(202)
      const second = yield* attach(server.id, "storages", local2.id)
      expect(second.status).toBe(409)
      expect(second.json.description).toContain("local")
      for (let i = 0; i < 7; i++) {
        const storage = yield* create("/objects/storages", { name: `d${i}`, capacity: 10 })
        expect((yield* attach(server.id, "storages", storage.id)).status).toBe(202)
      }
      const ninth = yield* create("/objects/storages", { name: "d9", capacity: 10 })
      const refused = yield* attach(server.id, "storages", ninth.id)
      expect(refused.status).toBe(409)
      expect(refused.json.description).toContain("8 storages")
      const relations = yield* expectStatus(200, "GET", `/objects/servers/${server.id}/storages`)
      expect(relations.json.storage_relations).toHaveLength(8)
    }).pipe(provide))

  it.effect("one ISO image", () =>
    Effect.gen(function*() {
      const server = yield* create("/objects/servers", { name: "s", cores: 1, memory: 1 })
      const one = yield* create("/objects/isoimages", { name: "a", source_url: "https://example.org/a.iso" })
      const two = yield* create("/objects/isoimages", { name: "b", source_url: "https://example.org/b.iso" })
      expect((yield* attach(server.id, "isoimages", one.id)).status).toBe(202)
      expect((yield* attach(server.id, "isoimages", two.id)).status).toBe(409)
      // Another server can take the second one.
      const other = yield* create("/objects/servers", { name: "t", cores: 1, memory: 1 })
      expect((yield* attach(other.id, "isoimages", two.id)).status).toBe(202)
    }).pipe(provide))
})

describe("snapshots, labels and backups", () => {
  it.effect("the snapshots a storage lists carry object_name, the schedule's id and name, and the template", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", {
        name: "os",
        capacity: 10,
        template: { template_uuid: ubuntu, password: "secret", password_type: "plain" }
      })
      const snapshot = yield* create(`/objects/storages/${storage.id}/snapshots`, { name: "before-upgrade" })
      const shown = (yield* expectStatus(200, "GET", `/objects/storages/${storage.id}`)).json.storage
      expect(shown.snapshots).toEqual([
        {
          object_uuid: snapshot.id,
          storage_uuid: storage.id,
          object_name: "before-upgrade",
          schedules_snapshot_uuid: null,
          schedules_snapshot_name: null,
          last_used_template: ubuntu,
          create_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
        }
      ])
    }).pipe(provide))

  it.effect("a snapshot schedule's run takes a snapshot that the storage lists with the schedule's id and name", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", { name: "db", capacity: 10 })
      const schedule = yield* create(`/objects/storages/${storage.id}/snapshot_schedules`, {
        name: "nightly",
        run_interval: 1440,
        keep_snapshots: 3
      })
      const listed = () =>
        Effect.map(expectStatus(200, "GET", `/objects/storages/${storage.id}`), (r) => r.json.storage.snapshots)
      expect(yield* listed()).toEqual([])
      yield* TestClock.adjust("1 second")
      expect(yield* listed()).toEqual([
        expect.objectContaining({
          object_name: "nightly run",
          schedules_snapshot_uuid: schedule.id,
          schedules_snapshot_name: "nightly"
        })
      ])
      const relations = (yield* expectStatus(200, "GET", `/objects/storages/${storage.id}`)).json.storage.relations
      expect(relations.snapshot_schedules).toEqual([
        expect.objectContaining({ object_uuid: schedule.id, name: "nightly" })
      ])
    }).pipe(provide))

  it.effect("labels are searchable at /objects/labels, a label with spaces percent-encoded", () =>
    Effect.gen(function*() {
      const server = yield* create("/objects/servers", {
        name: "web",
        cores: 1,
        memory: 1,
        labels: ["env prod", "web"]
      })
      const storage = yield* create("/objects/storages", { name: "d", capacity: 10, labels: ["env prod"] })
      const all = (yield* expectStatus(200, "GET", "/objects/labels")).json.labels
      expect(Object.keys(all).sort()).toEqual(["env prod", "web"])
      const one = (yield* expectStatus(200, "GET", `/objects/labels/${encodeURIComponent("env prod")}`)).json.label
      expect(one.label).toBe("env prod")
      expect(one.relations.map((r: any) => r.object_uuid).sort()).toEqual([server.id, storage.id].sort())
      expect((yield* call("GET", "/objects/labels/nothing")).status).toBe(404)
      // A label is data, whatever it spells.
      yield* create("/objects/networks", { name: "n", labels: ["__proto__"] })
      const listed = (yield* expectStatus(200, "GET", "/objects/labels")).json.labels
      expect(Object.keys(listed)).toContain("__proto__")
      expect((yield* call("GET", "/objects/labels/__proto__")).status).toBe(200)
      // Changing an object's labels changes what the search finds.
      yield* expectStatus(204, "PATCH", `/objects/servers/${server.id}`, { body: { labels: [] } })
      expect((yield* call("GET", "/objects/labels/web")).status).toBe(404)
    }).pipe(provide))

  it.effect("a backup schedule's first run makes a backup when its job is done; a storage can be imported from it", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", { name: "db", capacity: 30 })
      yield* create(`/objects/storages/${storage.id}/backup_schedules`, {
        name: "weekly",
        run_interval: 10080,
        keep_backups: 2,
        next_runtime: "2026-01-02T00:00:00Z",
        active: true
      })
      const before = (yield* expectStatus(200, "GET", `/objects/storages/${storage.id}/backups`)).json.backups
      expect(before).toEqual({})
      yield* TestClock.adjust("1 second")
      const backups = (yield* expectStatus(200, "GET", `/objects/storages/${storage.id}/backups`)).json.backups
      const [backupId] = Object.keys(backups)
      expect(backups[backupId!]).toMatchObject({ Capacity: 30, name: "weekly backup" })
      const imported = yield* create("/objects/storages/import", {
        backup: { backup_uuid: backupId, name: "restored" }
      })
      const restored = (yield* expectStatus(200, "GET", `/objects/storages/${imported.id}`)).json.storage
      expect(restored).toMatchObject({ name: "restored", capacity: 30 })
      expect((yield* call("POST", "/objects/storages/import", { body: { backup: { backup_uuid: "no-such" } } })).status)
        .toBe(404)
    }).pipe(provide))
})
