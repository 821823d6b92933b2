import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Supervisor from "effect/Supervisor"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as FakeApi from "../support/FakeApi.js"
import * as ScriptedServer from "../support/scriptedServer.js"

/** A server that never answers, and tells when a client gave up on a request. */
const silentServer = Effect.acquireRelease(
  Effect.async<{ url: string; received: () => number; aborted: () => number; server: http.Server }>((resume) => {
    let received = 0
    let aborted = 0
    const server = http.createServer((req) => {
      received++
      req.socket.on("close", () => aborted++)
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        received: () => received,
        aborted: () => aborted,
        server
      })))
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

const connectionTo = (url: string) =>
  GridscaleConnection.layer.pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provide(GridscaleConfig.layer({ userId: FakeApi.userId, token: FakeApi.token, apiUrl: url }))
  )

describe("interruption", () => {
  it.scopedLive("aborts the HTTP request in flight and sends nothing more", () =>
    Effect.gen(function*() {
      const server = yield* silentServer
      const fiber = yield* Effect.fork(
        GridscaleConnection.request("GET", "/objects/servers").pipe(Effect.provide(connectionTo(server.url)))
      )
      while (server.received() === 0) yield* Effect.sleep("5 millis")
      yield* Fiber.interrupt(fiber)
      // The socket closes as soon as the abort reaches it: wait for that, not a fixed time.
      for (let i = 0; i < 400 && server.aborted() === 0; i++) yield* Effect.sleep("5 millis")
      expect(server.aborted()).toBe(1)
      expect(server.received()).toBe(1)
    }))

  it.scopedLive("leaves no fiber running after an interrupted asyncRequest", () =>
    Effect.gen(function*() {
      let created = 0
      const server = yield* ScriptedServer.serve((req) => {
        if (req.method === "POST") {
          created++
          return { status: 202, body: { request_uuid: "job-1", object_uuid: "o-1" } }
        }
        return { status: 200, body: { "job-1": { status: "pending", message: "" } } }
      })
      const supervisor = yield* Supervisor.track
      const fiber = yield* Effect.fork(
        GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: {} }).pipe(
          Effect.provide(connectionTo(server.url)),
          Effect.supervised(supervisor)
        )
      )
      while (server.received.length < 3) yield* Effect.sleep("10 millis")
      yield* Fiber.interrupt(fiber)
      const seen = server.received.length
      // Nothing of the client is left to send anything: no fiber runs, and the connection has no
      // timers of its own outside fibers.
      const alive = (yield* supervisor.value).filter((f) => f.unsafePoll() === null)
      expect(alive).toEqual([])
      yield* Effect.sleep("50 millis")
      expect(server.received.length).toBe(seen)
      expect(created).toBe(1)
    }))
})
