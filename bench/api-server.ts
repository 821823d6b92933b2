/**
 * The server of figures 1 and 2: a plain `node:http` server on loopback that answers
 * `GET /objects/servers` (a trailing slash allowed, as Libcloud sends it) with the payload of
 * `payload.ts`, as the API does: `X-Request-Id`, and `RateLimit-Limit` / `-Remaining` / `-Reset`
 * for an account allowed 100,000 requests per 60 s window. Run in a child process with an IPC
 * channel, the project's root as its argument; its first message is `{ type: "ready", url, source }`, then it answers
 * `{ id, type: "servers", count }` (serve `count` servers from now on).
 *
 * The reply bodies are serialized once per size, so the server's own cost per request is the
 * same for every side.
 */
import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { listBody, serverSource } from "./payload.js"

export const accountLimit = 100_000
const windowMillis = 60_000

const { server: recordedServer, source } = serverSource(process.argv[2] ?? process.cwd())
const bodies = new Map<number, Buffer>()
const bodyOf = (count: number) => {
  let body = bodies.get(count)
  if (body === undefined) {
    body = Buffer.from(listBody(recordedServer, count), "utf8")
    bodies.set(count, body)
  }
  return body
}
let current = bodyOf(1)
let window = { resetAt: 0, used: 0 }
let requests = 0

const notFound = Buffer.from(JSON.stringify({ title: "Not Found", description: "no such path" }))

const server = Http.createServer((request, response) => {
  requests++
  const now = Date.now()
  if (now >= window.resetAt) window = { resetAt: now + windowMillis, used: 0 }
  window.used++
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "x-request-id": randomUUID(),
    "ratelimit-limit": accountLimit,
    "ratelimit-remaining": Math.max(0, accountLimit - window.used),
    "ratelimit-reset": window.resetAt
  }
  const path = (request.url ?? "/").split("?")[0].replace(/\/+$/, "")
  // Request bodies are not expected; drain whatever comes.
  request.resume()
  if (request.headers["x-auth-userid"] === undefined || request.headers["x-auth-token"] === undefined) {
    const body = Buffer.from(JSON.stringify({ message: "missing credentials" }))
    response.writeHead(401, { ...headers, "content-length": body.length })
    response.end(body)
  } else if (window.used > accountLimit) {
    const body = Buffer.from(JSON.stringify({ id: "rate_limit", message: "too many requests" }))
    response.writeHead(429, { ...headers, "content-length": body.length })
    response.end(body)
  } else if (request.method === "GET" && path === "/objects/servers") {
    response.writeHead(200, { ...headers, "content-length": current.length })
    response.end(current)
  } else {
    response.writeHead(404, { ...headers, "content-length": notFound.length })
    response.end(notFound)
  }
})
// Sides wait for each other between batches: keep their connections open meanwhile.
server.keepAliveTimeout = 120_000

type Message = { readonly id: number; readonly type: "servers"; readonly count: number } | {
  readonly id: number
  readonly type: "requests"
}

process.on("message", (message: Message) => {
  switch (message.type) {
    case "servers":
      current = bodyOf(message.count)
      process.send?.({ id: message.id, value: { bytes: current.length } })
      return
    case "requests":
      process.send?.({ id: message.id, value: requests })
  }
})
process.on("disconnect", () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo
  process.send?.({ type: "ready", url: `http://127.0.0.1:${port}`, source })
})
