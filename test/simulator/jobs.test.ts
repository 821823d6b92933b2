import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { call, create, expectStatus, requestStatus } from "./api.js"

const provide = Effect.provide(GridscaleSimulator.layer)

describe("jobs", () => {
  it.effect("a write's request is pending until its job time has passed on the Clock, then done", () =>
    Effect.gen(function*() {
      const { requestId } = yield* create("/objects/storages", { name: "data", capacity: 10 })
      const reply = yield* expectStatus(200, "GET", `/requests/${requestId}`)
      expect(reply.json).toEqual({
        [requestId]: { status: "pending", message: expect.any(String), create_time: "1970-01-01T00:00:00Z" }
      })
      yield* TestClock.adjust("499 millis")
      expect(yield* requestStatus(requestId)).toBe("pending")
      yield* TestClock.adjust("1 millis")
      expect(yield* requestStatus(requestId)).toBe("done")
    }).pipe(provide))

  it.effect("a created object exists at once, in provisioning until its job is done", () =>
    Effect.gen(function*() {
      const { id } = yield* create("/objects/servers", { name: "web", cores: 1, memory: 2 })
      const before = yield* expectStatus(200, "GET", `/objects/servers/${id}`)
      expect(before.json.server.status).toBe("in-provisioning")
      yield* expectStatus(204, "PATCH", `/objects/servers/${id}`, { body: { name: "renamed-at-once" } })
      yield* TestClock.adjust("1 second")
      const after = yield* expectStatus(200, "GET", `/objects/servers/${id}`)
      expect(after.json.server).toMatchObject({ status: "active", name: "renamed-at-once" })
    }).pipe(provide))

  it.effect("every write has a request status: PATCH, DELETE, links and power changes", () =>
    Effect.gen(function*() {
      const server = yield* create("/objects/servers", { name: "web", cores: 1, memory: 2 })
      const storage = yield* create("/objects/storages", { name: "disk", capacity: 10 })
      const ids = [
        (yield* expectStatus(202, "POST", `/objects/servers/${server.id}/storages`, {
          body: { object_uuid: storage.id }
        }))
          .json.request_uuid,
        (yield* expectStatus(204, "PATCH", `/objects/servers/${server.id}`, { body: { cores: 2 } }))
          .headers["x-request-id"],
        (yield* expectStatus(204, "PATCH", `/objects/servers/${server.id}/power`, { body: { power: true } })).headers[
          "x-request-id"
        ],
        (yield* expectStatus(204, "DELETE", `/objects/servers/${server.id}`)).headers["x-request-id"]
      ]
      for (const id of ids) expect(yield* requestStatus(id!)).toBe("pending")
      yield* TestClock.adjust("1 second")
      for (const id of ids) expect(yield* requestStatus(id!)).toBe("done")
    }).pipe(provide))

  it.effect("a read has no request status: /requests answers 404 for its id", () =>
    Effect.gen(function*() {
      const read = yield* expectStatus(200, "GET", "/objects/servers")
      yield* expectStatus(404, "GET", `/requests/${read.headers["x-request-id"]}`)
    }).pipe(provide))

  it.effect("a power change becomes visible when its job is done", () =>
    Effect.gen(function*() {
      const { id } = yield* create("/objects/servers", { name: "web", cores: 1, memory: 2 })
      yield* expectStatus(204, "PATCH", `/objects/servers/${id}/power`, { body: { power: true } })
      expect((yield* expectStatus(200, "GET", `/objects/servers/${id}/power`)).json).toEqual({ power: false })
      yield* TestClock.adjust("500 millis")
      expect((yield* expectStatus(200, "GET", `/objects/servers/${id}/power`)).json).toEqual({ power: true })
      yield* expectStatus(204, "PATCH", `/objects/servers/${id}/shutdown`, { body: {} })
      yield* TestClock.adjust("500 millis")
      expect((yield* expectStatus(200, "GET", `/objects/servers/${id}`)).json.server.power).toBe(false)
    }).pipe(provide))

  it.effect("failNextJob fails the next matching job; a failed create leaves the object marked failed and deletable", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.failNextJob({ method: "POST", path: "/objects/storages" })
      const other = yield* create("/objects/networks", { name: "unaffected" })
      const failed = yield* create("/objects/storages", { name: "doomed", capacity: 10 })
      const next = yield* create("/objects/storages", { name: "fine", capacity: 10 })
      yield* TestClock.adjust("1 second")
      expect(yield* requestStatus(other.requestId)).toBe("done")
      const reply = yield* expectStatus(200, "GET", `/requests/${failed.requestId}`)
      expect(reply.json[failed.requestId]).toMatchObject({ status: "failed", message: expect.stringMatching(/fail/) })
      expect(yield* requestStatus(next.requestId)).toBe("done")
      const storage = yield* expectStatus(200, "GET", `/objects/storages/${failed.id}`)
      expect(storage.json.storage.status).toBe("failed")
      yield* expectStatus(204, "DELETE", `/objects/storages/${failed.id}`)
    }).pipe(provide))

  it.effect("a failed power job leaves the power as it was", () =>
    Effect.gen(function*() {
      const { id } = yield* create("/objects/servers", { name: "web", cores: 1, memory: 2 })
      yield* GridscaleSimulator.failNextJob({ path: /\/power$/ })
      const reply = yield* expectStatus(204, "PATCH", `/objects/servers/${id}/power`, { body: { power: true } })
      yield* TestClock.adjust("1 second")
      expect(yield* requestStatus(reply.headers["x-request-id"]!)).toBe("failed")
      expect((yield* expectStatus(200, "GET", `/objects/servers/${id}/power`)).json.power).toBe(false)
    }).pipe(provide))

  it.effect("jobs take the configured time, per family or path, and fail by rule", () =>
    Effect.gen(function*() {
      const storage = yield* create("/objects/storages", { name: "slow", capacity: 10 })
      const ip = yield* create("/objects/ips", { family: 4 })
      const network = yield* create("/objects/networks", { name: "fast" })
      const doomed = yield* create("/objects/sshkeys", { name: "k", sshkey: "ssh-ed25519 AAAA" })
      yield* TestClock.adjust("100 millis")
      expect(yield* requestStatus(network.requestId)).toBe("done")
      expect(yield* requestStatus(ip.requestId)).toBe("pending")
      yield* TestClock.adjust("1900 millis")
      expect(yield* requestStatus(ip.requestId)).toBe("done")
      expect(yield* requestStatus(storage.requestId)).toBe("pending")
      yield* TestClock.adjust("3 seconds")
      expect(yield* requestStatus(storage.requestId)).toBe("done")
      expect(yield* requestStatus(doomed.requestId)).toBe("failed")
    }).pipe(Effect.provide(GridscaleSimulator.layerWith({
      jobDuration: {
        default: 2000,
        byFamily: { storages: 5000 },
        byPath: [{ path: "/objects/networks", millis: 100 }]
      },
      jobFailures: { match: (job) => job.family === "sshkeys" }
    }))))

  it.effect("a job duration can be a function of the job", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const layer = GridscaleSimulator.layerWith({
        jobDuration: (job) => {
          seen.push(`${job.method} ${job.path} ${job.family}`)
          return 0
        }
      })
      yield* Effect.gen(function*() {
        const { requestId } = yield* create("/objects/networks/", { name: "n" })
        expect(yield* requestStatus(requestId)).toBe("done")
      }).pipe(Effect.provide(layer))
      expect(seen).toEqual(["POST /objects/networks networks"])
    }))

  it.effect("a job failure rate fails that share of jobs, the same ones under the same seed", () =>
    Effect.gen(function*() {
      const run = Effect.gen(function*() {
        const statuses: Array<string> = []
        const ids: Array<string> = []
        for (let i = 0; i < 40; i++) ids.push((yield* create("/objects/networks", { name: `n${i}` })).requestId)
        yield* TestClock.adjust("1 second")
        for (const id of ids) statuses.push(yield* requestStatus(id))
        return statuses
      }).pipe(Effect.provide(GridscaleSimulator.layerWith({ seed: 7, jobFailures: { rate: 0.5 }, rateLimit: false })))
      const first = yield* run
      const failed = first.filter((s) => s === "failed").length
      expect(failed).toBeGreaterThan(5)
      expect(failed).toBeLessThan(35)
      expect(yield* run).toEqual(first)
    }))

  it.effect("an unknown request id is 404", () =>
    Effect.gen(function*() {
      const reply = yield* call("GET", "/requests/0b0e7a64-0000-4000-8000-000000000000")
      expect(reply.status).toBe(404)
    }).pipe(provide))
})
