/**
 * Generated commands against the simulator: verbs that call the driver's shared methods (a
 * family without hand-written verbs, links to a server) and a family's own operations.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { exitCodes } from "../src/exitCodes.js"
import { gridscale, json, simulatorLayer } from "./support.js"

describe("generated commands", () => {
  it.effect("load-balancers: create from flags and --data, list, get, update, delete", () =>
    Effect.gen(function*() {
      const ip4 = yield* json(["ips", "create", "--family", "4"])
      const ip6 = yield* json(["ips", "create", "--family", "6"])
      // As docs/cli.md shows it.
      const created = yield* json([
        "load-balancers",
        "create",
        "--name",
        "lb-1",
        "--algorithm",
        "leastconn",
        "--listen-ipv4-uuid",
        ip4.object_uuid,
        "--listen-ipv6-uuid",
        ip6.object_uuid,
        "--redirect-http-to-https",
        "false",
        "--data",
        "{\"forwarding_rules\": [], \"backend_servers\": [], \"labels\": []}"
      ])
      expect(created).toMatchObject({ name: "lb-1", algorithm: "leastconn", redirect_http_to_https: false })
      expect(yield* gridscale(["load-balancers", "list", "-q"])).toEqual({
        code: 0,
        stdout: `${created.object_uuid}\n`,
        stderr: ""
      })
      const renamed = yield* json(["load-balancers", "update", created.object_uuid, "--name", "lb-2"])
      expect(renamed).toMatchObject({ object_uuid: created.object_uuid, name: "lb-2" })
      const shown = yield* gridscale(["load-balancers", "get", created.object_uuid])
      expect(shown.stdout).toMatch(/^name +lb-2$/m)
      expect((yield* gridscale(["load-balancers", "delete", created.object_uuid])).code).toBe(0)
      expect((yield* gridscale(["load-balancers", "get", created.object_uuid])).code).toBe(exitCodes.ResourceNotFound)
      const bad = yield* gridscale(["load-balancers", "create", "--name", "x", "--data", "[1]"])
      expect(bad.code).toBe(exitCodes.Usage)
      expect(bad.stderr).toContain("--data: not a JSON object")
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("server-storages: attach, list, detach", () =>
    Effect.gen(function*() {
      const server = yield* json(["servers", "create", "--name", "host"])
      const storage = yield* json(["storages", "create", "--name", "disk", "--capacity", "10"])
      const attached = yield* gridscale([
        "server-storages",
        "attach",
        server.object_uuid,
        storage.object_uuid,
        "--bootdevice",
        "true"
      ])
      expect(attached).toEqual({
        code: 0,
        stdout: `attached storage ${storage.object_uuid} to server ${server.object_uuid}\n`,
        stderr: ""
      })
      const links = yield* json(["server-storages", "list", server.object_uuid])
      expect(links.map((l: any) => l.object_uuid)).toEqual([storage.object_uuid])
      expect((yield* json(["servers", "get", server.object_uuid])).relations.storages).toHaveLength(1)
      expect((yield* gridscale(["server-storages", "detach", server.object_uuid, storage.object_uuid])).code).toBe(0)
      expect(yield* json(["server-storages", "list", server.object_uuid])).toEqual([])
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("a family's own verbs: servers power and shutdown, storages clone", () =>
    Effect.gen(function*() {
      const server = yield* json(["servers", "create", "--name", "off"])
      expect(yield* json(["servers", "power", server.object_uuid])).toMatchObject({ power: false })
      yield* json(["servers", "start", server.object_uuid])
      expect(yield* json(["servers", "shutdown", server.object_uuid])).toMatchObject({ power: false })
      const storage = yield* json(["storages", "create", "--name", "orig", "--capacity", "10"])
      const cloned = yield* json(["storages", "clone", storage.object_uuid])
      expect(cloned.object_uuid).not.toBe(storage.object_uuid)
      expect((yield* json(["storages", "list"])).map((s: any) => s.object_uuid).sort()).toEqual(
        [storage.object_uuid, cloned.object_uuid].sort()
      )
    }).pipe(Effect.provide(simulatorLayer)))
})
