import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Gridscale from "../../src/Gridscale.js"
import type * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { example, location, simulated } from "./support.js"

const run = <A, E>(effect: Effect.Effect<A, E, Gridscale.Gridscale | GridscaleSimulator.GridscaleSimulator>) =>
  Effect.provide(effect, simulated())

/** The shared operations of a family, as the tests call them (with the parent's id bound, if any). */
interface Shared<A> {
  readonly list: () => Effect.Effect<ReadonlyArray<{ readonly object_uuid?: string | null | undefined }>, any>
  readonly get: (id: string) => Effect.Effect<A, any>
  readonly update: (id: string, patch: { readonly name: string }) => Effect.Effect<A, any>
  readonly delete: (id: string) => Effect.Effect<void, any>
  readonly events?: (id: string) => Effect.Effect<ReadonlyArray<unknown>, any>
}

/** Create, get, list, rename, events and delete on one family, each result checked. */
const lifecycle = <A extends { readonly object_uuid: string; readonly name?: string | null | undefined }>(
  ops: Shared<A>,
  create: Effect.Effect<A, any>
) =>
  Effect.gen(function*() {
    const created = yield* create
    expect((yield* ops.get(created.object_uuid)).object_uuid).toBe(created.object_uuid)
    expect((yield* ops.list()).map((o) => o.object_uuid)).toContain(created.object_uuid)
    expect((yield* ops.update(created.object_uuid, { name: "renamed" })).name).toBe("renamed")
    if (ops.events) expect(yield* ops.events(created.object_uuid)).toBeInstanceOf(Array)
    yield* ops.delete(created.object_uuid)
    expect((yield* Effect.flip(ops.get(created.object_uuid)))._tag).toBe("ResourceNotFound")
    return created
  })

