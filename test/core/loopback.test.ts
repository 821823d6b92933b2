/**
 * The core services over real loopback HTTP, against the simulator's server, on both HTTP clients
 * a user may pick.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as GridscaleSimulatorServer from "../../src/GridscaleSimulatorServer.js"
import * as FakeApi from "../support/FakeApi.js"
import * as ScriptedServer from "../support/scriptedServer.js"

const credentials = { userId: FakeApi.userId, token: FakeApi.token }
const jobMillis = 300

const simulator = GridscaleSimulatorServer.serve({ credentials, jobDuration: jobMillis, rateLimit: false })

const connectionTo = (url: string, http: Layer.Layer<HttpClient.HttpClient>) =>
  GridscaleConnection.layer.pipe(
    Layer.provide(http),
    Layer.provide(GridscaleConfig.layer({ ...credentials, apiUrl: url }))
  )

const storage = { name: "data", capacity: 10, location_uuid: GridscaleSimulator.locationId }

const clients: Array<[string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer]
]

describe.each(clients)("over loopback HTTP (%s)", (_, http) => {
  it.scopedLive("asyncRequest returns the object_uuid once the job is done", () =>
    Effect.gen(function*() {
      const server = yield* simulator
      const started = Date.now()
      const reply = yield* GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: storage }).pipe(
        Effect.provide(connectionTo(server.url, http))
      )
      const objectId = (reply as { object_uuid: string }).object_uuid
      expect(server.snapshot().storages[objectId]).toMatchObject({ name: "data", capacity: 10 })
      // Not before the job was done. How soon after is measured on TestClock (GridscalePolling's
      // tests) and by the benchmark: a bound on this wall clock fails on a busy machine.
      expect(Date.now() - started).toBeGreaterThanOrEqual(jobMillis)
    }))

  it.scopedLive("a failed job is JobFailed, seen by a poll and not by a timeout", () =>
    Effect.gen(function*() {
      const server = yield* simulator
      server.failNextJob({ method: "POST" })
      const started = Date.now()
      const error = yield* Effect.flip(
        GridscaleConnection.asyncRequest("POST", "/objects/storages", { body: storage }).pipe(
          Effect.provide(connectionTo(server.url, http))
        )
      )
      expect(error._tag).toBe("JobFailed")
      // Seen by a poll, not by waiting out a timeout as Libcloud does (200 s; the poller's is 5 min).
      // The first poll after the failure is checked on TestClock in GridscalePolling's tests.
      expect(Date.now() - started).toBeLessThan(10_000)
    }))

  it.scopedLive("a reset connection on a POST is a TransportError with an unknown outcome, sent once", () =>
    Effect.gen(function*() {
      const server = yield* simulator
      server.injectFault({ kind: "ConnectionReset", method: "POST", nth: 1 })
      const error = yield* Effect.flip(
        GridscaleConnection.request("POST", "/objects/storages", { body: storage }).pipe(
          Effect.provide(connectionTo(server.url, http))
        )
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", outcomeUnknown: true })
      expect(server.counters().byMethod.POST).toBe(1)
    }))

  it.scopedLive("a truncated body is a TransportError, retried for a GET", () =>
    Effect.gen(function*() {
      const server = yield* simulator
      server.injectFault({ kind: "TruncatedBody", method: "GET", nth: 1 })
      const body = yield* GridscaleConnection.request("GET", "/objects/locations").pipe(
        Effect.provide(connectionTo(server.url, http))
      )
      expect(Object.keys((body as { locations: object }).locations)).toContain(GridscaleSimulator.locationId)
      expect(server.counters().byMethod.GET).toBe(2)
    }))

  it.scopedLive("a truncated body on a POST is not re-sent", () =>
    Effect.gen(function*() {
      const server = yield* simulator
      server.injectFault({ kind: "TruncatedBody", method: "POST" })
      const error = yield* Effect.flip(
        GridscaleConnection.request("POST", "/objects/storages", { body: storage }).pipe(
          Effect.provide(connectionTo(server.url, http))
        )
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "TruncatedBody", outcomeUnknown: true })
      expect(server.counters().byMethod.POST).toBe(1)
    }))

  it.scopedLive("a slow reply times out per attempt: a GET is retried, a POST fails once with an unknown outcome", () =>
    Effect.gen(function*() {
      const server = yield* simulator
      const quick = GridscaleConnection.layer.pipe(
        Layer.provide(http),
        Layer.provide(GridscaleConfig.layer({ ...credentials, apiUrl: server.url, timeout: "1 second" }))
      )
      server.injectFault({ kind: "SlowReply", method: "GET", nth: 1, delayMillis: 30_000 })
      const locations = yield* GridscaleConnection.request("GET", "/objects/locations").pipe(Effect.provide(quick))
      expect(locations).toHaveProperty("locations")
      // The slow first and at least one more (on a busy machine a second attempt may also run out of time).
      expect(server.counters().byMethod.GET).toBeGreaterThanOrEqual(2)
      // A reply far slower than the bound below, so that only the timeout can end the call in time.
      server.injectFault({ kind: "SlowReply", method: "POST", delayMillis: 30_000 })
      const started = Date.now()
      const error = yield* Effect.flip(
        GridscaleConnection.request("POST", "/objects/storages", { body: storage }).pipe(Effect.provide(quick))
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout", outcomeUnknown: true })
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(server.counters().byMethod.POST).toBe(1)
    }))

  it.scopedLive("wrong credentials are InvalidCredentials", () =>
    Effect.gen(function*() {
      const server = yield* simulator
      const error = yield* Effect.flip(
        GridscaleConnection.request("GET", "/objects/servers").pipe(
          Effect.provide(
            GridscaleConnection.layer.pipe(
              Layer.provide(http),
              Layer.provide(GridscaleConfig.layer({ ...credentials, token: "wrong", apiUrl: server.url }))
            )
          )
        )
      )
      expect(error).toMatchObject({ _tag: "InvalidCredentials", status: 401 })
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
                ...credentials,
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
