import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import * as GridscaleSimulatorServer from "effect-gridscale/GridscaleSimulatorServer"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { exitCodes } from "../src/exitCodes.js"

const bin = Path.resolve(import.meta.dirname, "../dist/bin.js")

interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

let simulator: GridscaleSimulatorServer.Handle

/** Runs the built `gridscale` against the loopback simulator (asynchronously: the server is in this process). */
const gridscale = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}): Promise<Result> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: {
          PATH: process.env.PATH,
          GRIDSCALE_UUID: "cli-user",
          GRIDSCALE_TOKEN: "cli-token",
          GRIDSCALE_URL: simulator.url,
          ...env
        }
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      }
    )
  })

const json = (result: Result): any => {
  expect(result.stderr).toBe("")
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout)
}

beforeAll(async () => {
  if (!Fs.existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`)
  simulator = await GridscaleSimulatorServer.start({
    jobDuration: 50,
    credentials: { userId: "cli-user", token: "cli-token" }
  })
})

afterAll(() => simulator?.close())

beforeEach(() => simulator.reset())

describe("gridscale", () => {
  it("servers list --json prints what the simulator holds", async () => {
    expect(json(await gridscale(["servers", "list", "--json"]))).toEqual([])
    const created = json(
      await gridscale(["servers", "create", "--name", "web-1", "--cores", "2", "--memory", "4", "--json"])
    )
    const listed = json(await gridscale(["servers", "list", "--json"]))
    const held = Object.values(simulator.snapshot().servers ?? {}) as Array<Record<string, unknown>>
    expect(listed.map((s: any) => s.object_uuid)).toEqual(held.map((s) => s.object_uuid))
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ object_uuid: created.object_uuid, name: "web-1", cores: 2, memory: 4 })
  })

  it("servers list prints a table for people", async () => {
    await gridscale(["servers", "create", "--name", "db-1"])
    const result = await gridscale(["servers", "list"])
    expect(result.code).toBe(0)
    const [header, row] = result.stdout.trim().split("\n")
    expect(header).toMatch(/^ID\s+NAME\s+CORES\s+MEMORY \(GB\)\s+POWER\s+STATUS\s+LOCATION$/)
    expect(row).toContain("db-1")
  })

  it("creates a storage from a template and waits for its job", async () => {
    const templates = json(await gridscale(["templates", "list", "--json"]))
    const storage = json(
      await gridscale([
        "storages",
        "create",
        "--name",
        "disk-1",
        "--capacity",
        "20",
        "--template",
        templates[0].object_uuid,
        "--json"
      ])
    )
    expect(storage).toMatchObject({ name: "disk-1", capacity: 20, status: "active" })
    expect(simulator.counters().created).toBeDefined()
    expect(Object.keys(simulator.snapshot().storages ?? {})).toContain(storage.object_uuid)
  })

  it("--no-wait returns the accepted write, and jobs wait awaits it", async () => {
    const accepted = json(await gridscale(["networks", "create", "--name", "net-1", "--no-wait", "--json"]))
    expect(Object.keys(accepted).sort()).toEqual(["object_uuid", "request_uuid"])
    const done = json(await gridscale(["jobs", "wait", accepted.request_uuid, "--json"]))
    expect(done).toMatchObject({ request_uuid: accepted.request_uuid, status: "done" })
  })

  it("deletes a server", async () => {
    const server = json(await gridscale(["servers", "create", "--name", "gone", "--json"]))
    const deleted = await gridscale(["servers", "delete", server.object_uuid])
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted server ${server.object_uuid}\n` })
    expect(simulator.snapshot().servers?.[server.object_uuid]).toBeUndefined()
  })

  it("starts and stops a server", async () => {
    const server = json(await gridscale(["servers", "create", "--name", "power", "--json"]))
    expect(json(await gridscale(["servers", "start", server.object_uuid, "--json"]))).toMatchObject({ power: true })
    expect(json(await gridscale(["servers", "stop", server.object_uuid, "--json"]))).toMatchObject({ power: false })
  })

  it("renames a server and grows a storage with update", async () => {
    const server = json(await gridscale(["servers", "create", "--name", "old-name", "--json"]))
    const renamed = json(await gridscale(["servers", "update", server.object_uuid, "--name", "new-name", "--json"]))
    expect(renamed).toMatchObject({ object_uuid: server.object_uuid, name: "new-name" })
    const storage = json(await gridscale(["storages", "create", "--name", "grow", "--capacity", "10", "--json"]))
    const grown = json(await gridscale(["storages", "update", storage.object_uuid, "--capacity", "20", "--json"]))
    expect(grown.capacity).toBe(20)
    expect((await gridscale(["networks", "update", server.object_uuid])).code).toBe(exitCodes.InvalidInput)
  })

  it("servers provision makes a ready server", async () => {
    const [template] = json(await gridscale(["templates", "list", "--json"]))
    const [location] = json(await gridscale(["locations", "list", "--json"]))
    const server = json(
      await gridscale([
        "servers",
        "provision",
        "--name",
        "ready",
        "--template",
        template.object_uuid,
        "--location",
        location.object_uuid,
        "--storage-size",
        "15",
        "--json"
      ])
    )
    expect(server).toMatchObject({ name: "ready", power: true })
    expect(server.relations.storages).toHaveLength(1)
    expect(server.relations.public_ips).toHaveLength(1)
    expect(Object.keys(simulator.snapshot().storages ?? {})).toContain(server.relations.storages[0].object_uuid)
  })

  it("exits with the code of the error's tag", async () => {
    const missing = await gridscale(["servers", "get", "no-such-server"])
    expect(missing.code).toBe(exitCodes.ResourceNotFound)
    expect(missing.stderr).toMatch(/^ResourceNotFound: /)

    const missingJson = await gridscale(["storages", "get", "no-such-storage", "--json"])
    expect(missingJson.code).toBe(12)
    expect(JSON.parse(missingJson.stderr).error).toMatchObject({
      _tag: "ResourceNotFound",
      status: 404,
      method: "GET",
      path: "/objects/storages/no-such-storage",
      message: expect.stringContaining("404")
    })

    const refused = await gridscale(["servers", "list"], { GRIDSCALE_TOKEN: "wrong-token" })
    expect(refused.code).toBe(exitCodes.InvalidCredentials)

    const invalid = await gridscale(["servers", "create", "--name", "x", "--cores", "0"])
    expect(invalid.code).toBe(exitCodes.InvalidInput)
    expect(invalid.stderr).toContain("cores")

    const failed = await (async () => {
      simulator.failNextJob({ method: "POST" })
      return gridscale(["ips", "create"])
    })()
    expect(failed.code).toBe(exitCodes.JobFailed)
  })

  it("exits 3 without credentials and 2 on a bad command line", async () => {
    const unset = await gridscale(["servers", "list"], { GRIDSCALE_UUID: undefined })
    expect(unset.code).toBe(exitCodes.Configuration)
    expect(unset.stderr).toContain("GRIDSCALE_UUID")
    expect((await gridscale(["servers", "frobnicate"])).code).toBe(exitCodes.Usage)
    expect((await gridscale(["servers", "create", "--cores", "two"])).code).toBe(exitCodes.Usage)
  })

  it("--help works at every level", async () => {
    for (const args of [["--help"], ["servers", "--help"], ["servers", "create", "--help"]]) {
      const result = await gridscale(args)
      expect(result.code).toBe(0)
      expect(result.stdout).toContain("USAGE")
    }
  })

  it("never prints the token", async () => {
    const results = await Promise.all([
      gridscale(["servers", "list", "--json"]),
      gridscale(["servers", "get", "nope"]),
      gridscale(["servers", "list"], { GRIDSCALE_TOKEN: "wrong-token" })
    ])
    for (const r of results) expect(r.stdout + r.stderr).not.toMatch(/cli-token|wrong-token/)
  })
})
