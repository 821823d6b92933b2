import { describe, expect, it } from "@effect/vitest"
import * as GridscaleSimulator from "effect-gridscale/GridscaleSimulator"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { exitCodes } from "../src/exitCodes.js"
import { gridscale, json, simulatorLayer } from "./support.js"

const ansi = "\u001b["

const servers = Effect.map(GridscaleSimulator.snapshot, (s) => Object.values(s.servers ?? {}) as Array<any>)

describe("gridscale", () => {
  it.effect("servers list --json prints what the simulator holds", () =>
    Effect.gen(function*() {
      expect(yield* json(["servers", "list"])).toEqual([])
      const created = yield* json(["servers", "create", "--name", "web-1", "--cores", "2", "--memory", "4"])
      const listed = yield* json(["servers", "list"])
      expect(listed.map((s: any) => s.object_uuid)).toEqual((yield* servers).map((s) => s.object_uuid))
      expect(listed).toHaveLength(1)
      expect(listed[0]).toMatchObject({ object_uuid: created.object_uuid, name: "web-1", cores: 2, memory: 4 })
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("servers list prints a table for people, and for scripts -q and --no-header", () =>
    Effect.gen(function*() {
      const created = yield* json(["servers", "create", "--name", "db-1"])
      const table = yield* gridscale(["servers", "list"])
      expect(table.code).toBe(0)
      const [header, row] = table.stdout.trimEnd().split("\n")
      expect(header).toMatch(/^ID\s+NAME\s+CORES\s+MEMORY \(GB\)\s+POWER\s+STATUS\s+LOCATION$/)
      expect(row).toContain("db-1")

      expect(yield* gridscale(["servers", "list", "-q"])).toEqual({
        code: 0,
        stdout: `${created.object_uuid}\n`,
        stderr: ""
      })
      expect((yield* gridscale(["servers", "list", "--quiet"])).stdout).toBe(`${created.object_uuid}\n`)
      const noHeader = yield* gridscale(["servers", "list", "--no-header"])
      expect(noHeader.stdout).toMatch(new RegExp(`^${created.object_uuid} +db-1 +1 +2 +off +active +\\S+\n$`))
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("an empty list prints nothing on stdout; the note goes to a terminal's stderr only", () =>
    Effect.gen(function*() {
      expect(yield* gridscale(["ssh-keys", "list"])).toEqual({ code: 0, stdout: "", stderr: "" })
      expect(yield* gridscale(["ssh-keys", "list"], { stdoutIsTTY: true, stderrIsTTY: true })).toEqual({
        code: 0,
        stdout: "",
        stderr: "no SSH keys\n"
      })
      expect(yield* gridscale(["ssh-keys", "list", "-q"])).toEqual({ code: 0, stdout: "", stderr: "" })
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("get prints nested values (relations) as indented lines, not one long JSON line", () =>
    Effect.gen(function*() {
      const [template] = yield* json(["templates", "list"])
      const [location] = yield* json(["locations", "list"])
      const server = yield* json([
        "servers",
        "provision",
        "--name",
        "ready",
        "--template",
        template.object_uuid,
        "--location",
        location.object_uuid,
        "--password",
        "s3cret-pw"
      ])
      const shown = yield* gridscale(["servers", "get", server.object_uuid])
      expect(shown.code).toBe(0)
      const lines = shown.stdout.split("\n")
      expect(lines.some((l) => l.includes("{") || l.includes("[{"))).toBe(false)
      expect(lines).toContain("relations")
      expect(lines).toContain("  storages")
      const storageId = server.relations.storages[0].object_uuid
      // Each storage is a block of its own fields under "- ", its id among them.
      expect(lines.some((l) => /^ {4}(- | {2})object_uuid +\S+$/.test(l) && l.endsWith(storageId))).toBe(true)
      expect(lines.some((l) => /^ {4}- \w+ +\S/.test(l))).toBe(true)
      expect(shown.stdout).not.toContain("s3cret-pw")
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("creates a storage from a template and waits for its job", () =>
    Effect.gen(function*() {
      const templates = yield* json(["templates", "list"])
      const key = yield* json([
        "ssh-keys",
        "create",
        "--name",
        "me",
        "--key",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host"
      ])
      const storage = yield* json([
        "storages",
        "create",
        "--name",
        "disk-1",
        "--capacity",
        "20",
        "--template",
        templates[0].object_uuid,
        "--ssh-key",
        key.object_uuid
      ])
      expect(storage).toMatchObject({ name: "disk-1", capacity: 20, status: "active" })
      const counters = yield* GridscaleSimulator.counters
      expect(counters.created.storages).toEqual({ "disk-1": 1 })
      expect(Object.keys((yield* GridscaleSimulator.snapshot).storages ?? {})).toEqual([storage.object_uuid])
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("--no-wait returns the accepted write, and jobs wait awaits it", () =>
    Effect.gen(function*() {
      const accepted = yield* json(["networks", "create", "--name", "net-1", "--no-wait"])
      expect(Object.keys(accepted).sort()).toEqual(["object_uuid", "request_uuid"])
      const done = yield* json(["jobs", "wait", accepted.request_uuid])
      expect(done).toMatchObject({ request_uuid: accepted.request_uuid, status: "done" })
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("deletes, starts, stops, renames and grows", () =>
    Effect.gen(function*() {
      const server = yield* json(["servers", "create", "--name", "power"])
      expect(yield* json(["servers", "start", server.object_uuid])).toMatchObject({ power: true })
      expect(yield* json(["servers", "stop", server.object_uuid])).toMatchObject({ power: false })
      const renamed = yield* json(["servers", "update", server.object_uuid, "--name", "new-name"])
      expect(renamed).toMatchObject({ object_uuid: server.object_uuid, name: "new-name" })
      const storage = yield* json(["storages", "create", "--name", "grow", "--capacity", "10"])
      expect((yield* json(["storages", "update", storage.object_uuid, "--capacity", "20"])).capacity).toBe(20)
      expect((yield* gridscale(["networks", "update", server.object_uuid])).code).toBe(exitCodes.InvalidInput)
      const deleted = yield* gridscale(["servers", "delete", server.object_uuid])
      expect(deleted).toEqual({ code: 0, stdout: `deleted server ${server.object_uuid}\n`, stderr: "" })
      expect(yield* servers).toEqual([])
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("exits with the code of the error's tag, each message said once", () =>
    Effect.gen(function*() {
      const missing = yield* gridscale(["servers", "get", "no-such-server"])
      expect(missing.code).toBe(exitCodes.ResourceNotFound)
      expect(missing.stderr).toMatch(/^ResourceNotFound: GET \/objects\/servers\/no-such-server answered 404 Not Found/)
      expect(missing.stderr).not.toMatch(/Not Found Not Found/)

      const missingJson = yield* gridscale(["storages", "get", "no-such-storage", "--json"])
      expect(missingJson.code).toBe(12)
      const error = JSON.parse(missingJson.stderr).error
      expect(error).toMatchObject({
        _tag: "ResourceNotFound",
        status: 404,
        method: "GET",
        path: "/objects/storages/no-such-storage"
      })
      expect(error.message).not.toMatch(/Not Found Not Found/)

      const refused = yield* gridscale(["servers", "list"], { env: { GRIDSCALE_TOKEN: "wrong-token" } })
      expect(refused.code).toBe(exitCodes.InvalidCredentials)

      const invalid = yield* gridscale(["servers", "create", "--name", "x", "--cores", "0"])
      expect(invalid.code).toBe(exitCodes.InvalidInput)
      expect(invalid.stderr).toContain("cores")

      yield* GridscaleSimulator.failNextJob({ method: "POST" })
      const failed = yield* gridscale(["ips", "create"])
      expect(failed.code).toBe(exitCodes.JobFailed)
      const [ip] = Object.keys((yield* GridscaleSimulator.snapshot).ips ?? {})
      expect(failed.stderr).toMatch(new RegExp(`^JobFailed: .*IP address ${ip} was made`))
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("a refused connection names the API's host", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "ConnectionRefused" })
      const result = yield* gridscale(["locations", "list"], { env: { GRIDSCALE_URL: "https://api.example.test" } })
      expect(result.code).toBe(exitCodes.TransportError)
      expect(result.stderr).toMatch(/^TransportError: .*api\.example\.test/)
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("configuration errors name GRIDSCALE_* and the CLI's own flags", () =>
    Effect.gen(function*() {
      const unset = yield* gridscale(["servers", "list"], { env: { GRIDSCALE_UUID: undefined } })
      expect(unset.code).toBe(exitCodes.Configuration)
      expect(unset.stderr).toContain("GRIDSCALE_UUID")

      const emptyToken = yield* gridscale(["servers", "list"], { env: { GRIDSCALE_TOKEN: "" } })
      expect(emptyToken.code).toBe(exitCodes.Configuration)
      expect(emptyToken.stderr).toMatch(/^Configuration: GRIDSCALE_TOKEN: /)

      const badUrl = yield* gridscale(["servers", "list"], { env: { GRIDSCALE_URL: "not a url" } })
      expect(badUrl.stderr).toMatch(/^Configuration: GRIDSCALE_URL: /)
      expect(badUrl.stderr).not.toContain("apiUrl")
      const flagUrl = yield* gridscale(["servers", "list", "--api-url", "not a url"])
      expect(flagUrl.stderr).toMatch(/^Configuration: --api-url: /)

      const plain = yield* gridscale(["servers", "list"], { env: { GRIDSCALE_URL: "http://api.example.test" } })
      expect(plain.code).toBe(exitCodes.Configuration)
      expect(plain.stderr).toContain("--allow-insecure-http")
      expect(plain.stderr).not.toContain("allowInsecureHttp")
      // The flag the message offers exists and does what it says.
      const allowed = yield* gridscale(["locations", "list", "-q", "--allow-insecure-http"], {
        env: { GRIDSCALE_URL: "http://api.example.test" }
      })
      expect(allowed).toEqual({ code: 0, stdout: `${GridscaleSimulator.locationId}\n`, stderr: "" })
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("a bad command line exits 2 and says what is wrong, with the help where it helps", () =>
    Effect.gen(function*() {
      const unknownVerb = yield* gridscale(["servers", "frobnicate"])
      expect(unknownVerb.code).toBe(exitCodes.Usage)
      expect(unknownVerb.stdout).toBe("")
      expect(unknownVerb.stderr).toMatch(/^gridscale servers: unknown verb 'frobnicate'\n/)
      expect(unknownVerb.stderr).toContain("gridscale servers <verb>")
      expect(unknownVerb.stderr).toMatch(/^ {2}list +List the servers/m)

      const unknownCommand = yield* gridscale(["frobnicate"])
      expect(unknownCommand.code).toBe(exitCodes.Usage)
      expect(unknownCommand.stderr).toMatch(/^gridscale: unknown command 'frobnicate'\n/)
      expect(unknownCommand.stderr).toMatch(/^ {2}servers +/m)

      const typo = yield* gridscale(["sshkey", "list"])
      expect(typo.code).toBe(exitCodes.Usage)
      expect(typo.stderr).toMatch(/^gridscale: unknown command 'sshkey' \(did you mean 'ssh-keys'\?\)\n/)
      expect((yield* gridscale(["servers", "lsit"])).stderr).toMatch(/unknown verb 'lsit' \(did you mean 'list'\?\)/)

      const notAnInteger = yield* gridscale(["servers", "create", "--name", "x", "--cores", "two"])
      expect(notAnInteger.code).toBe(exitCodes.Usage)
      expect(notAnInteger.stderr).toContain("'two' is not an integer")
      expect(notAnInteger.stderr).not.toContain("not a integer")
      expect(notAnInteger.stderr).toContain("gridscale servers create --help")
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("--help works at every level, names the full command, and has no escapes unless on a terminal", () =>
    Effect.gen(function*() {
      for (const args of [["--help"], ["servers", "--help"], ["servers", "create", "--help"]]) {
        const result = yield* gridscale(args)
        expect(result.code).toBe(0)
        expect(result.stdout).toContain("USAGE")
        expect(result.stdout).not.toContain(ansi)
      }
      const family = yield* gridscale(["servers", "--help"])
      expect(family.stdout).toContain("gridscale servers <verb>")
      expect(family.stdout).not.toMatch(/\$ servers/)

      const create = yield* gridscale(["servers", "create", "--help"])
      expect(create.stdout).toMatch(/\$ gridscale servers create /)
      // Repeated flags that may be left out read as optional.
      expect(create.stdout).toContain("[--label LABEL...]")
      expect(create.stdout).toContain("Create a server.")
      const provision = yield* gridscale(["servers", "provision", "--help"])
      expect(provision.stdout).toContain("[--ssh-key ID...]")

      expect((yield* gridscale(["ips", "create", "--help"])).stdout).toContain("Create an IP address.")
      expect((yield* gridscale(["iso-images", "delete", "--help"])).stdout).toContain("Delete an ISO image.")
      expect((yield* gridscale(["ssh-keys", "get", "--help"])).stdout).toContain("Show an SSH key.")

      // On a terminal the help may be coloured.
      const onTerminal = yield* gridscale(["servers", "create", "--help"], { stdoutIsTTY: true })
      expect(onTerminal.stdout).toContain(ansi)
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("Ctrl-C while a create waits says it was accepted, and under which id", () =>
    Effect.gen(function*() {
      const result = yield* gridscale(["servers", "create", "--name", "slow"], {
        during: (fiber) =>
          Effect.gen(function*() {
            // Interrupt once the simulator holds the server: the create was answered, its job runs.
            yield* servers.pipe(
              Effect.filterOrFail((held) => held.length === 1),
              Effect.retry(Schedule.recurs(10_000))
            )
            // Past the first poll: the CLI has the create's reply and waits for its job.
            yield* TestClock.adjust("500 millis")
            yield* Fiber.interrupt(fiber)
          }).pipe(Effect.orDie)
      })
      const [held] = yield* servers
      expect(result.code).toBe(exitCodes.Interrupted)
      expect(result.stdout).toBe("")
      expect(result.stderr).toContain("create was accepted")
      expect(result.stderr).toContain(held.object_uuid)
      expect(result.stderr).toMatch(/gridscale jobs wait \S+/)
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("never prints the token", () =>
    Effect.gen(function*() {
      const results = [
        yield* gridscale(["servers", "list", "--json"]),
        yield* gridscale(["servers", "get", "nope"]),
        yield* gridscale(["servers", "list"], { env: { GRIDSCALE_TOKEN: "wrong-token" } }),
        yield* gridscale(["servers", "list", "--token", "flag-token", "--api-url", "nope"])
      ]
      for (const r of results) expect(r.stdout + r.stderr).not.toMatch(/cli-token|wrong-token|flag-token/)
    }).pipe(Effect.provide(simulatorLayer)))
})