describe("families with only shared operations, against the simulator", () => {
  it.live("firewalls", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const created = yield* lifecycle(g.firewalls, g.firewalls.create(example("FirewallCreate") as any))
      expect(created.name).toBe("test")
    })))

  it.live("loadBalancers", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const v4 = yield* g.ips.create({ family: 4, location_uuid: location })
      const v6 = yield* g.ips.create({ family: 6, location_uuid: location })
      const input = {
        ...(example("LoadbalancerCreate") as object),
        listen_ipv4_uuid: v4.object_uuid,
        listen_ipv6_uuid: v6.object_uuid,
        location_uuid: location
      }
      const created = yield* lifecycle(g.loadBalancers, g.loadBalancers.create(input as any))
      expect(created.algorithm).toBe("leastconn")
    })))

  it.live("paas.securityZones and paas.services, from a PaaS template", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const zone = yield* lifecycle(
        g.paas.securityZones,
        g.paas.securityZones.create({ name: "zone", location_uuid: location })
      )
      expect(zone.object_uuid).toEqual(expect.any(String))
      const [template] = yield* g.paas.templates.list()
      const service = yield* lifecycle(
        g.paas.services,
        g.paas.services.create({ name: "db", paas_service_template_uuid: template!.object_uuid })
      )
      expect(service.service_template_uuid ?? template!.object_uuid).toBe(template!.object_uuid)
    })))

  it.live("marketplace.applications", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      yield* lifecycle(
        g.marketplace.applications,
        g.marketplace.applications.create(example("MarketplaceApplicationCreate") as any)
      )
    })))

  it.live("storages.snapshotSchedules and storages.backupSchedules, under their storage", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const { object_uuid: storage } = yield* g.storages.create({ name: "db", capacity: 10, location_uuid: location })
      const bind = <A>(ops: {
        readonly list: (s: string) => Effect.Effect<ReadonlyArray<any>, any>
        readonly get: (s: string, id: string) => Effect.Effect<A, any>
        readonly update: (s: string, id: string, patch: { readonly name: string }) => Effect.Effect<A, any>
        readonly delete: (s: string, id: string) => Effect.Effect<void, any>
      }): Shared<A> => ({
        list: () => ops.list(storage),
        get: (id) => ops.get(storage, id),
        update: (id, patch) => ops.update(storage, id, patch),
        delete: (id) => ops.delete(storage, id)
      })
      const snapshots = yield* lifecycle(
        bind(g.storages.snapshotSchedules),
        g.storages.snapshotSchedules.create(storage, example("SnapshotScheduleCreate") as any)
      )
      expect(snapshots.keep_snapshots).toBe(2)
      const backups = yield* lifecycle(
        bind(g.storages.backupSchedules),
        g.storages.backupSchedules.create(storage, example("StorageBackupScheduleCreate") as any)
      )
      expect(backups.keep_backups).toBe(2)
      // The simulator's backup schedule has made a backup by now: roll back to it, then delete it.
      const [backup] = yield* g.storages.backups.list(storage)
      expect(backup?.object_uuid).toEqual(expect.any(String))
      yield* g.storages.backups.rollback(storage, backup!.object_uuid)
      const imported = yield* g.storages.import({ backup: { backup_uuid: backup!.object_uuid, name: "restored" } })
      expect(imported.object_uuid).not.toBe(storage)
      yield* g.storages.backups.delete(storage, backup!.object_uuid)
      expect((yield* g.storages.backups.list(storage)).map((b) => b.object_uuid)).not.toContain(backup!.object_uuid)
    })))

  it.live("a snapshot is exported to an S3 bucket", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const { object_uuid: storage } = yield* g.storages.create({ name: "db", capacity: 10, location_uuid: location })
      const snapshot = yield* g.storages.snapshots.create(storage, { name: "s" })
      yield* g.storages.snapshots.export(storage, snapshot.object_uuid, {
        s3auth: { host: "s3.example.org", access_keys: "AK", secret_key: "SK" },
        s3data: { host: "s3.example.org", bucket: "images", filename: "s.gz", private: true }
      })
    })))

  it.live("objectStorage.accessKeys: the secret comes with the create", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const created = yield* g.objectStorage.accessKeys.create()
      const key = created.access_key?.access_key
      expect(typeof key).toBe("string")
      expect(typeof created.access_key?.secret_key).toBe("string")
      expect((yield* g.objectStorage.accessKeys.get(key!)).access_key).toBe(key)
      expect((yield* g.objectStorage.accessKeys.list()).map((k) => k.access_key)).toContain(key)
      yield* g.objectStorage.accessKeys.delete(key!)
      expect((yield* Effect.flip(g.objectStorage.accessKeys.get(key!)))._tag).toBe("ResourceNotFound")
      expect(yield* g.objectStorage.buckets.list()).toBeInstanceOf(Array)
    })))
})

describe("lists and reads across the account", () => {
  it.live("labels, events, deleted objects and jobs", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const network = yield* g.networks.create({ name: "n", location_uuid: location, labels: ["team: ops"] })
      const labels = yield* g.labels.list()
      expect(labels.map((l) => l.label)).toContain("team: ops")
      expect((yield* g.labels.get("team: ops")).label).toBe("team: ops")
      expect((yield* g.events.list()).length).toBeGreaterThan(0)
      yield* g.networks.delete(network.object_uuid)
      expect((yield* g.deleted.networks.list()).map((n) => n.object_uuid)).toContain(network.object_uuid)
      let jobId = ""
      yield* g.networks.create({ name: "m", location_uuid: location }, {
        onProgress: (progress) => Effect.sync(() => (jobId = progress.requestId))
      })
      expect((yield* g.requests.get(jobId)).status).toBe("done")
    })))

  it.live("a server's power switch and metrics", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* g.servers.create({ name: "s", cores: 1, memory: 1, location_uuid: location })
      expect((yield* g.servers.power.get(server.object_uuid)).power).toBe(false)
      yield* g.servers.power.update(server.object_uuid, { power: true })
      expect(yield* g.servers.metrics(server.object_uuid)).toBeInstanceOf(Array)
    })))
})
