/**
 * One side of figure 1 in a process of its own (bundled, run on plain `node`): lists the servers
 * of `api-server.ts` the way that side does, in batches the parent asks for over IPC.
 *
 * Sides: `raw` (`fetch` + `JSON.parse`, the floor), `undici` (undici's `request` + `JSON.parse`),
 * `client-undici` and `client-fetch` (`servers.list()` of this client on the default
 * configuration, on `NodeHttpClient.layerUndici` / `FetchHttpClient.layer`).
 *
 * Messages: `{ id, type: "run", calls, servers }` runs `calls` lists one after another and
 * answers each one's time in ms; `{ id, type: "budget", lists, rate, timeoutMs }` (client sides
 * only) builds a fresh client with the default rate budget (`rate: "default"`) or with its
 * ceiling off (`rate: "off"`), runs `lists` lists one after another in one effect and answers
 * the time it took, or `null` if it did not end within `timeoutMs`; `{ id, type: "now" }` answers
 * the monotonic clock in µs.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Undici from "undici"
import * as Gridscale from "../src/Gridscale.js"
import * as GridscaleConfig from "../src/GridscaleConfig.js"

export type SideKind = "raw" | "undici" | "client-undici" | "client-fetch"

const [kind, url] = process.argv.slice(2) as [SideKind, string]
const credentials = { userId: "bench-user", token: "bench-token" }
const headers = { "x-auth-userid": credentials.userId, "x-auth-token": credentials.token, accept: "application/json" }
const listUrl = `${url}/objects/servers`

type Rate = "default" | "off"

/** The whole client as a user builds it: only the credentials and the URL set. */
const clientLayer = (rate: Rate) =>
  Gridscale.layer.pipe(
    Layer.provide(
      GridscaleConfig.layer({
        ...credentials,
        apiUrl: url,
        // "off": no client-side ceiling (the budget still reads the replies' headers).
        ...(rate === "off" ? { rate: { limit: Infinity } } : {})
      })
    ),
    Layer.provide(kind === "client-fetch" ? FetchHttpClient.layer : NodeHttpClient.layerUndici)
  )

const countOf = (body: { servers?: Record<string, unknown> }) => Object.keys(body.servers ?? {}).length

const makeList = async (): Promise<() => Promise<number>> => {
  switch (kind) {
    case "raw":
      return async () => countOf(JSON.parse(await (await fetch(listUrl, { headers })).text()))
    case "undici":
      return async () => {
        const response = await Undici.request(listUrl, { headers })
        return countOf(JSON.parse(await response.body.text()))
      }
    case "client-undici":
    case "client-fetch": {
      const runtime = ManagedRuntime.make(clientLayer("default"))
      const gridscale = await runtime.runPromise(Gridscale.Gridscale)
      const list = gridscale.servers.list()
      return async () => (await runtime.runPromise(list)).length
    }
  }
}

const budgetRun = async (lists: number, rate: Rate, timeoutMs: number): Promise<number | null> => {
  const runtime = ManagedRuntime.make(clientLayer(rate))
  try {
    const program = Effect.gen(function*() {
      const gridscale = yield* Gridscale.Gridscale
      const t0 = performance.now()
      for (let i = 0; i < lists; i++) yield* gridscale.servers.list()
      return performance.now() - t0
    }).pipe(Effect.timeoutTo({ duration: Duration.millis(timeoutMs), onTimeout: Option.none, onSuccess: Option.some }))
    const outcome = await runtime.runPromise(program)
    return Option.getOrNull(outcome)
  } finally {
    await runtime.dispose()
  }
}

type Message =
  | { readonly id: number; readonly type: "run"; readonly calls: number; readonly servers: number }
  | { readonly id: number; readonly type: "now" }
  | {
    readonly id: number
    readonly type: "budget"
    readonly lists: number
    readonly rate: Rate
    readonly timeoutMs: number
  }

const list = await makeList()

const answer = async (message: Message): Promise<unknown> => {
  switch (message.type) {
    case "run": {
      const times: Array<number> = new Array(message.calls)
      for (let i = 0; i < message.calls; i++) {
        const t0 = performance.now()
        const count = await list()
        times[i] = performance.now() - t0
        if (count !== message.servers) throw new Error(`${kind}: expected ${message.servers} servers, got ${count}`)
      }
      return times
    }
    case "budget":
      return budgetRun(message.lists, message.rate, message.timeoutMs)
    case "now":
      // On the clock of a CPU profile's timestamps (µs), so profile.ts can keep only the samples
      // of the measured calls.
      return Number(process.hrtime.bigint() / 1000n)
  }
}

// One message at a time: the parent waits for each answer before it sends the next.
process.on("message", (message: Message) => {
  answer(message).then(
    (value) => process.send?.({ id: message.id, value }),
    (error) => process.send?.({ id: message.id, error: String(error?.stack ?? error) })
  )
})
process.on("disconnect", () => process.exit(0))
process.send?.({ type: "ready" })
