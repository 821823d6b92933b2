/**
 * The payload of figure 1: the reply to `GET /objects/servers` with 1 or N servers, each the
 * recorded real server object (full relations), or, where no recording is beside the project, a
 * full-size object of the same shape that this module builds.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"

/** Where the server object came from, as the bench prints it. */
export interface ServerSource {
  readonly source: string
  readonly server: Record<string, unknown>
}

/** Every file named `name` under `dir` (the project's copies of the recordings), depth first. */
const copies = (dir: string, name: string): Array<string> => {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? copies(join(dir, entry.name), name)
      : entry.name === name
      ? [join(dir, entry.name)]
      : []
  )
}

/**
 * The first server of a recorded `list_nodes.json`, if one can be read: Libcloud's recording
 * beside the project (`../shared/reference/libcloud-fixtures`), else the project's copy of it
 * under `test/fixtures`.
 */
const recorded = (root: string, file = "list_nodes.json", key = "servers"): ServerSource | undefined => {
  const candidates = [
    join(root, `../shared/reference/libcloud-fixtures/${file}`),
    ...copies(join(root, "test/fixtures"), file)
  ]
  for (const path of candidates) {
    if (!existsSync(path)) continue
    try {
      const body = JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, Record<string, unknown>>>
      const first = Object.values(body[key] ?? {})[0]
      if (first !== undefined) return { source: `recorded (${relative(root, path)})`, server: first }
    } catch {
      // Not a readable recording: try the next place.
    }
  }
  return undefined
}

const hex = (length: number, seed: number) => {
  let out = ""
  let x = seed * 2654435761 >>> 0
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0
    out += (x >>> 8).toString(16).padStart(6, "0")
  }
  return out.slice(0, length)
}

const uuid = (seed: number) => {
  const h = hex(32, seed)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/**
 * A server object of the recorded one's shape and size: one boot storage, the public network
 * with its security settings, an IPv4 and an IPv6 address, usage counters and timestamps.
 */
export const builtServer = (): Record<string, unknown> => {
  const id = uuid(1)
  const network = uuid(2)
  const v4 = "192.0.2.17"
  return {
    hardware_profile: "default",
    relations: {
      storages: [{
        storage_type: "storage",
        last_used_template: uuid(3),
        create_time: "2024-03-11T09:14:05Z",
        capacity: 40,
        lun: 0,
        controller: 0,
        target: 0,
        object_uuid: uuid(4),
        bootdevice: true,
        object_name: "system disk",
        license_product_no: null,
        bus: 0
      }],
      networks: [{
        mac: "16:63:95:0a:4c:02",
        network_uuid: network,
        network_type: "network",
        mcast: null,
        create_time: "2024-03-11T09:13:40Z",
        public_net: true,
        partner_uuid: uuid(5),
        ordering: 0,
        vlan: null,
        firewall: null,
        l2security: true,
        firewall_template_uuid: null,
        vxlan: null,
        object_uuid: network,
        bootdevice: false,
        object_name: "Public Network",
        l3security: [`${v4}/32`]
      }],
      isoimages: [],
      public_ips: [
        { object_uuid: uuid(6), ip: v4, family: 4, create_time: "2024-03-11T09:12:58Z", prefix: `${v4}/32` },
        {
          object_uuid: uuid(7),
          ip: "2001:db8:0:1::2c",
          family: 6,
          create_time: "2024-03-11T09:13:40Z",
          prefix: "2001:db8:0:1::2c/128"
        }
      ]
    },
    memory: 8,
    location_iata: "fra",
    location_uuid: uuid(8),
    change_time: "2024-04-02T16:41:19Z",
    object_uuid: id,
    labels: [],
    usage_in_minutes_cores: 31457,
    cores: 4,
    console_token: hex(96, 9),
    availability_zone: null,
    location_name: "de/fra",
    create_time: "2024-03-11T09:12:31Z",
    location_country: "de",
    legacy: false,
    current_price: 21.33817,
    power: true,
    status: "active",
    auto_recovery: true,
    name: "web-01.example",
    usage_in_minutes_memory: 62914
  }
}

/**
 * The recorded server when there is one (paths relative to the project's `root`), else the built
 * one; `BENCH_PAYLOAD=built` forces the latter.
 */
export const serverSource = (root: string): ServerSource =>
  (process.env.BENCH_PAYLOAD === "built" ? undefined : recorded(root)) ??
    { source: "built (no recording found; an object of the recorded one's shape)", server: builtServer() }

/**
 * The list reply with `count` copies of `server`, each under an id of its own (the copies differ
 * in `object_uuid` and `name` only, so every field is decoded as often as in a real list).
 */
export const listBody = (server: Record<string, unknown>, count: number): string => {
  const servers: Record<string, unknown> = {}
  for (let i = 0; i < count; i++) {
    const id = i === 0 ? String(server.object_uuid) : uuid(1000 + i)
    servers[id] = { ...server, object_uuid: id, name: i === 0 ? server.name : `${String(server.name)}-${i}` }
  }
  return JSON.stringify({ servers })
}

/** A storage object of the recorded one's shape (`list_volumes.json`): linked to one server. */
export const builtStorage = (): Record<string, unknown> => ({
  snapshots: [],
  capacity: 40,
  relations: {
    snapshot_schedules: [],
    servers: [{
      create_time: "2024-03-11T09:14:05Z",
      bootdevice: true,
      lun: 0,
      bus: 0,
      object_name: "web-01.example",
      target: 0,
      object_uuid: uuid(1),
      controller: 0
    }]
  },
  storage_type: "storage",
  last_used_template: uuid(3),
  object_uuid: uuid(4),
  license_product_no: null,
  location_country: "de",
  current_price: 2.48113,
  create_time: "2024-03-11T09:14:05Z",
  change_time: "2024-03-11T09:14:05Z",
  location_uuid: uuid(8),
  labels: [],
  name: "system disk",
  usage_in_minutes: 31457,
  location_name: "de/fra",
  location_iata: "fra",
  status: "active",
  parent_uuid: null
})

/** The recorded storage object when there is one, else the built one (as `serverSource`). */
export const storageSource = (root: string): ServerSource =>
  (process.env.BENCH_PAYLOAD === "built" ? undefined : recorded(root, "list_volumes.json", "storages")) ??
    { source: "built (no recording found; an object of the recorded one's shape)", server: builtStorage() }
