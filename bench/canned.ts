/**
 * A client with no network, for measuring the client's own cost: an `HttpClient` that answers
 * every request at once, as the simulator would.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Gridscale from "../src/Gridscale.js"
import * as GridscaleConfig from "../src/GridscaleConfig.js"
import * as GridscaleConnection from "../src/GridscaleConnection.js"
import { builtStorage } from "./payload.js"

const server = {
  name: "b",
  cores: 1,
  memory: 1,
  location_uuid: "45ed677b-3702-4b36-be2a-a2eab9827950",
  labels: [],
  hardware_profile: "default",
  availability_zone: null,
  auto_recovery: true,
  power: false,
  legacy: false,
  console_token: "95960a44d08c435c8b9ad95a03b38b03",
  object_uuid: "62d50846-e5d7-41f4-a372-3ca849ea1a38",
  status: "active",
  create_time: "2026-11-26T23:08:42Z",
  change_time: "2026-11-26T23:08:42Z",
  location_name: "de/fra",
  location_iata: "fra",
  location_country: "de",
  usage_in_minutes_cores: 0,
  usage_in_minutes_memory: 0,
  current_price: 0,
  relations: { storages: [], public_ips: [], networks: [], isoimages: [] }
}

/** The reply to `GET /objects/servers` with one server. */
export const oneServerList = JSON.stringify({ servers: { [server.object_uuid]: server } })

const headers = {
  "content-type": "application/json",
  "content-length": String(oneServerList.length),
  "x-request-id": "7d7a0c3e-0000-4000-8000-000000000001"
}

const jobId = "0b2dd2b8-0000-4000-8000-00000000000a"
const storageId = "5a2bc2c6-0000-4000-8000-00000000000b"
const created = JSON.stringify({ request_uuid: jobId, object_uuid: storageId })
const jobIs = (status: string) =>
  JSON.stringify({ [jobId]: { status, message: `the job is ${status}`, create_time: "2026-11-26T23:08:42Z" } })
const jobPending = jobIs("pending")
const jobDone = jobIs("done")
// Every other poll finds the job done: two polls a create, as a create under load takes.
let polls = 0
const storage = JSON.stringify({ storage: builtStorage() })

const replyTo = (method: string, url: string): string =>
  method === "POST"
    ? created
    : url.includes("/requests/")
    ? (++polls % 2 === 0 ? jobDone : jobPending)
    : url.includes("/storages/")
    ? storage
    : oneServerList

/**
 * Answers every request at once: `POST` with a job, `GET /requests/{id}` with the job pending
 * and, the next time, done,
 * `GET /objects/storages/{id}` with a storage of the recorded shape, any other `GET` with
 * `oneServerList`.
 */
export const cannedClient = HttpClient.make((request, url) => {
  const body = replyTo(request.method, url.pathname)
  return Effect.succeed(
    HttpClientResponse.fromWeb(
      request,
      new Response(body, { status: 200, headers: { ...headers, "content-length": String(body.length) } })
    )
  )
})

/** The full client on `cannedClient`, its rate ceiling off, and the calls to measure. */
export const cannedCalls = async () => {
  const runtime = ManagedRuntime.make(Gridscale.layer.pipe(
    Layer.provideMerge(
      GridscaleConfig.layer({
        userId: "u",
        token: "t",
        apiUrl: "http://127.0.0.1:1",
        rate: { limit: Infinity },
        // Polls 1 ms apart: the same operations as the default's 100 ms and more.
        polling: { initialDelay: 1, maxInterval: 1 }
      })
    ),
    Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, cannedClient))
  ))
  const gridscale = await runtime.runPromise(Gridscale.Gridscale)
  const connection = await runtime.runPromise(GridscaleConnection.GridscaleConnection)
  const calls: Record<string, Effect.Effect<unknown, unknown>> = {
    http: Effect.flatMap(cannedClient.get("http://127.0.0.1:1/objects/servers"), (r) => r.text),
    conn: connection.request("GET", "/objects/servers"),
    list: gridscale.servers.list(),
    // As users call it: a new call each time (`list` above is one effect run again and again).
    create: Effect.suspend(() =>
      gridscale.storages.create({ name: "b", capacity: 10, location_uuid: "45ed677b-3702-4b36-be2a-a2eab9827950" })
    )
  }
  return { runtime, calls }
}
