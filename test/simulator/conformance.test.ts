/**
 * Walks all 148 operations of the spec against the simulator, from the data in the repo
 * (`src/generated/operations.ts`, `src/generated/definitions.ts`, the spec's examples in
 * `test/fixtures/examples`):
 * - the spec's example body (or, where the spec has none, one built from the definition), with
 *   its ids replaced by real ones, succeeds with a status the spec documents;
 * - the body without each of its required fields, and with each field of a wrong type, is 400;
 * - every 2xx body validates against the operation's reply definition (nulls allowed).
 *
 * It talks to the simulator's core directly (no HTTP client), so the whole walk takes well
 * under a second: each operation gets a world of its own, built by the same API calls a
 * client would make.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import type { Node } from "../../src/generated/definitions.js"
import type { Operation } from "../../src/generated/operations.js"
import { operations } from "../../src/generated/operations.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import { Simulator } from "../../src/internal/simulator/core.js"
import { check, definition, resolve } from "../../src/internal/simulator/validate.js"

const headers = {
  "x-auth-userid": "conformance-user",
  "x-auth-token": "conformance-token",
  "content-type": "application/json"
}

interface Reply {
  readonly status: number
  readonly json: any
}

/** One simulator and a clock that moves a millisecond per request (jobs take no time). */
const makeApi = () => {
  const simulator = new Simulator({ seed: 7, rateLimit: false, jobDuration: 0 })
  let now = Date.parse("2026-01-01T00:00:00Z")
  return (method: string, path: string, body?: unknown): Reply => {
    now += 1
    const { reply } = simulator.handle(
      { method, path, headers, bodyText: body === undefined ? "" : JSON.stringify(body) },
      now
    )
    return { status: reply.status, json: reply.bodyText.length > 0 ? JSON.parse(reply.bodyText) : undefined }
  }
}

type Api = ReturnType<typeof makeApi>

