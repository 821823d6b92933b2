import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { fastConfig, location, simulated } from "./support.js"

const run = <A, E>(effect: Effect.Effect<A, E, Gridscale.Gridscale | GridscaleSimulator.GridscaleSimulator>) =>
  Effect.provide(effect, simulated())

const newServer = Gridscale.use((g) => g.servers.create({ name: "srv", cores: 1, memory: 2, location_uuid: location }))

describe("power", () => {
  it.live("start, stop and shutdown return the server once it reports the power wanted", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* newServer
      expect(server.power).toBe(false)
      expect((yield* g.servers.start(server.object_uuid)).power).toBe(true)
      expect((yield* g.servers.get(server.object_uuid)).power).toBe(true)
      expect((yield* g.servers.stop(server.object_uuid)).power).toBe(false)
      yield* g.servers.start(server.object_uuid)
      expect((yield* g.servers.shutdown(server.object_uuid)).power).toBe(false)
    })))

  it.live("start on a running server sends no power change", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* newServer
      yield* g.servers.start(server.object_uuid)
      const writes = (yield* GridscaleSimulator.counters).writesApplied
      expect((yield* g.servers.start(server.object_uuid)).power).toBe(true)
      expect((yield* GridscaleSimulator.counters).writesApplied).toBe(writes)
    })))

  it.effect("waits on effect's Clock: start is not done before the power job is", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* Effect.fork(newServer)
      yield* TestClock.adjust(5000)
      const { object_uuid } = yield* Fiber.join(server)
      const starting = yield* Effect.fork(g.servers.start(object_uuid))
      yield* TestClock.adjust(1000)
      // The simulator's jobs take 3 s here: the server is not on yet, nor is start done.
      expect(yield* Fiber.poll(starting)).toMatchObject({ _tag: "None" })
      expect((yield* g.servers.get(object_uuid)).power).toBe(false)
      yield* TestClock.adjust(5000)
      const started = yield* Fiber.join(starting)
      expect(started.power).toBe(true)
    }).pipe(Effect.provide(simulated({ jobMillis: 3000, config: { polling: {} } }))))
})

describe("a server that never reports the power asked for", () => {
  // An API whose power jobs finish but whose server keeps reading "off".
  let reads = 0
  const stuck = HttpClient.make((request, url) =>
    Effect.sync(() => {
      // Every reply has a request id of its own; only the PATCH's is the power job's.
      const json = (status: number, body?: unknown, requestId = `read-${(reads += 1)}`) =>
        HttpClientResponse.fromWeb(
          request,
          new Response(body === undefined ? null : JSON.stringify(body), {
            status,
            headers: { "content-type": "application/json", "x-request-id": requestId }
          })
        )
      if (request.method === "PATCH") return json(204, undefined, "power-job")
      if (url.pathname === "/requests/power-job") return json(200, { "power-job": { status: "done" } })
      return json(200, { server: { object_uuid: "stuck-1", power: false } })
    })
  )

  it.effect("start fails with JobTimeout at the job deadline, naming the power job and the server", () =>
    Effect.gen(function*() {
      const starting = yield* Effect.fork(Gridscale.use((g) => g.servers.start("stuck-1", { timeout: "30 seconds" })))
      yield* TestClock.adjust(31_000)
      const error = yield* Effect.flip(Fiber.join(starting))
      // requestId is the job's, as in every JobTimeout: not the server's id, not a poll's.
      expect(error._tag).toBe("JobTimeout")
      if (error._tag !== "JobTimeout") return
      expect({ requestId: error.requestId, timeoutMillis: error.timeoutMillis }).toEqual({
        requestId: "power-job",
        timeoutMillis: 30_000
      })
      expect(error.message).toContain("stuck-1")
    }).pipe(Effect.provide(Gridscale.layer.pipe(
      Layer.provide(Layer.succeed(HttpClient.HttpClient, stuck)),
      Layer.provide(GridscaleConfig.layer({ ...fastConfig, polling: {} }))
    ))))
})

