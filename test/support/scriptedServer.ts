import * as Effect from "effect/Effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** A request as the scripted server saw it. */
export interface Received {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
  readonly at: number
}

/** How to answer: a reply, or a misbehaving socket. */
export type Script =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  | { readonly reset: true }
  | { readonly truncate: string }

/** A real HTTP server on 127.0.0.1 that answers by a script; closed with the scope. */
export const serve = (script: (req: Received, index: number) => Script) => {
  const received: Array<Received> = []
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const entry: Received = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now()
      }
      received.push(entry)
      const answer = script(entry, received.length - 1)
      if ("reset" in answer) return req.socket.destroy()
      if ("truncate" in answer) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
        res.write(answer.truncate)
        return setTimeout(() => req.socket.destroy(), 10)
      }
      const text = answer.body === undefined ? "" : JSON.stringify(answer.body)
      res.writeHead(answer.status, {
        "x-request-id": `req-${received.length}`,
        ...(text ? { "content-type": "application/json" } : {}),
        ...answer.headers
      })
      res.end(text)
    })
  })
  const listen = Effect.async<string>((resume) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resume(Effect.succeed(`http://127.0.0.1:${port}`))
    })
  })
  const close = Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })
  return Effect.acquireRelease(listen, () => close).pipe(Effect.map((url) => ({ url, received })))
}

/** A loopback port that nothing listens on: connections to it are refused. */
export const closedPort = Effect.async<number>((resume) => {
  const server = http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})
