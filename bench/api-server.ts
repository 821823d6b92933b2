/**
 * The server of figures 1 and 2: a plain `node:http` server on loopback that answers
 * `GET /objects/servers` (a trailing slash allowed, as Libcloud sends it) with the payload of
 * `payload.ts`, as the API does: `X-Request-Id`, and `RateLimit-Limit` / `-Remaining` / `-Reset`
 * for an account allowed 100,000 requests per 60 s window. For figure 3 it also creates storages
 * the way the API does, at the cost of a map entry: `POST /objects/storages` answers 202 with
 * `request_uuid` and `object_uuid`, `GET /requests/{id}` says `pending` until the job's time
 * (`jobMs`) has passed and then `done`, and `GET /objects/storages/{id}` shows the recorded storage
 * object under the new id and name. Run in a child process with an IPC channel, the project's
 * root as its argument; its first message is `{ type: "ready", url, source }`, then it answers
 * `{ id, type: "servers", count }` (serve `count` servers from now on), `{ id, type: "jobMs", ms }`,
 * and `{ id, type: "cpu" }` (the CPU time it has used, in ms).
 *
 * The reply bodies are serialized once per size, so the server's own cost per request is the
 * same for every side.
 */
import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { listBody, serverSource, storageSource } from "./payload.js"

export const accountLimit = 100_000
const windowMillis = 60_000

const root = process.argv[2] ?? process.cwd()
const { server: recordedServer, source } = serverSource(root)
const { server: recordedStorage } = storageSource(root)
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
let jobMs = 1200

interface Created {
  readonly name: string
  readonly capacity: unknown
  readonly locationId: unknown
  readonly createdAt: number
}
/** Storages by id, and each create's job by request id (with the storage it made). */
const storages = new Map<string, Created>()
const jobs = new Map<string, { readonly doneAt: number; readonly createdAt: string }>()

const json = (
  response: Http.ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  value: unknown
) => {
  const body = Buffer.from(JSON.stringify(value))
  response.writeHead(status, { ...headers, "content-length": body.length })
  response.end(body)
}

const readJson = (request: Http.IncomingMessage): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")))
      } catch (error) {
        reject(error)
      }
    })
    request.on("error", reject)
  })

const create = (
  request: Http.IncomingMessage,
  response: Http.ServerResponse,
  headers: Record<string, string | number>
) =>
  readJson(request).then(
    (body) => {
      const requestId = String(headers["x-request-id"])
      const objectId = randomUUID()
      const now = Date.now()
      storages.set(objectId, {
        name: String(body.name),
        capacity: body.capacity,
        locationId: body.location_uuid,
        createdAt: now
      })
      jobs.set(requestId, { doneAt: now + jobMs, createdAt: new Date(now).toISOString().slice(0, 19) + "Z" })
      json(response, 202, headers, { request_uuid: requestId, object_uuid: objectId })
    },
    () => json(response, 400, headers, { title: "Bad Request", description: "the body is not JSON" })
  )

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
  if (
    request.method === "POST" && path === "/objects/storages" && window.used <= accountLimit &&
    request.headers["x-auth-token"] !== undefined
  ) {
    void create(request, response, headers)
    return
  }
  // Only creates have a body; drain whatever else comes.
  request.resume()
  const job = request.method === "GET" && path.startsWith("/requests/") ? path.slice(10) : undefined
  const storage = request.method === "GET" && path.startsWith("/objects/storages/") ? path.slice(18) : undefined
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
  } else if (job !== undefined && jobs.has(job)) {
    const { createdAt, doneAt } = jobs.get(job)!
    const status = now >= doneAt ? "done" : "pending"
    json(response, 200, headers, { [job]: { status, message: `the job is ${status}`, create_time: createdAt } })
  } else if (storage !== undefined && storages.has(storage)) {
    const made = storages.get(storage)!
    const at = new Date(made.createdAt).toISOString().slice(0, 19) + "Z"
    json(response, 200, headers, {
      storage: {
        ...recordedStorage,
        object_uuid: storage,
        name: made.name,
        capacity: made.capacity,
        location_uuid: made.locationId,
        relations: { snapshot_schedules: [], servers: [] },
        usage_in_minutes: 0,
        create_time: at,
        change_time: at
      }
    })
  } else {
    response.writeHead(404, { ...headers, "content-length": notFound.length })
    response.end(notFound)
  }
})
// Sides wait for each other between batches: keep their connections open meanwhile.
server.keepAliveTimeout = 120_000

type Message =
  | { readonly id: number; readonly type: "servers"; readonly count: number }
  | { readonly id: number; readonly type: "requests" }
  | { readonly id: number; readonly type: "jobMs"; readonly ms: number }
  | { readonly id: number; readonly type: "cpu" }

process.on("message", (message: Message) => {
  switch (message.type) {
    case "servers":
      current = bodyOf(message.count)
      process.send?.({ id: message.id, value: { bytes: current.length } })
      return
    case "requests":
      process.send?.({ id: message.id, value: requests })
      return
    case "jobMs":
      jobMs = message.ms
      process.send?.({ id: message.id, value: null })
      return
    case "cpu": {
      const usage = process.cpuUsage()
      process.send?.({ id: message.id, value: (usage.user + usage.system) / 1000 })
    }
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