const must = (reply: Reply, status: number, what: string): any => {
  if (reply.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.json)}`)
  }
  return reply.json
}

const created = (api: Api, path: string, body?: unknown): string =>
  must(api("POST", path, body), 202, `POST ${path}`).object_uuid

/** The objects an operation needs, made through the API. */
const makeWorld = (api: Api) => {
  const sshkey = created(api, "/objects/sshkeys", { name: "key", sshkey: "ssh-ed25519 AAAA conformance@example" })
  const serverReply = must(
    api("POST", "/objects/servers", {
      name: "web",
      cores: 1,
      memory: 2,
      labels: ["conformance"]
    }),
    202,
    "server"
  )
  const server = serverReply.object_uuid as string
  const bareServer = created(api, "/objects/servers", { name: "bare", cores: 1, memory: 1 })
  const template = GridscaleSimulator.templateIds[0]!
  const storage = created(api, "/objects/storages", {
    name: "disk",
    capacity: 10,
    template: { template_uuid: template, sshkeys: [sshkey] }
  })
  const spareStorage = created(api, "/objects/storages", { name: "spare", capacity: 10 })
  const ipv4 = created(api, "/objects/ips", { family: 4 })
  const ipv6 = created(api, "/objects/ips", { family: 6 })
  const spareIp = created(api, "/objects/ips", { family: 4 })
  const network = created(api, "/objects/networks", { name: "net" })
  const spareNetwork = created(api, "/objects/networks", { name: "spare-net" })
  const isoimage = created(api, "/objects/isoimages", { name: "iso", source_url: "https://example.org/a.iso" })
  const spareIso = created(api, "/objects/isoimages", { name: "spare-iso", source_url: "https://example.org/b.iso" })
  for (const [kind, id] of [["storages", storage], ["ips", ipv4], ["networks", network], ["isoimages", isoimage]]) {
    created(api, `/objects/servers/${server}/${kind}`, { object_uuid: id })
  }
  const snapshot = created(api, `/objects/storages/${storage}/snapshots`, { name: "snap" })
  const snapshotSchedule = created(api, `/objects/storages/${storage}/snapshot_schedules`, {
    name: "nightly",
    run_interval: 1440,
    keep_snapshots: 3
  })
  const backupSchedule = created(api, `/objects/storages/${storage}/backup_schedules`, {
    name: "weekly",
    run_interval: 10080,
    keep_backups: 2,
    next_runtime: "2026-01-02T00:00:00Z",
    active: true
  })
  const backups = must(api("GET", `/objects/storages/${storage}/backups`), 200, "backups").backups
  const backup = Object.keys(backups)[0]!
  const privateTemplate = created(api, "/objects/templates", { name: "mine", snapshot_uuid: snapshot })
  const location = created(api, "/objects/locations", {
    name: "own",
    parent_location_uuid: GridscaleSimulator.locationId,
    cpunode_count: 2,
    product_no: 1500001
  })
  const firewall = created(api, "/objects/firewalls", { name: "fw", rules: {} })
  const loadbalancer = created(api, "/objects/loadbalancers", {
    name: "lb",
    forwarding_rules: [],
    backend_servers: [],
    listen_ipv4_uuid: ipv4,
    listen_ipv6_uuid: ipv6,
    redirect_http_to_https: false,
    labels: [],
    algorithm: "leastconn"
  })
  const paasTemplate = Object.keys(
    must(api("GET", "/objects/paas/service_templates"), 200, "paas templates").paas_service_templates
  )[0]!
  const zone = created(api, "/objects/paas/security_zones", { name: "zone" })
  const service = created(api, "/objects/paas/services", { name: "db", paas_service_template_uuid: paasTemplate })
  const accessKey = must(api("POST", "/objects/objectstorages/access_keys"), 202, "access key").access_key.access_key
  const application = created(api, "/objects/marketplace/applications", {
    name: "app",
    object_storage_path: "s3://bucket/app.gz",
    setup: { cores: 1, memory: 1, capacity: 10 }
  })
  return {
    sshkey,
    server,
    bareServer,
    template,
    storage,
    spareStorage,
    ipv4,
    ipv6,
    spareIp,
    network,
    spareNetwork,
    isoimage,
    spareIso,
    snapshot,
    snapshotSchedule,
    backupSchedule,
    backup,
    privateTemplate,
    location,
    firewall,
    loadbalancer,
    paasTemplate,
    zone,
    service,
    accessKey,
    application,
    request: serverReply.request_uuid as string
  }
}

type World = ReturnType<typeof makeWorld>

/** The id each path parameter takes; the object must be one the operation can act on. */
const pathValue = (operation: Operation, param: string, world: World): string => {
  const id = operation.operationId
  const underServer = operation.path.startsWith("/objects/servers/{server_uuid}/")
  switch (param) {
    case "server_uuid":
      // Attaching needs a server with room (one ISO image per server).
      return id.startsWith("link") ? world.bareServer : world.server
    case "storage_uuid":
      return underServer ? world.storage : id === "deleteStorage" ? world.spareStorage : world.storage
    case "ip_uuid":
      return world.ipv4
    case "network_uuid":
      return world.network
    case "isoimage_uuid":
    case "iso_image_uuid":
      return world.isoimage
    case "ssh_key_uuid":
      return world.sshkey
    case "snapshot_uuid":
      return world.snapshot
    case "snapshot_schedule_uuid":
      return world.snapshotSchedule
    case "schedule_uuid":
      return world.backupSchedule
    case "backup_uuid":
      return world.backup
    case "template_uuid":
      return world.privateTemplate
    case "location_uuid":
      // The seeded location holds the objects; only an own location can be changed or deleted.
      return id === "updateLocation" || id === "deleteLocation" ? world.location : GridscaleSimulator.locationId
    case "firewall_uuid":
      return world.firewall
    case "loadbalancer_uuid":
      return world.loadbalancer
    case "paas_service_uuid":
      return world.service
    case "paas_security_zone_uuid":
      return world.zone
    case "accesskey":
      return world.accessKey
    case "application_uuid":
      return world.application
    case "request_uuid":
      return world.request
    case "label":
      return "conformance"
  }
  throw new Error(`No value for the path parameter ${param} of ${id}`)
}

const pathOf = (operation: Operation, world: World): string =>
  operation.pathParams.reduce(
    (path, param) => path.replace(`{${param}}`, encodeURIComponent(pathValue(operation, param, world))),
    operation.path
  )

/** A value of a schema built from the definition alone: the first enum value, the least number. */
const sample = (node: Node, depth = 0): unknown => {
  const schema = resolve(node)
  const member = (schema.oneOf ?? schema.anyOf)?.[0]
  if (member !== undefined) return sample(member, depth)
  if (schema.enum !== undefined) return schema.enum[0]
  switch (schema.type) {
    case "string":
      return schema.format === "date-time" ? "2026-02-01T00:00:00Z" : "sample"
    case "integer":
    case "number":
      return schema.minimum ?? (schema.maximum !== undefined ? Math.min(1, schema.maximum) : 1)
    case "boolean":
      return true
    case "array":
      return schema.items === undefined || depth > 4 ? [] : [sample(schema.items, depth + 1)]
    default: {
      const out: Record<string, unknown> = {}
      if (depth > 4) return out
      for (const [key, property] of Object.entries(schema.properties ?? {})) out[key] = sample(property, depth + 1)
      return out
    }
  }
}

const exampleOf = (name: string): unknown => {
  const file = new URL(`../fixtures/examples/${name}.json`, import.meta.url)
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : sample(definition(name))
}

/** What a body field naming an object becomes: a real object the operation can use. */
const idFor = (operation: Operation, key: string, world: World): unknown => {
  switch (key) {
    case "object_uuid": {
      const linked = operation.path.split("/")[4]
      return linked === "storages"
        ? world.spareStorage
        : linked === "ips"
        ? world.spareIp
        : linked === "networks"
        ? world.spareNetwork
        : world.spareIso
    }
    case "template_uuid":
      return world.template
    case "snapshot_uuid":
      return world.snapshot
    case "location_uuid":
    case "parent_location_uuid":
      return GridscaleSimulator.locationId
    case "paas_service_template_uuid":
      return world.paasTemplate
    case "paas_security_zone_uuid":
      return world.zone
    case "listen_ipv4_uuid":
      return world.ipv4
    case "listen_ipv6_uuid":
      return world.ipv6
    case "backup_uuid":
      return world.backup
    case "sshkeys":
      return [world.sshkey]
  }
  return undefined
}

/** The example with every id replaced by a real one (ids the simulator cannot know are dropped). */
const withIds = (operation: Operation, value: unknown, world: World): unknown => {
  if (Array.isArray(value)) return value.map((item) => withIds(operation, item, world))
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    const real = idFor(operation, key, world)
    if (real !== undefined) out[key] = real
    else if (key === "firewall_template_uuid") continue
    else out[key] = withIds(operation, field, world)
  }
  return out
}

/** The request body for an operation: its example, made real; a storage from a template gets keys. */
const bodyOf = (operation: Operation, world: World): Record<string, unknown> | undefined => {
  if (operation.body === undefined) return undefined
  const body = withIds(operation, exampleOf(operation.body.definition), world) as Record<string, unknown>
  if (operation.operationId === "StorageRollback" || operation.operationId === "rollbackStorageBackup") {
    body.rollback = true
  }
  return body
}

/** A value of the wrong type for a schema, chosen by type alone; `undefined` when any value fits. */
const wrongValue = (node: Node): unknown => {
  const schema = resolve(node)
  const types = (schema.oneOf ?? schema.anyOf)?.map((m) => resolve(m).type) ?? [schema.type]
  if (types.some((t) => t === undefined) && schema.enum === undefined) return undefined
  if (!types.includes("string")) return "not-a-number-or-object"
  if (!types.includes("integer") && !types.includes("number")) return 12345
  if (!types.includes("object")) return true
  return undefined
}

const documented = (operation: Operation, status: number) =>
  status >= 200 && status < 300 && operation.statuses.includes(status)

describe("conformance: every operation of the spec", () => {
  it("the simulator serves all 148 operations", () => {
    expect(operations).toHaveLength(148)
  })

  for (const operation of operations) {
    it(`${operation.method} ${operation.path} (${operation.operationId})`, () => {
      const api = makeApi()
      const world = makeWorld(api)
      const path = pathOf(operation, world)
      const body = bodyOf(operation, world)

      if (body !== undefined) {
        const required = resolve(definition(operation.body!.definition)).required ?? []
        for (const key of required) {
          const without = { ...body }
          delete without[key]
          const reply = api(operation.method, path, without)
          expect(reply.status, `without '${key}': ${JSON.stringify(reply.json)}`).toBe(400)
        }
        const properties = resolve(definition(operation.body!.definition)).properties ?? {}
        for (const [key, node] of Object.entries(properties)) {
          const wrong = wrongValue(node)
          if (wrong === undefined) continue
          const reply = api(operation.method, path, { ...body, [key]: wrong })
          expect(reply.status, `'${key}': ${JSON.stringify(wrong)}: ${JSON.stringify(reply.json)}`).toBe(400)
        }
        if (operation.body!.required) {
          expect(api(operation.method, path).status, "without a body").toBe(400)
        }
      }

      const reply = api(operation.method, path, body)
      expect(documented(operation, reply.status), `${reply.status} ${JSON.stringify(reply.json)}`).toBe(true)
      if (reply.status === 204) expect(reply.json).toBeUndefined()
      if (operation.response !== undefined) {
        expect(check(reply.json, definition(operation.response), "reply"), JSON.stringify(reply.json)).toBeUndefined()
      }
    })
  }
})
