/**
 * docs/proxies.md: the client routed through an undici ProxyAgent given to NodeHttpClient reaches
 * the API through the proxy. Here the API is the simulator's loopback server and the proxy a small
 * CONNECT proxy that counts the tunnels it opened.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Http from "node:http"
import * as Net from "node:net"
import { ProxyAgent } from "undici"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleSimulatorServer from "../../src/GridscaleSimulatorServer.js"

let simulator: GridscaleSimulatorServer.Handle
let proxy: Http.Server
let proxyUrl: string
const tunnels: Array<string> = []

beforeAll(async () => {
  simulator = await GridscaleSimulatorServer.start({ jobDuration: 20 })
  proxy = Http.createServer((_, response) => {
    response.writeHead(405).end()
  })
  proxy.on("connect", (request: Http.IncomingMessage, client: Net.Socket, head: Buffer) => {
    tunnels.push(request.url ?? "")
    const [host, port] = (request.url ?? "").split(":")
    const upstream = Net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on("error", () => client.destroy())
    client.on("error", () => upstream.destroy())
  })
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as Net.AddressInfo).port}`
})

afterAll(async () => {
  proxy?.closeAllConnections()
  await new Promise((resolve) => proxy?.close(resolve))
  await simulator?.close()
})

describe("docs/proxies.md", () => {
  it.live("routes every request through the ProxyAgent", () =>
    Effect.gen(function*() {
      // As the page shows it: the proxy's agent as the dispatcher of NodeHttpClient's undici client.
      const ProxyDispatcher = Layer.scoped(
        NodeHttpClient.Dispatcher,
        Effect.acquireRelease(
          Effect.sync(() => new ProxyAgent(proxyUrl)),
          (agent) => Effect.promise(() => agent.close())
        )
      )
      const HttpThroughProxy = NodeHttpClient.layerUndiciWithoutDispatcher.pipe(Layer.provide(ProxyDispatcher))
      const GridscaleLive = Gridscale.layer.pipe(
        Layer.provide(GridscaleConfig.layer({ userId: "proxy-user", token: "proxy-token", apiUrl: simulator.url })),
        Layer.provide(HttpThroughProxy)
      )

      const created = yield* Gridscale.use((gridscale) =>
        gridscale.networks.create({ name: "through-the-proxy" }).pipe(
          Effect.zipRight(gridscale.networks.list())
        )
      ).pipe(Effect.provide(GridscaleLive))

      expect(created.map((n) => n.name)).toContain("through-the-proxy")
      expect(tunnels.length).toBeGreaterThan(0)
      expect(new Set(tunnels)).toEqual(new Set([`127.0.0.1:${simulator.port}`]))
    }))
})
