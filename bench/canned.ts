/**
 * A client with no network, for measuring the client's own cost: an `HttpClient` that answers
 * every request at once with a one-server list as the simulator sends it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Gridscale from "../src/Gridscale.js"
import * as GridscaleConfig from "../src/GridscaleConfig.js"
import * as GridscaleConnection from "../src/GridscaleConnection.js"

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

/** Answers every request with `oneServerList`. */
export const cannedClient = HttpClient.make((request) =>
  Effect.succeed(HttpClientResponse.fromWeb(request, new Response(oneServerList, { status: 200, headers })))
)

/** The full client on `cannedClient`, its rate ceiling off, and the calls to measure. */
export const cannedCalls = async () => {
  const runtime = ManagedRuntime.make(Gridscale.layer.pipe(
    Layer.provideMerge(
      GridscaleConfig.layer({ userId: "u", token: "t", apiUrl: "http://127.0.0.1:1", rate: { limit: Infinity } })
    ),
    Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, cannedClient))
  ))
  const gridscale = await runtime.runPromise(Gridscale.Gridscale)
  const connection = await runtime.runPromise(GridscaleConnection.GridscaleConnection)
  const calls: Record<string, Effect.Effect<unknown, unknown>> = {
    http: Effect.flatMap(cannedClient.get("http://127.0.0.1:1/objects/servers"), (r) => r.text),
    conn: connection.request("GET", "/objects/servers"),
    list: gridscale.servers.list()
  }
  return { runtime, calls }
}
