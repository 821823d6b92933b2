/**
 * A walk through the driver: list locations and templates, provision a server with a storage and
 * an IPv4 address, show it, stop it, snapshot its storage, and tear it all down again.
 *
 *   npm start                 against the in-process simulator (no credentials set)
 *   GRIDSCALE_UUID=... GRIDSCALE_TOKEN=... npm start [-- --yes]
 *                             against the real API; asks before creating anything unless --yes
 *                             (GRIDSCALE_SSH_KEY=<key id> installs that key instead of a random password)
 *
 * Each step prints one line with its duration; while a job runs, a progress line shows its polls.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Crypto from "node:crypto"
import * as Readline from "node:readline/promises"
import * as Gridscale from "../src/Gridscale.js"
import * as GridscaleConfig from "../src/GridscaleConfig.js"
import type * as GridscalePolling from "../src/GridscalePolling.js"
import * as GridscaleSimulator from "../src/GridscaleSimulator.js"
import type * as Server from "../src/Server.js"

const useRealApi = Boolean(process.env["GRIDSCALE_UUID"] && process.env["GRIDSCALE_TOKEN"])
const assumeYes = process.argv.includes("--yes")
const sshKey = process.env["GRIDSCALE_SSH_KEY"]
const tty = process.stdout.isTTY === true

// ---------------------------------------------------------------------------------------------
// Output: one line per step, and a progress line while a job is pending

const clearLine = () => {
  if (tty) process.stdout.write("\r\x1b[K")
}

const formatDuration = (duration: Duration.Duration) => {
  const millis = Duration.toMillis(duration)
  return millis < 1000 ? `${Math.round(millis)} ms` : `${(millis / 1000).toFixed(1)} s`
}

/** Runs one step and prints what it did (from its result) and how long it took. */
const step = <A, E, R>(title: string, effect: Effect.Effect<A, E, R>, describe: (a: A) => string = () => "") =>
  Effect.timed(effect).pipe(
    Effect.tap(([duration, a]) =>
      Effect.sync(() => {
        clearLine()
        const detail = describe(a)
        console.log(`ok   ${title}${detail ? `: ${detail}` : ""}  (${formatDuration(duration)})`)
      })
    ),
    Effect.tapErrorCause(() => Effect.sync(() => (clearLine(), console.log(`FAIL ${title}`)))),
    Effect.map(([, a]) => a)
  )

const plural = (n: number | null | undefined, word: string) => `${n ?? "?"} ${word}${n === 1 ? "" : "s"}`

/**
 * Polling's progress callback for the jobs of one step: on a terminal a line rewritten at every
 * poll; into a pipe or file one line per job, when it ends.
 */
const progress = (what: string): GridscalePolling.AwaitOptions => ({
  onProgress: ({ elapsedMillis, polls, requestId, status }) =>
    Effect.sync(() => {
      const line = `     job ${requestId.slice(0, 8)} (${what}) ${status}, ${plural(polls, "poll")}, ${
        (elapsedMillis / 1000).toFixed(1)
      } s`
      if (tty) process.stdout.write(`\r\x1b[K${line}`)
      else if (status !== "pending") console.log(line)
    })
})

// ---------------------------------------------------------------------------------------------
// The walk-through

const confirm = (question: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => Readline.createInterface({ input: process.stdin, output: process.stdout })),
    (rl) => Effect.promise(() => rl.question(question)),
    (rl) => Effect.sync(() => rl.close())
  ).pipe(Effect.map((answer) => /^y(es)?$/i.test(answer.trim())))

const describeServer = (server: Server.Server) => {
  const storage = server.relations?.storages?.[0]
  const ips = server.relations?.public_ips?.map((ip) => ip.ip).join(", ")
  return `${server.name} (${server.object_uuid}): ${plural(server.cores, "core")}, ${server.memory} GB, ` +
    `${storage?.capacity ?? "?"} GB storage, IP ${ips || "none"}, power ${server.power ? "on" : "off"}`
}

