/**
 * Requests a well-behaved client never sends: malformed targets, bodies past the limit, keys that
 * name prototypes. The simulator answers them with an error and keeps serving.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Net from "node:net"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as GridscaleSimulatorServer from "../../src/GridscaleSimulatorServer.js"
import { call, create, credentials, expectStatus } from "./api.js"

const auth = `X-Auth-UserId: ${credentials["X-Auth-UserId"]}\r\nX-Auth-Token: ${credentials["X-Auth-Token"]}\r\n`

/**
 * Opens a raw socket, writes `head` and then `body` chunks (until the server answers or closes),
 * and resolves with everything the server sent before it closed the connection.
 */
const raw = (port: number, head: string, body?: { readonly chunk: Buffer; readonly times: number }) =>
  Effect.async<string, Error>((resume) => {
    const socket = Net.connect(port, "127.0.0.1")
    const received: Array<Buffer> = []
    let answered = false
    socket.on("data", (data) => {
      answered = true
      received.push(data)
    })
    // A write after the server closed its side fails with EPIPE: what was received still counts.
    socket.on("error", () => socket.destroy())
    socket.on("close", () => resume(Effect.succeed(Buffer.concat(received).toString("latin1"))))
    socket.on("connect", () => {
      socket.write(head)
      if (body === undefined) return
      let sent = 0
      const pump = () => {
        while (!answered && !socket.destroyed && sent < body.times) {
          sent++
          if (!socket.write(body.chunk)) return void socket.once("drain", pump)
        }
      }
      pump()
    })
    return Effect.sync(() => socket.destroy())
  })

/** A request on a connection that asks to be closed after the reply, so `raw` resolves. */
const locations = `GET /objects/locations HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`

const statusLine = (reply: string): string => reply.split("\r\n")[0] ?? ""

