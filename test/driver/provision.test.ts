import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schedule from "effect/Schedule"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as Server from "../../src/Server.js"
import { location, ownObjects, requestCount, simulated, template } from "./support.js"

const web: Server.ProvisionOptions = {
  name: "web-1",
  cores: 2,
  memory: 4,
  template,
  storageSize: 20,
  location,
  password: "correct-horse-battery"
}

const nothingOwned = {
  servers: [],
  storages: [],
  ips: [],
  networks: [GridscaleSimulator.publicNetworkId]
}

describe("provision's way into the template's storage", () => {
  it.live("is an SSH key or a password: with neither, nothing is sent", () =>
    Effect.gen(function*() {
      const { password: _, ...noWayIn } = web
      const error = yield* Effect.flip(Gridscale.provision(noWayIn))
      expect({ tag: error._tag, field: error._tag === "InvalidInput" ? error.field : "" }).toEqual({
        tag: "InvalidInput",
        field: "options.sshKeys"
      })
      expect((yield* GridscaleSimulator.counters).requests).toBe(0)
    }).pipe(Effect.provide(simulated())))

  it.live("a storage from a template without either is refused before it is sent", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const error = yield* Effect.flip(
        g.storages.create({ name: "d", capacity: 10, location_uuid: location, template: { template_uuid: template } })
      )
      expect(error._tag === "InvalidInput" && error.field).toBe("input.template")
      const storage = yield* g.storages.create({
        name: "d",
        capacity: 10,
        location_uuid: location,
        template: { template_uuid: template, password: "correct-horse-battery", password_type: "crypt" }
      })
      expect(storage.last_used_template).toBe(template)
    }).pipe(Effect.provide(simulated())))
})

describe("provision", () => {
  it.live("makes a running server with a boot storage from the template, an IPv4 and the public network", () =>
    Effect.gen(function*() {
      const server = yield* Gridscale.provision(web)
      expect(server).toMatchObject({ name: "web-1", cores: 2, memory: 4, power: true })
      const storage = server.relations?.storages ?? []
      expect(storage).toHaveLength(1)
      expect(storage[0]).toMatchObject({ bootdevice: true, capacity: 20, last_used_template: template })
      expect(server.relations?.public_ips?.map((ip) => ip.family)).toEqual([4])
      expect(server.relations?.networks?.map((n) => n.object_uuid)).toEqual([GridscaleSimulator.publicNetworkId])
      // On success everything stays.
      const owned = yield* ownObjects
      expect(owned.servers).toEqual([server.object_uuid])
      expect(owned.storages).toEqual([storage[0]!.object_uuid])
      expect(owned.ips).toHaveLength(1)
    }).pipe(Effect.provide(simulated())))

  it.live("takes SSH keys, both address families, a chosen network, and can leave the server off", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const key = yield* g.sshKeys.create({ name: "ops", sshkey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI ops@example" })
      const network = yield* g.networks.create({ name: "backend", location_uuid: location })
      const server = yield* g.servers.provision({
        ...web,
        sshKeys: [key.object_uuid],
        ipv6: true,
        network: network.object_uuid,
        start: false
      })
      expect(server.power).toBe(false)
      expect(server.relations?.public_ips?.map((ip) => ip.family).sort()).toEqual([4, 6])
      expect(server.relations?.networks?.map((n) => n.object_uuid)).toEqual([network.object_uuid])
    }).pipe(Effect.provide(simulated())))

  it.live("creates no IP and links no network when no address is asked for", () =>
    Effect.gen(function*() {
      const server = yield* Gridscale.provision({ ...web, ipv4: false })
      expect(server.relations?.public_ips).toEqual([])
      expect(server.relations?.networks).toEqual([])
    }).pipe(Effect.provide(simulated())))
})

