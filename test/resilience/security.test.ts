import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as util from "node:util"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as FakeApi from "../support/FakeApi.js"

/** A server that streams `total` bytes of a JSON string, with or without a Content-Length. */
const bigReply = (total: number, declareLength: boolean) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; sent: () => number; server: http.Server }>((resume) => {
      let sent = 0
      const server = http.createServer((_req, res) => {
        res.writeHead(200, {
          "content-type": "application/json",
          ...(declareLength ? { "content-length": String(total) } : {})
        })
        const chunk = Buffer.alloc(64 * 1024, "a")
        const pump = () => {
          while (sent < total) {
            sent += chunk.length
            if (!res.write(chunk)) return void res.once("drain", pump)
          }
          res.end()
        }
        res.on("error", () => undefined)
        pump()
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          sent: () => sent,
          server
        })))
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const connectionTo = (url: string, maxResponseBytes: number) =>
  GridscaleConnection.layer.pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provide(
      GridscaleConfig.layer({ userId: FakeApi.userId, token: FakeApi.token, apiUrl: url, maxResponseBytes })
    )
  )

describe("security", () => {
  it.scopedLive("refuses a body whose declared length is over the bound, without reading it", () =>
    Effect.gen(function*() {
      const server = yield* bigReply(64 * 1024 * 1024, true)
      const error = yield* Effect.flip(
        GridscaleConnection.request("GET", "/objects/servers").pipe(
          Effect.provide(connectionTo(server.url, 32 * 1024 * 1024))
        )
      )
      expect(error).toMatchObject({ _tag: "ResponseDecodeError", status: 200 })
      expect(error.message).toContain("over 33554432 bytes")
    }))

  it.scopedLive("stops reading an undeclared body once it passes the bound", () =>
    Effect.gen(function*() {
      const server = yield* bigReply(16 * 1024 * 1024, false)
      const error = yield* Effect.flip(
        GridscaleConnection.request("GET", "/objects/servers").pipe(
          Effect.provide(connectionTo(server.url, 256 * 1024))
        )
      )
      expect(error).toMatchObject({ _tag: "ResponseDecodeError" })
      // Reading stopped long before the whole body was produced.
      yield* Effect.sleep("50 millis")
      expect(server.sent()).toBeLessThan(16 * 1024 * 1024)
    }))

  it.effect("hostile paths send nothing", () =>
    Effect.gen(function*() {
      const fake = FakeApi.make(() => ({ status: 200, body: {} }))
      const hostile = [
        "/objects/servers/../../x",
        "/objects/servers/a?b",
        "/objects/servers/a#b",
        "/objects/%2F",
        "/a\r\nb"
      ]
      for (const path of hostile) {
        const error = yield* Effect.flip(
          GridscaleConnection.request("DELETE", path).pipe(Effect.provide(FakeApi.connection(fake)))
        )
        expect(error._tag).toBe("InvalidInput")
      }
      expect(fake.seen).toHaveLength(0)
    }))

  it.effect("the token stays redacted in the config's JSON, inspection and string form", () =>
    Effect.gen(function*() {
      const config = yield* GridscaleConfig.make({ userId: FakeApi.userId, token: FakeApi.token })
      for (const shown of [JSON.stringify(config), util.inspect(config, { depth: 10 }), String(config.token)]) {
        expect(shown).not.toContain(FakeApi.token)
      }
    }))
})