describe("hostile requests to the loopback server", () => {
  it.scoped("an absolute-form target with an invalid URL is 400, and the server keeps serving", () =>
    Effect.gen(function*() {
      const handle = yield* GridscaleSimulatorServer.serve({ rateLimit: false })
      const bad = yield* raw(
        handle.port,
        "GET http://a:99999/objects/locations HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
      )
      expect(statusLine(bad)).toBe("HTTP/1.1 400 Bad Request")
      expect(bad).toMatch(/x-request-id: [0-9a-f-]{36}/i)
      expect(bad).toContain("\"title\":\"Bad Request\"")
      const authority = yield* raw(handle.port, "GET a:1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
      expect(statusLine(authority)).toBe("HTTP/1.1 400 Bad Request")
      // A valid absolute form is read as its path, as HTTP/1.1 servers must.
      const absolute = yield* raw(
        handle.port,
        `GET http://a/objects/locations HTTP/1.1\r\nHost: a\r\n${auth}Connection: close\r\n\r\n`
      )
      expect(statusLine(absolute)).toBe("HTTP/1.1 200 OK")
      expect(statusLine(yield* raw(handle.port, locations))).toBe("HTTP/1.1 200 OK")
      // The authority form never reaches the simulator: node's parser refuses it itself.
      expect(handle.counters().byStatus).toMatchObject({ "400": 1, "200": 2 })
    }))

  it.scoped("a body announced larger than 1 MB is refused with 413 before it is read; the connection closes", () =>
    Effect.gen(function*() {
      const handle = yield* GridscaleSimulatorServer.serve({ rateLimit: false })
      const reply = yield* raw(
        handle.port,
        `POST /objects/networks HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\n` +
          "Content-Length: 250000000\r\n\r\n",
        { chunk: Buffer.alloc(64 * 1024, 0x20), times: 4000 }
      )
      expect(statusLine(reply)).toBe("HTTP/1.1 413 Payload Too Large")
      expect(reply.toLowerCase()).toContain("connection: close")
      expect(handle.counters().writesApplied).toBe(0)
      expect(statusLine(yield* raw(handle.port, locations))).toBe("HTTP/1.1 200 OK")
    }))

  it.scoped("a chunked body that grows past 1 MB is cut off with 413; the server keeps serving", () =>
    Effect.gen(function*() {
      const handle = yield* GridscaleSimulatorServer.serve({ rateLimit: false })
      const piece = Buffer.alloc(64 * 1024, 0x20)
      const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
      // 4000 chunks of 64 KB would be 250 MB: the server answers long before.
      const reply = yield* raw(
        handle.port,
        `POST /objects/networks HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\n` +
          "Transfer-Encoding: chunked\r\n\r\n",
        { chunk, times: 4000 }
      )
      expect(statusLine(reply)).toBe("HTTP/1.1 413 Payload Too Large")
      expect(handle.counters().byStatus["413"]).toBe(1)
      expect(statusLine(yield* raw(handle.port, locations))).toBe("HTTP/1.1 200 OK")
    }))

  it.scoped("a body of exactly 1 MB is still read", () =>
    Effect.gen(function*() {
      const handle = yield* GridscaleSimulatorServer.serve({ rateLimit: false })
      const json = JSON.stringify({ name: "n", pad: "" })
      const body = json.replace("\"pad\":\"\"", `"pad":"${" ".repeat(1_048_576 - json.length)}"`)
      expect(Buffer.byteLength(body)).toBe(1_048_576)
      const reply = yield* raw(
        handle.port,
        `POST /objects/networks HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`
      )
      expect(statusLine(reply)).toBe("HTTP/1.1 202 Accepted")
    }))
})

describe("hostile requests in memory", () => {
  const provide = Effect.provide(GridscaleSimulator.layerWith({ rateLimit: false }))

  it.effect("a body over 1 MB is 413 with nothing applied, whether sent whole or streamed", () =>
    Effect.gen(function*() {
      const big = JSON.stringify({ name: "n", pad: "x".repeat(1_048_576) })
      expect((yield* call("POST", "/objects/networks", { rawBody: big })).status).toBe(413)
      // An endless stream: the simulator stops reading at the limit.
      const client = yield* HttpClient.HttpClient
      const endless = Stream.repeatValue(new Uint8Array(64 * 1024)).pipe(Stream.rechunk(1))
      const streamed = yield* client.execute(
        HttpClientRequest.post("https://api.gridscale.io/objects/networks").pipe(
          HttpClientRequest.setHeaders(credentials),
          HttpClientRequest.bodyStream(endless, { contentType: "application/json" })
        )
      )
      expect(streamed.status).toBe(413)
      expect((yield* GridscaleSimulator.counters).writesApplied).toBe(0)
    }).pipe(provide))

  it.effect("a __proto__ key is data: it cannot supply a required field or change what is stored", () =>
    Effect.gen(function*() {
      const onlyProto = yield* call("POST", "/objects/storages", {
        rawBody: "{\"__proto__\": {\"name\": \"from-prototype\"}, \"capacity\": 10}"
      })
      expect(onlyProto.status).toBe(400)
      const { id } = yield* create("/objects/storages", { name: "plain", capacity: 10 })
      const patched = yield* call("PATCH", `/objects/storages/${id}`, {
        rawBody: "{\"__proto__\": {\"name\": \"from-prototype\", \"capacity\": 20}}"
      })
      expect(patched.status).toBe(422)
      const withLabels = yield* call("POST", "/objects/networks", {
        rawBody: "{\"name\": \"net\", \"__proto__\": {\"labels\": [\"injected\"]}}"
      })
      expect(withLabels.status).toBe(202)
      const network = yield* expectStatus(200, "GET", `/objects/networks/${withLabels.json.object_uuid}`)
      expect(network.json.network.labels).toEqual([])
      const storage = yield* expectStatus(200, "GET", `/objects/storages/${id}`)
      expect(storage.json.storage).toMatchObject({ name: "plain", capacity: 10 })
      expect(Object.getPrototypeOf(storage.json.storage)).toBe(Object.prototype)
    }).pipe(provide))

  it.effect("an object named __proto__ is counted like any other", () =>
    Effect.gen(function*() {
      yield* create("/objects/networks", { name: "__proto__" })
      yield* create("/objects/networks", { name: "__proto__" })
      const counters = yield* GridscaleSimulator.counters
      expect(Object.entries(counters.created.networks ?? {})).toEqual([["__proto__", 2]])
    }).pipe(provide))
})
