import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { call, create, credentials } from "./api.js"

const provide = Effect.provide(GridscaleSimulator.layer)

const titled = { title: expect.any(String), description: expect.any(String) }

describe("errors", () => {
  it.effect("missing credentials are 401, with nothing applied", () =>
    Effect.gen(function*() {
      const none = yield* call("POST", "/objects/networks", { body: { name: "n" }, headers: {} })
      expect(none.status).toBe(401)
      expect(none.json).toEqual({ message: expect.any(String) })
      const noToken = yield* call("GET", "/objects/servers", { headers: { "X-Auth-UserId": "u" } })
      expect(noToken.status).toBe(401)
      const counters = yield* GridscaleSimulator.counters
      expect(counters.writesApplied).toBe(0)
    }).pipe(provide))

  it.effect("with configured credentials, only those pass", () =>
    Effect.gen(function*() {
      const wrong = yield* call("GET", "/objects/servers", { headers: { "X-Auth-UserId": "u", "X-Auth-Token": "t" } })
      expect(wrong.status).toBe(401)
      const right = yield* call("GET", "/objects/servers")
      expect(right.status).toBe(200)
    }).pipe(Effect.provide(GridscaleSimulator.layerWith({
      credentials: { userId: credentials["X-Auth-UserId"], token: credentials["X-Auth-Token"] }
    }))))

  it.effect("an unknown path is 404, a wrong method 405, a missing object 404", () =>
    Effect.gen(function*() {
      const unknown = yield* call("GET", "/objects/unicorns")
      expect(unknown.status).toBe(404)
      expect(unknown.json).toEqual(titled)
      const wrongMethod = yield* call("PUT", "/objects/servers", { body: {} })
      expect(wrongMethod.status).toBe(405)
      expect(wrongMethod.json).toEqual(titled)
      expect((yield* call("DELETE", "/objects/servers")).status).toBe(405)
      const missing = yield* call("GET", "/objects/servers/5a1b2c3d-0000-4000-8000-000000000000")
      expect(missing.status).toBe(404)
      expect(missing.json).toEqual(titled)
      expect((yield* call("DELETE", "/objects/storages/5a1b2c3d-0000-4000-8000-000000000000")).status).toBe(404)
    }).pipe(provide))

  it.effect("a body that is not JSON is 400; one not declared as JSON is 415", () =>
    Effect.gen(function*() {
      expect((yield* call("POST", "/objects/networks", { rawBody: "{name: oops" })).status).toBe(400)
      expect((yield* call("POST", "/objects/networks", { rawBody: "[1, 2]" })).status).toBe(400)
      expect((yield* call("POST", "/objects/networks")).status).toBe(400)
      const plain = yield* call("POST", "/objects/networks", { rawBody: "{\"name\":\"n\"}", contentType: "text/plain" })
      expect(plain.status).toBe(415)
    }).pipe(provide))

  it.effect("a body missing a required field is 400", () =>
    Effect.gen(function*() {
      expect((yield* call("POST", "/objects/servers", { body: { name: "web", cores: 1 } })).status).toBe(400)
      expect((yield* call("POST", "/objects/storages", { body: { name: "s" } })).status).toBe(400)
      expect((yield* call("POST", "/objects/ips", { body: {} })).status).toBe(400)
      expect((yield* call("POST", "/objects/sshkeys", { body: { name: "k" } })).status).toBe(400)
      expect((yield* call("POST", "/objects/servers", { body: { name: null, cores: 1, memory: 1 } })).status).toBe(400)
    }).pipe(provide))

  it.effect("values out of bounds are 400: capacity 1 to 4096, names up to 64 characters, positive cores and memory", () =>
    Effect.gen(function*() {
      const storage = (capacity: unknown) => call("POST", "/objects/storages", { body: { name: "s", capacity } })
      expect((yield* storage(0)).status).toBe(400)
      expect((yield* storage(4097)).status).toBe(400)
      expect((yield* storage(2.5)).status).toBe(400)
      expect((yield* storage(1)).status).toBe(202)
      expect((yield* storage(4096)).status).toBe(202)
      const server = (body: object) =>
        call("POST", "/objects/servers", { body: { name: "w", cores: 1, memory: 1, ...body } })
      expect((yield* server({ name: "x".repeat(65) })).status).toBe(400)
      expect((yield* server({ name: "x".repeat(64) })).status).toBe(202)
      expect((yield* server({ cores: 0 })).status).toBe(400)
      expect((yield* server({ memory: -2 })).status).toBe(400)
      expect((yield* server({ cores: "2" })).status).toBe(400)
      expect((yield* call("POST", "/objects/ips", { body: { family: 5 } })).status).toBe(400)
    }).pipe(provide))

  it.effect("a PATCH without any known field is 422", () =>
    Effect.gen(function*() {
      const { id } = yield* create("/objects/networks", { name: "n" })
      const reply = yield* call("PATCH", `/objects/networks/${id}`, { body: { colour: "blue" } })
      expect(reply.status).toBe(422)
      expect(reply.json).toEqual(titled)
    }).pipe(provide))

  it.effect("a refused request applies nothing", () =>
    Effect.gen(function*() {
      yield* call("POST", "/objects/storages", { body: { name: "s", capacity: 0 } })
      const state = yield* GridscaleSimulator.snapshot
      expect(state.storages).toEqual({})
      expect((yield* GridscaleSimulator.counters).writesApplied).toBe(0)
    }).pipe(provide))
})