describe("provision that fails leaves nothing behind", () => {
  const failingJobs = [
    ["the storage's create", { method: "POST", path: "/objects/storages" }],
    ["the IP's create", { method: "POST", path: "/objects/ips" }],
    ["linking the storage", { method: "POST", path: /\/objects\/servers\/[^/]+\/storages$/ }],
    ["linking the network", { method: "POST", path: /\/objects\/servers\/[^/]+\/networks$/ }],
    ["powering on", { method: "PATCH", path: /\/power$/ }]
  ] as const

  it.live.each(failingJobs)(
    "a job failing in %s fails provision with JobFailed and removes what it made",
    ([, match]) =>
      Effect.gen(function*() {
        yield* GridscaleSimulator.failNextJob(match)
        const exit = yield* Effect.exit(Gridscale.provision(web))
        expect(exit).toMatchObject({ _tag: "Failure" })
        const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : undefined
        expect(error).toMatchObject({ _tag: "Some", value: { _tag: "JobFailed" } })
        expect(yield* ownObjects).toEqual(nothingOwned)
        // And what it made was really made: the clean-up deleted it.
        const created = (yield* GridscaleSimulator.counters).created
        expect(created["servers"]?.["web-1"]).toBe(1)
      }).pipe(Effect.provide(simulated({ jobMillis: 10 })))
  )

  it.live("an API error on a create (no job at all) also cleans up the others", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ method: "POST", path: "/objects/ips", kind: "InternalError" })
      const error = yield* Effect.flip(Gridscale.provision(web))
      expect(error._tag).toBe("ServerError")
      const owned = yield* ownObjects
      expect(owned.servers).toEqual([])
      expect(owned.storages).toEqual([])
    }).pipe(Effect.provide(simulated())))

  it.live("a clean-up step that fails is reported next to the original error, and the others still run", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.failNextJob({ method: "POST", path: /\/objects\/servers\/[^/]+\/ips$/ })
      yield* GridscaleSimulator.injectFault({
        method: "DELETE",
        path: /^\/objects\/storages\/[^/]+$/,
        kind: "ServiceUnavailable"
      })
      const warnings: Array<string> = []
      const exit = yield* Effect.exit(Gridscale.provision(web)).pipe(
        Effect.provide(Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ logLevel, message }) => {
            if (logLevel === LogLevel.Warning) warnings.push(String(message))
          })
        ))
      )
      if (Exit.isSuccess(exit)) return expect.fail("provision should have failed")
      // The failed step is also in the log, as a warning naming it.
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/^provision could not delete storage \S+ while cleaning up: DELETE /)
      // The error the caller handles is the one that stopped provisioning.
      expect(Cause.failureOption(exit.cause)).toMatchObject({ _tag: "Some", value: { _tag: "JobFailed" } })
      // The clean-up failure is in the same cause, as a CleanupFailed defect naming the step.
      const defects = [...Cause.defects(exit.cause)]
      expect(defects).toHaveLength(1)
      expect(defects[0]).toBeInstanceOf(Server.CleanupFailed)
      expect(defects[0]).toMatchObject({ step: "delete storage", error: { _tag: "ServerError" } })
      const owned = yield* ownObjects
      expect(owned.servers).toEqual([])
      expect(owned.ips).toEqual([])
      expect(owned.storages).toHaveLength(1)
    }).pipe(Effect.provide(simulated({ config: { retry: { maxRetries: 1, baseDelay: "1 millis" } } }))))
})

describe("provision that is interrupted leaves nothing behind", () => {
  // Interrupted at points spread over a provision, counted in requests the API has answered: a
  // whole provision takes more (the test below says how many), so each of these interrupts it.
  const answered = [0, 1, 2, 4, 6, 9, 12]

  it.live("a whole provision takes more requests than the last point the tests interrupt at", () =>
    Effect.gen(function*() {
      yield* Gridscale.provision(web)
      expect(yield* requestCount).toBeGreaterThan(answered[answered.length - 1]! + 4)
    }).pipe(Effect.provide(simulated({ jobMillis: 20 }))))

  it.live.each(answered)(
    "interrupted once %i requests were answered: nothing is left",
    (count) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Gridscale.provision(web))
        yield* requestCount.pipe(Effect.repeat({ until: (n) => n >= count, schedule: Schedule.spaced("1 millis") }))
        const exit = yield* Fiber.interrupt(fiber)
        expect(Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)).toBe(true)
        expect(yield* ownObjects).toEqual(nothingOwned)
      }).pipe(Effect.provide(simulated({ jobMillis: 20 })))
  )

  it.live("interrupted while the power-on job is pending: powered off and deleted", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Gridscale.provision(web))
      // Wait until the power change has been sent (the only PATCH provision makes).
      yield* GridscaleSimulator.counters.pipe(
        Effect.repeat({ until: (c) => (c.byMethod["PATCH"] ?? 0) > 0, schedule: Schedule.spaced("2 millis") })
      )
      yield* Fiber.interrupt(fiber)
      expect(yield* ownObjects).toEqual(nothingOwned)
      // The server read "off" while its power-on job was pending; it was still sent a power-off.
      expect((yield* GridscaleSimulator.counters).byMethod["PATCH"]).toBeGreaterThanOrEqual(2)
    }).pipe(Effect.provide(simulated({ jobDuration: { default: 10, byPath: [{ path: /\/power$/, millis: 300 }] } }))))

  it.live("a create that does not finish within the per-attempt timeout is not waited for longer", () =>
    Effect.gen(function*() {
      // The storage's reply takes 5 s; an attempt may take 300 ms.
      yield* GridscaleSimulator.injectFault({
        method: "POST",
        path: "/objects/storages",
        kind: "SlowReply",
        delayMillis: 5000
      })
      const fiber = yield* Effect.fork(Gridscale.provision(web))
      yield* Effect.sleep(50)
      const [took] = yield* Effect.timed(Fiber.interrupt(fiber))
      expect(Duration.toMillis(took)).toBeLessThan(2000)
      // What provision knows it made is gone; the storage's create has an unknown outcome.
      const owned = yield* ownObjects
      expect(owned.servers).toEqual([])
      expect(owned.ips).toEqual([])
    }).pipe(Effect.provide(simulated({ jobMillis: 20, config: { timeout: "300 millis" } }))))

  it.live("a create already sent is let finish, then deleted", () =>
    Effect.gen(function*() {
      // The storage is created at once but its reply takes 300 ms to come back.
      yield* GridscaleSimulator.injectFault({
        method: "POST",
        path: "/objects/storages",
        kind: "SlowReply",
        delayMillis: 300
      })
      const fiber = yield* Effect.fork(Gridscale.provision(web))
      yield* Effect.sleep(50)
      yield* Fiber.interrupt(fiber)
      const counters = yield* GridscaleSimulator.counters
      expect(counters.created["storages"]?.["web-1"]).toBe(1)
      expect(yield* ownObjects).toEqual(nothingOwned)
    }).pipe(Effect.provide(simulated({ jobMillis: 20 }))))
})
