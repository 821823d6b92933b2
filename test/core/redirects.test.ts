/**
 * A redirect is never followed: the API's auth headers must not reach another origin, and a POST
 * answered with a redirect must not turn into a GET that "succeeds". Over real loopback sockets,
 * with each HTTP client a user may pick.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"
import * as FakeApi from "../support/FakeApi.js"

interface Listening {
  readonly url: string
  /** The headers of every request it was sent. */
  readonly seen: Array<http.IncomingHttpHeaders>
  readonly close: () => void
}

/** A loopback server answering every request with `answer`, counting what it was sent. */
const server = (answer: (res: http.ServerResponse, req: http.IncomingMessage) => void) =>
  Effect.acquireRelease(
    Effect.async<Listening>((resume) => {
      const seen: Array<http.IncomingHttpHeaders> = []
      const s = http.createServer((req, res) => {
        seen.push(req.headers)
        req.resume()
        req.on("end", () => answer(res, req))
      })
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, seen, close: () => s.close() }))
      })
    }),
    (s) => Effect.sync(s.close)
  )

const clients: Array<[string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["fetch", FetchHttpClient.layer],
  ["undici", NodeHttpClient.layerUndici],
  ["node:http", NodeHttpClient.layer]
]

describe.each(clients)("redirects (%s)", (_, client) => {
  it.scopedLive("a 3xx is UnexpectedStatus naming its Location, and nothing reaches the other origin", () =>
    Effect.gen(function*() {
      const elsewhere = yield* server((res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"))
      for (const status of [301, 302, 303, 307, 308]) {
        const api = yield* server((res) => res.writeHead(status, { location: `${elsewhere.url}/stolen` }).end())
        const connection = GridscaleConnection.layer.pipe(
          Layer.provide(client),
          Layer.provide(GridscaleConfig.layer({ userId: FakeApi.userId, token: FakeApi.token, apiUrl: api.url }))
        )
        for (const method of ["GET", "POST"] as const) {
          const error = yield* Effect.flip(
            GridscaleConnection.request(method, "/objects/servers", method === "POST" ? { body: {} } : {}).pipe(
              Effect.provide(connection)
            )
          )
          expect(error).toMatchObject({ _tag: "UnexpectedStatus", status })
          expect(error.message).toContain(`${elsewhere.url}/stolen`)
        }
      }
      expect(elsewhere.seen).toHaveLength(0)
    }))
})
