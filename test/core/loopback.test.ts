import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as FakeApi from "../support/FakeApi.js"
import * as ScriptedServer from "../support/scriptedServer.js"

/** A job that ends `after` ms after its write, as `outcome`. */
const jobServer = (after: number, outcome: "done" | "failed") => {
  let createdAt = 0
  return ScriptedServer.serve((req) => {
    if (req.method === "POST") {
      createdAt = req.at
      return { status: 202, body: { request_uuid: "job-1", object_uuid: "storage-1" } }
    }
    const status = req.at - createdAt >= after ? outcome : "pending"
    return { status: 200, body: { "job-1": { status, message: status === "failed" ? "no capacity" : "ok" } } }
  })
}

const connectionTo = (url: string, http: Layer.Layer<HttpClient.HttpClient>) =>
  GridscaleConnection.layer.pipe(
    Layer.provide(http),
    Layer.provide(GridscaleConfig.layer({ userId: FakeApi.userId, token: FakeApi.token, apiUrl: url }))
  )

const clients: Array<[string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer]
]

describe.each(clients)("over loopback HTTP (%s)", (_, http) => {
  it.scopedLive("asyncRequest returns the object_uuid once the job is done", () =>
    Effect.gen(function*() {
      const server = yield* jobServer(300, "done")
      const reply = yield* GridscaleConnection.asyncRequest("POST", "/objects/storages", {
        body: { name: "data", capacity: 10 }
      }).pipe(Effect.provide(connectionTo(server.url, http)))
      expect(reply).toMatchObject({ object_uuid: "storage-1" })
      const post = server.received[0]
      expect(post.headers["x-auth-userid"]).toBe(FakeApi.userId)
      expect(post.headers["x-auth-token"]).toBe(FakeApi.token)
      expect(post.headers["content-type"]).toBe("application/json")
      expect(server.received.slice(1).every((r) => r.path === "/requests/job-1")).toBe(true)
    }))

  it.scopedLive("a failed job fails with JobFailed within one poll interval", () =>
    Effect.gen(function*() {
      const server = yield* jobServer(400, "failed")
      const started = Date.now()
      const error = yield* Effect.flip(
        GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: { name: "x" } }).pipe(
          Effect.provide(connectionTo(server.url, http))
        )
      )
      expect(error).toMatchObject({ _tag: "JobFailed", jobMessage: "no capacity" })
      // Seen by the first poll after the failure; Libcloud would wait out its 200 s timeout.
      expect(Date.now() - started).toBeLessThan(400 + 500)
    }))

  it.scopedLive("a reset connection on a POST is a TransportError with an unknown outcome, sent once", () =>
    Effect.gen(function*() {
      const server = yield* ScriptedServer.serve(() => ({ reset: true }))
      const error = yield* Effect.flip(
        GridscaleConnection.request("POST", "/objects/ips", { body: { family: 4 } }).pipe(
          Effect.provide(connectionTo(server.url, http))
        )
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", outcomeUnknown: true })
      expect(server.received).toHaveLength(1)
    }))

  it.scopedLive("a truncated body is a TransportError, retried for a GET", () =>
    Effect.gen(function*() {
      const server = yield* ScriptedServer.serve((_, i) =>
        i === 0 ? { truncate: "{\"servers\": {" } : { status: 200, body: { servers: {} } }
      )
      const body = yield* GridscaleConnection.request("GET", "/objects/servers").pipe(
        Effect.provide(connectionTo(server.url, http))
      )
      expect(body).toEqual({ servers: {} })
      expect(server.received).toHaveLength(2)
    }))

  it.scopedLive("a truncated body on a POST is not re-sent", () =>
    Effect.gen(function*() {
      const server = yield* ScriptedServer.serve(() => ({ truncate: "{\"request_uuid\": \"" }))
      const error = yield* Effect.flip(
        GridscaleConnection.request("POST", "/objects/ips", { body: {} }).pipe(
          Effect.provide(connectionTo(server.url, http))
        )
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "TruncatedBody", outcomeUnknown: true })
      expect(server.received).toHaveLength(1)
    }))

  it.live("a refused connection is retried, then reported as ConnectionRefused", () =>
    Effect.gen(function*() {
      const port = yield* ScriptedServer.closedPort
      const error = yield* Effect.flip(
        GridscaleConnection.request("POST", "/objects/ips", { body: {} }).pipe(
          Effect.provide(
            GridscaleConnection.layer.pipe(
              Layer.provide(http),
              Layer.provide(GridscaleConfig.layer({
                userId: FakeApi.userId,
                token: FakeApi.token,
                apiUrl: `http://127.0.0.1:${port}`,
                retry: { maxRetries: 2, baseDelay: "10 millis" }
              }))
            )
          )
        )
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionRefused", outcomeUnknown: false })
    }))
})
