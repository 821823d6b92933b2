import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as GridscaleSimulatorServer from "../../src/GridscaleSimulatorServer.js"
import type { Reply } from "./api.js"
import { call, credentials } from "./api.js"

/** Effect's fetch client, with the API URL pointed at the loopback server. */
const viaServer = (url: string) =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      client.pipe(
        HttpClient.mapRequest((request) =>
          HttpClientRequest.setUrl(request, request.url.replace("https://api.gridscale.io", url))
        )
      ))
  ).pipe(Layer.provide(FetchHttpClient.layer))

/** The same conversation, whichever way the simulator is reached. */
const conversation = Effect.gen(function*() {
  const replies: Array<Reply> = []
  const send = (...args: Parameters<typeof call>) => Effect.tap(call(...args), (reply) => replies.push(reply))
  const server = yield* send("POST", "/objects/servers/", { body: { name: "web", cores: 2, memory: 4 } })
  const storage = yield* send("POST", "/objects/storages", {
    body: {
      name: "disk",
      capacity: 10,
      template: { template_uuid: GridscaleSimulator.templateIds[0], sshkeys: ["key-1"] }
    }
  })
  const serverId = server.json.object_uuid
  const storageId = storage.json.object_uuid
  yield* send("POST", `/objects/servers/${serverId}/storages/`, { body: { object_uuid: storageId } })
  yield* send("GET", `/objects/servers/${serverId}`)
  yield* send("GET", "/objects/storages/")
  yield* send("GET", `/requests/${server.json.request_uuid}`)
  yield* send("DELETE", `/objects/storages/${storageId}`)
  yield* send("PATCH", `/objects/servers/${serverId}`, { body: { name: "renamed" } })
  yield* send("GET", "/objects/unknown")
  yield* send("DELETE", "/objects/servers")
  yield* send("POST", "/objects/networks", { rawBody: "not json" })
  yield* send("GET", "/objects/servers", { headers: {} })
  yield* send("DELETE", `/objects/servers/${serverId}`)
  yield* send("DELETE", `/objects/storages/${storageId}`)
  return replies
})

/** Replies with the clock-dependent parts (timestamps, rate reset, usage) blanked out. */
const comparable = (replies: ReadonlyArray<Reply>) =>
  replies.map((reply) => ({
    status: reply.status,
    text: reply.text.replace(/"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"/g, "\"<time>\""),
    requestId: reply.headers["x-request-id"],
    contentType: reply.headers["content-type"],
    remaining: reply.headers["ratelimit-remaining"],
    hasReset: reply.headers["ratelimit-reset"] !== undefined
  }))

const options = { seed: 5, jobDuration: 0 }

describe("loopback server", () => {
  it.scoped("answers over real HTTP on 127.0.0.1 exactly as the in-memory layer does", () =>
    Effect.gen(function*() {
      const handle = yield* GridscaleSimulatorServer.serve(options)
      expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(handle.port).toBeGreaterThan(0)
      const remote = yield* conversation.pipe(Effect.provide(viaServer(handle.url)))
      const local = yield* conversation.pipe(Effect.provide(GridscaleSimulator.layerWith(options)))
      expect(remote.map((r) => r.status)).toEqual([
        202,
        202,
        202,
        200,
        200,
        200,
        424,
        204,
        404,
        405,
        400,
        401,
        204,
        204
      ])
      expect(comparable(remote)).toEqual(comparable(local))
      expect(handle.counters().requests).toBe(14)
      expect(Object.keys(handle.snapshot().servers!)).toEqual([])
    }))

  it.scoped("logs one line per request without the token", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const handle = yield* GridscaleSimulatorServer.serve({ log: (line) => lines.push(line) })
      yield* call("GET", "/objects/servers/").pipe(Effect.provide(viaServer(handle.url)))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^GET \/objects\/servers\/ 200 [0-9a-f-]{36}$/)
      expect(lines.join("\n")).not.toContain(credentials["X-Auth-Token"])
    }))

  it.scoped("a reset destroys the socket with nothing sent; the write was applied", () =>
    Effect.gen(function*() {
      const handle = yield* GridscaleSimulatorServer.serve({
        faults: { rules: [{ kind: "ConnectionReset", times: 1 }] }
      })
      const error = yield* Effect.flip(
        call("POST", "/objects/networks", { body: { name: "n" } }).pipe(
          Effect.provide(viaServer(handle.url))
        )
      )
      expect(error._tag).toBe("RequestError")
      expect(handle.counters().created.networks).toEqual({ n: 1 })
      expect(handle.counters().faultLog).toEqual([expect.objectContaining({ kind: "ConnectionReset", applied: true })])
    }))

  it.scoped("a truncated body announces more bytes than it sends, then the connection closes", () =>
    Effect.gen(function*() {
      const handle = yield* GridscaleSimulatorServer.serve({ faults: { rules: [{ kind: "TruncatedBody", times: 1 }] } })
      const error = yield* Effect.flip(call("GET", "/objects/templates").pipe(Effect.provide(viaServer(handle.url))))
      expect(["RequestError", "ResponseError"]).toContain(error._tag)
      // The next request is answered normally.
      const reply = yield* call("GET", "/objects/templates").pipe(Effect.provide(viaServer(handle.url)))
      expect(reply.status).toBe(200)
    }))

  it.scoped("a slow reply waits on the wall clock before answering", () =>
    Effect.gen(function*() {
      const handle = yield* GridscaleSimulatorServer.serve({
        faults: { rules: [{ kind: "SlowReply", delayMillis: 300, times: 1 }] }
      })
      const started = Date.now()
      const reply = yield* call("GET", "/objects/locations").pipe(Effect.provide(viaServer(handle.url)))
      expect(reply.status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    }))

  it.scoped("start/close work as a promise API too, and a taken port fails serve with ServerStartError", () =>
    Effect.gen(function*() {
      const first = yield* Effect.promise(() => GridscaleSimulatorServer.start())
      const error = yield* Effect.flip(GridscaleSimulatorServer.serve({ port: first.port }))
      expect(error._tag).toBe("ServerStartError")
      yield* Effect.promise(() => first.close())
    }))
})

describe("throughput", () => {
  it.effect("200 concurrent storage creates through one layer are all answered and applied, each once", () =>
    Effect.gen(function*() {
      const replies = yield* Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        (i) => call("POST", "/objects/storages", { body: { name: `bench-${i}`, capacity: 10 } }),
        { concurrency: "unbounded" }
      )
      expect(replies.every((r) => r.status === 202)).toBe(true)
      expect(new Set(replies.map((r) => r.json.object_uuid)).size).toBe(200)
      const counters = yield* GridscaleSimulator.counters
      expect(Object.keys(counters.created.storages!)).toHaveLength(200)
      expect(Object.values(counters.created.storages!).every((n) => n === 1)).toBe(true)
    }).pipe(Effect.provide(GridscaleSimulator.layerWith({ rateLimit: false }))))
})