describe("the power wait's reads", () => {
  const sent: Array<{ readonly method: string; readonly path: string; readonly priority: string | undefined }> = []
  // The real connection, with every `request` it is asked for written down.
  const recording = Layer.effect(
    GridscaleConnection.GridscaleConnection,
    Effect.map(GridscaleConnection.GridscaleConnection, (connection) => ({
      ...connection,
      request: (method, path, options) => {
        sent.push({ method, path, priority: options?.priority })
        return connection.request(method, path, options)
      }
    }))
  )
  const layer = Gridscale.layerWithoutDependencies.pipe(
    Layer.provide(recording),
    Layer.provideMerge(GridscaleConnection.layer),
    Layer.provideMerge(GridscaleSimulator.layerWith({ jobDuration: 5, rateLimit: false })),
    Layer.provide(GridscaleConfig.layer(fastConfig))
  )

  it.live("spend the polls' share of the rate budget, as job polls do", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* g.servers.create({ name: "srv", cores: 1, memory: 2, location_uuid: location })
      sent.length = 0
      yield* g.servers.start(server.object_uuid)
      const reads = sent.filter((r) => r.method === "GET" && r.path === `/objects/servers/${server.object_uuid}`)
      // The first read decides whether to send the change at all; the ones after it wait.
      expect(reads.length).toBeGreaterThanOrEqual(2)
      expect(reads.slice(1).map((r) => r.priority)).toEqual(reads.slice(1).map(() => "poll"))
    }).pipe(Effect.provide(layer)))
})

describe("relations", () => {
  it.live("storages, IPs, networks and ISO images attach, list and detach", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* newServer
      const id = server.object_uuid
      const storage = yield* g.storages.create({ name: "root", capacity: 10, location_uuid: location })
      const ip = yield* g.ips.create({ family: 4, location_uuid: location })
      const network = yield* g.networks.create({ name: "private", location_uuid: location })
      const iso = yield* g.isoImages.create({
        name: "iso",
        source_url: "https://x.example/a.iso",
        location_uuid: location
      })

      yield* g.servers.attachStorage(id, storage.object_uuid, { bootdevice: true })
      yield* g.servers.attachIp(id, ip.object_uuid)
      yield* g.servers.attachNetwork(id, network.object_uuid, { ordering: 1 })
      yield* g.servers.attachIsoImage(id, iso.object_uuid)

      const storages = yield* g.servers.listStorages(id)
      expect(storages.map((s) => [s.object_uuid, s.bootdevice])).toEqual([[storage.object_uuid, true]])
      expect((yield* g.servers.listIps(id)).map((i) => i.object_uuid)).toEqual([ip.object_uuid])
      expect((yield* g.servers.listNetworks(id)).map((n) => n.object_uuid)).toEqual([network.object_uuid])
      expect((yield* g.servers.listIsoImages(id)).map((i) => i.object_uuid)).toEqual([iso.object_uuid])
      const relations = (yield* g.servers.get(id)).relations
      expect(relations?.storages?.[0]?.object_uuid).toBe(storage.object_uuid)
      expect(relations?.public_ips?.[0]?.ip).toBe(ip.ip)

      yield* g.servers.detachStorage(id, storage.object_uuid)
      yield* g.servers.detachIp(id, ip.object_uuid)
      yield* g.servers.detachNetwork(id, network.object_uuid)
      yield* g.servers.detachIsoImage(id, iso.object_uuid)
      expect(yield* g.servers.listStorages(id)).toEqual([])
      expect(yield* g.servers.listIps(id)).toEqual([])
      expect(yield* g.servers.listNetworks(id)).toEqual([])
      expect(yield* g.servers.listIsoImages(id)).toEqual([])
    })))

  it.live("a link's settings change in place and come back as the link then is", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const { object_uuid: id } = yield* newServer
      const storage = yield* g.storages.create({ name: "root", capacity: 10, location_uuid: location })
      const network = yield* g.networks.create({ name: "private", location_uuid: location })
      const iso = yield* g.isoImages.create({
        name: "iso",
        source_url: "https://x.example/a.iso",
        location_uuid: location
      })
      yield* g.servers.attachStorage(id, storage.object_uuid)
      yield* g.servers.attachNetwork(id, network.object_uuid)
      yield* g.servers.attachIsoImage(id, iso.object_uuid)
      const storageLink = yield* g.servers.updateStorageLink(id, storage.object_uuid, { bootdevice: true })
      expect(storageLink).toMatchObject({ object_uuid: storage.object_uuid, bootdevice: true })
      const networkLink = yield* g.servers.updateNetworkLink(id, network.object_uuid, { ordering: 2 })
      expect(Number(networkLink.ordering)).toBe(2)
      const isoLink = yield* g.servers.updateIsoImageLink(id, iso.object_uuid, { bootdevice: true })
      expect(isoLink.bootdevice).toBe(true)
      expect((yield* g.servers.listStorages(id))[0]?.bootdevice).toBe(true)
    })))

  it.live("a storage attached to a server cannot be deleted; deleting the server frees it", () => (Effect.gen(
    function*() {
      const g = yield* Gridscale.Gridscale
      const server = yield* newServer
      const storage = yield* g.storages.create({ name: "root", capacity: 10, location_uuid: location })
      yield* g.servers.attachStorage(server.object_uuid, storage.object_uuid)
      const locked = yield* Effect.flip(g.storages.delete(storage.object_uuid))
      expect(locked._tag).toBe("ResourceLocked")
      yield* g.servers.delete(server.object_uuid)
      yield* g.storages.delete(storage.object_uuid)
      expect((yield* Effect.flip(g.storages.get(storage.object_uuid)))._tag).toBe("ResourceNotFound")
    }
  ).pipe(Effect.provide(simulated({ config: { retry: { maxRetries: 1 } } })))))
})