/** Deletes what the walk-through made, server first (which frees its links). */
const tearDown = (server: Server.Server) =>
  Gridscale.use((g) =>
    Effect.gen(function*() {
      const storages = server.relations?.storages?.map((s) => s.object_uuid) ?? []
      const ips = server.relations?.public_ips?.map((ip) => ip.object_uuid) ?? []
      yield* step("delete server", g.servers.delete(server.object_uuid, progress("delete server")))
      for (const id of storages) {
        yield* step(`delete storage ${id}`, g.storages.delete(id, progress("delete storage")))
      }
      for (const id of ips) yield* step(`delete IP ${id}`, g.ips.delete(id, progress("delete IP")))
    })
  )

const program = Effect.gen(function*() {
  const g = yield* Gridscale.Gridscale
  console.log(`effect-gridscale walk-through against ${useRealApi ? "the gridscale API" : "the in-process simulator"}`)

  const locations = yield* step("list locations", g.locations.list(), (all) => all.map((l) => l.name).join(", "))
  const location = locations[0]
  if (location === undefined) return yield* Effect.dieMessage("the account sees no location")

  const template = yield* step(
    "list templates",
    g.templates.listByLocation(location.object_uuid),
    (all) => `${all.length} in ${location.name}`
  ).pipe(
    Effect.map((all) => all.find((t) => /ubuntu/i.test(t.name ?? "")) ?? all.find((t) => !t.private) ?? all[0])
  )
  if (template === undefined) return yield* Effect.dieMessage(`no template in ${location.name}`)
  console.log(`     using template ${template.name} (${template.object_uuid})`)

  if (useRealApi && !assumeYes) {
    const yes = yield* confirm("This creates a server, a 10 GB storage and an IPv4 address (billed). Go on? [y/N] ")
    if (!yes) return console.log("Nothing created.")
  }

  const name = `effect-gridscale-demo-${Date.now().toString(36)}`
  yield* Effect.acquireUseRelease(
    step(
      "provision server",
      g.servers.provision({
        name,
        cores: 1,
        memory: 2,
        template: template.object_uuid,
        storageSize: 10,
        location: location.object_uuid,
        // The template's storage needs a way in: an SSH key (GRIDSCALE_SSH_KEY, a key's id) or a
        // password. The walk-through never logs in, so a random one nobody sees is enough.
        ...(sshKey ? { sshKeys: [sshKey] } : { password: Crypto.randomBytes(24).toString("base64url") })
      }, progress("provision")),
      describeServer
    ),
    (server) =>
      Effect.gen(function*() {
        yield* step("show server", g.servers.get(server.object_uuid), describeServer)
        yield* step(
          "stop server",
          g.servers.stop(server.object_uuid, progress("stop server")),
          (s) => `power ${s.power ? "on" : "off"}`
        )
        const storageId = server.relations?.storages?.[0]?.object_uuid
        if (storageId === undefined) return
        const snapshot = yield* step(
          "snapshot storage",
          g.storages.snapshots.create(storageId, { name: `${name}-snapshot` }, progress("snapshot")),
          (s) => `${s.name} (${s.object_uuid})`
        )
        yield* step(
          "delete snapshot",
          g.storages.snapshots.delete(storageId, snapshot.object_uuid, progress("delete snapshot"))
        )
      }),
    // Whatever happened after provisioning, what it made is removed again.
    (server) => tearDown(server).pipe(Effect.catchAllCause((cause) => Effect.logError("tear-down failed", cause)))
  )
  console.log("done: everything created was deleted again")
})

// ---------------------------------------------------------------------------------------------
// Layers: the real API over fetch, or the simulator in-process with short jobs

const realApi = Gridscale.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

const simulator = Gridscale.layer.pipe(
  Layer.provide(GridscaleSimulator.layerWith({ jobDuration: 250 })),
  Layer.provide(GridscaleConfig.layer({ userId: "demo-user", token: "demo-token" }))
)

const fiber = Effect.runFork(program.pipe(Effect.provide(useRealApi ? realApi : simulator)))
// Ctrl-C interrupts the program, so a provision in flight cleans up after itself.
process.once("SIGINT", () => Effect.runFork(Fiber.interrupt(fiber)))
fiber.addObserver((exit) => {
  clearLine()
  if (Exit.isFailure(exit)) {
    console.error(`failed: ${Exit.isInterrupted(exit) ? "interrupted" : String(exit.cause)}`)
    process.exitCode = 1
  }
})