describe("snapshots and clones", () => {
  it.live("snapshots live under their storage: create, get, list, update, rollback, delete", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const storage = yield* g.storages.create({ name: "db", capacity: 10, location_uuid: location })
      const sid = storage.object_uuid
      const snapshot = yield* g.snapshots.create(sid, { name: "before-upgrade", labels: ["pre"] })
      expect(snapshot).toMatchObject({ name: "before-upgrade", parent_uuid: sid })
      expect((yield* g.snapshots.get(sid, snapshot.object_uuid)).name).toBe("before-upgrade")
      expect((yield* g.snapshots.list(sid)).map((s) => s.object_uuid)).toEqual([snapshot.object_uuid])
      expect((yield* g.snapshots.update(sid, snapshot.object_uuid, { name: "kept" })).name).toBe("kept")
      yield* g.snapshots.rollback(sid, snapshot.object_uuid)
      yield* g.snapshots.delete(sid, snapshot.object_uuid)
      expect(yield* g.snapshots.list(sid)).toEqual([])
      expect((yield* Effect.flip(g.snapshots.get(sid, snapshot.object_uuid)))._tag).toBe("ResourceNotFound")
    })))

  it.live("a storage grows with update", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const storage = yield* g.storages.create({ name: "db", capacity: 10, location_uuid: location })
      expect((yield* g.storages.update(storage.object_uuid, { capacity: 40 })).capacity).toBe(40)
    })))

  it.live("clone makes a new storage like the original and returns it", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const storage = yield* g.storages.create({ name: "db", capacity: 12, location_uuid: location })
      const copy = yield* g.storages.clone(storage.object_uuid)
      expect(copy.object_uuid).not.toBe(storage.object_uuid)
      expect(copy.capacity).toBe(12)
      expect((yield* g.storages.list()).map((s) => s.object_uuid)).toEqual([storage.object_uuid, copy.object_uuid])
    })))

  it.live("a clone that cannot be read back fails with outcomeUnknown: the copy exists", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const storage = yield* g.storages.create({ name: "db", capacity: 12, location_uuid: location })
      yield* GridscaleSimulator.injectFault({
        method: "GET",
        path: /^\/objects\/storages\/[^/]+$/,
        kind: "InternalError",
        times: 2
      })
      const error = yield* Effect.flip(g.storages.clone(storage.object_uuid))
      expect(error._tag === "ServerError" && error.outcomeUnknown).toBe(true)
      expect(yield* g.storages.list()).toHaveLength(2)
    }).pipe(Effect.provide(simulated({ config: { retry: { maxRetries: 1 } } }))))

  it.live("events list what happened to an object", () =>
    run(Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const storage = yield* g.storages.create({ name: "db", capacity: 10, location_uuid: location })
      yield* g.storages.update(storage.object_uuid, { name: "db-2" })
      const events = yield* g.storages.events(storage.object_uuid)
      expect(events.length).toBeGreaterThanOrEqual(2)
      expect(events.every((e) => e.object_uuid === storage.object_uuid)).toBe(true)
    })))
})
