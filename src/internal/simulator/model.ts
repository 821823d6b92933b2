import * as Catalogue from "./catalogue.js"
import type { Random } from "./prng.js"
import { mac, uuid } from "./prng.js"

export type Family =
  | "servers"
  | "storages"
  | "ips"
  | "networks"
  | "sshkeys"
  | "templates"
  | "locations"
  | "isoimages"
  | "snapshots"

export const families: ReadonlyArray<Family> = [
  "servers",
  "storages",
  "ips",
  "networks",
  "sshkeys",
  "templates",
  "locations",
  "isoimages",
  "snapshots"
]

/** The singular key of a family's single-object replies (`{"server": {...}}`). */
export const singular: Readonly<Record<Family, string>> = {
  servers: "server",
  storages: "storage",
  ips: "ip",
  networks: "network",
  sshkeys: "sshkey",
  templates: "template",
  locations: "location",
  isoimages: "isoimage",
  snapshots: "snapshot"
}

export type LinkKind = "storages" | "ips" | "networks" | "isoimages"

export const linkKinds: ReadonlyArray<LinkKind> = ["storages", "ips", "networks", "isoimages"]

export interface EventRecord {
  readonly requestId: string
  readonly activity: string
  readonly requestType: string
  readonly change: string
  readonly time: number
}

export interface Entity {
  readonly family: Family
  readonly id: string
  /** Fields kept as given; location, status and relations are added when rendered. */
  fields: Record<string, unknown>
  readonly createTime: number
  changeTime: number
  /** The job that provisions the object: `in-provisioning` while pending, `failed` if it failed. */
  readonly createJob: string | undefined
  readonly events: Array<EventRecord>
}

export interface Link {
  readonly serverId: string
  readonly objectId: string
  readonly createTime: number
  fields: Record<string, unknown>
}

export interface Job {
  readonly createTime: number
  readonly doneAt: number
  readonly fails: boolean
  readonly failMessage: string
}

/** A change that becomes visible when its job is done (a power change, say). */
interface Deferred {
  readonly due: number
  readonly jobId: string
  readonly apply: () => void
}

export interface State {
  readonly objects: Record<Family, Map<string, Entity>>
  /** Deleted objects as they were shown when deleted, for `/objects/deleted/{family}`. */
  readonly deleted: Record<Family, Map<string, Record<string, unknown>>>
  /** server id -> object id -> link, per kind. */
  readonly links: Record<LinkKind, Map<string, Map<string, Link>>>
  /** object id -> server id -> link, per kind: the other side of `links`. */
  readonly reverse: Record<LinkKind, Map<string, Map<string, Link>>>
  readonly jobs: Map<string, Job>
  deferred: Array<Deferred>
  /** The earliest `due` in `deferred`, so that most requests skip settling in one comparison. */
  nextDue: number
  readonly ipv4Used: Set<string>
  ipv6Next: number
  readonly random: Random
}

const emptyFamilies = (): Record<Family, Map<string, Entity>> => ({
  servers: new Map(),
  storages: new Map(),
  ips: new Map(),
  networks: new Map(),
  sshkeys: new Map(),
  templates: new Map(),
  locations: new Map(),
  isoimages: new Map(),
  snapshots: new Map()
})

const emptyLinks = (): Record<LinkKind, Map<string, Map<string, Link>>> => ({
  storages: new Map(),
  ips: new Map(),
  networks: new Map(),
  isoimages: new Map()
})

const seedEntity = (state: State, family: Family, id: string, fields: Record<string, unknown>): void => {
  state.objects[family].set(id, {
    family,
    id,
    fields,
    createTime: Catalogue.seedTime,
    changeTime: Catalogue.seedTime,
    createJob: undefined,
    events: []
  })
}

const seed = (state: State): void => {
  const locationId = Catalogue.location.object_uuid
  seedEntity(state, "locations", locationId, {
    name: Catalogue.location.name,
    iata: Catalogue.location.iata,
    country: Catalogue.location.country,
    labels: [],
    active: true,
    public: true,
    product_no: null,
    change_requested: null,
    cpunode_count: null
  })
  // The public network goes in first so that it is listed first.
  seedEntity(state, "networks", Catalogue.publicNetworkId, {
    name: "Public Network",
    location_uuid: locationId,
    public_net: true,
    network_type: "network",
    l2security: true,
    delete_block: true,
    labels: []
  })
  for (const template of Catalogue.templates) {
    const { object_uuid, ...rest } = template
    seedEntity(state, "templates", object_uuid, {
      ...rest,
      location_uuid: locationId,
      private: false,
      labels: [],
      usage_in_minutes: 0,
      current_price: 0
    })
  }
  for (const iso of Catalogue.isoimages) {
    const { object_uuid, ...rest } = iso
    seedEntity(state, "isoimages", object_uuid, {
      ...rest,
      location_uuid: locationId,
      private: false,
      labels: [],
      usage_in_minutes: 0,
      current_price: 0
    })
  }
}

export const makeState = (random: Random): State => {
  const state: State = {
    objects: emptyFamilies(),
    deleted: {
      servers: new Map(),
      storages: new Map(),
      ips: new Map(),
      networks: new Map(),
      sshkeys: new Map(),
      templates: new Map(),
      locations: new Map(),
      isoimages: new Map(),
      snapshots: new Map()
    },
    links: emptyLinks(),
    reverse: emptyLinks(),
    jobs: new Map(),
    deferred: [],
    nextDue: Infinity,
    ipv4Used: new Set(),
    ipv6Next: 1,
    random
  }
  seed(state)
  return state
}

// ---------------------------------------------------------------------------------------------
// Time and jobs

/** ISO 8601 in UTC without fractions, as the API writes timestamps. */
export const isoTime = (millis: number): string => new Date(millis).toISOString().replace(/\.\d{3}Z$/, "Z")

export type JobStatus = "pending" | "done" | "failed"

export const jobStatus = (job: Job, now: number): JobStatus =>
  now < job.doneAt ? "pending" : job.fails ? "failed" : "done"

export const addJob = (state: State, id: string, job: Job): void => {
  state.jobs.set(id, job)
}

/** Registers a change to apply once the job `jobId` is done (and only if it did not fail). */
export const defer = (state: State, jobId: string, apply: () => void): void => {
  const job = state.jobs.get(jobId)
  if (job === undefined) return
  state.deferred.push({ due: job.doneAt, jobId, apply })
  state.nextDue = Math.min(state.nextDue, job.doneAt)
}

/**
 * Applies the deferred changes whose jobs have ended by `now`, in order. Called before every
 * request, so state follows the clock without timers.
 */
export const settle = (state: State, now: number): void => {
  if (now < state.nextDue) return
  const due = state.deferred.filter((d) => d.due <= now).sort((a, b) => a.due - b.due)
  state.deferred = state.deferred.filter((d) => d.due > now)
  state.nextDue = state.deferred.reduce((min, d) => Math.min(min, d.due), Infinity)
  for (const d of due) {
    const job = state.jobs.get(d.jobId)
    if (job !== undefined && !job.fails) d.apply()
  }
}

// ---------------------------------------------------------------------------------------------
// Objects

export const newId = (state: State): string => uuid(state.random)

export const newMac = (state: State): string => mac(state.random)

export const addEntity = (
  state: State,
  family: Family,
  fields: Record<string, unknown>,
  now: number,
  createJob: string
): Entity => {
  const entity: Entity = {
    family,
    id: newId(state),
    fields,
    createTime: now,
    changeTime: now,
    createJob,
    events: []
  }
  state.objects[family].set(entity.id, entity)
  return entity
}

export const objectStatus = (state: State, entity: Entity, now: number): string => {
  const job = entity.createJob === undefined ? undefined : state.jobs.get(entity.createJob)
  if (job === undefined) return "active"
  const status = jobStatus(job, now)
  return status === "pending" ? "in-provisioning" : status === "failed" ? "failed" : "active"
}

const locationFields = (state: State, locationId: unknown): Record<string, unknown> => {
  const location = typeof locationId === "string" ? state.objects.locations.get(locationId) : undefined
  if (location === undefined) {
    return { location_uuid: locationId ?? null, location_name: null, location_iata: null, location_country: null }
  }
  return {
    location_uuid: location.id,
    location_name: location.fields.name,
    location_iata: location.fields.iata,
    location_country: location.fields.country
  }
}

const common = (state: State, entity: Entity, now: number): Record<string, unknown> => ({
  object_uuid: entity.id,
  status: objectStatus(state, entity, now),
  create_time: isoTime(entity.createTime),
  change_time: isoTime(entity.changeTime)
})

const minutesSince = (from: number, now: number): number => Math.max(0, Math.floor((now - from) / 60_000))

const linksOf = (state: State, kind: LinkKind, serverId: string): Array<Link> => [
  ...(state.links[kind].get(serverId)?.values() ?? [])
]

const serversOf = (state: State, kind: LinkKind, objectId: string): Array<Link> => [
  ...(state.reverse[kind].get(objectId)?.values() ?? [])
]

const nameOf = (state: State, family: Family, id: string): unknown => state.objects[family].get(id)?.fields.name ?? null

/** A server's storage link as the server shows it (`relations.storages`, `/servers/{id}/storages`). */
export const renderStorageLink = (state: State, link: Link): Record<string, unknown> => {
  const storage = state.objects.storages.get(link.objectId)
  return {
    object_uuid: link.objectId,
    object_name: storage?.fields.name ?? null,
    server_uuid: link.serverId,
    storage_type: storage?.fields.storage_type ?? "storage",
    capacity: storage?.fields.capacity ?? null,
    last_used_template: storage?.fields.last_used_template ?? null,
    license_product_no: storage?.fields.license_product_no ?? null,
    create_time: isoTime(link.createTime),
    ...link.fields
  }
}

export const renderIpLink = (state: State, link: Link): Record<string, unknown> => {
  const ip = state.objects.ips.get(link.objectId)
  return {
    object_uuid: link.objectId,
    server_uuid: link.serverId,
    ip: ip?.fields.ip ?? null,
    prefix: ip?.fields.prefix ?? null,
    family: ip?.fields.family ?? null,
    create_time: isoTime(link.createTime)
  }
}

export const renderNetworkLink = (state: State, link: Link): Record<string, unknown> => {
  const network = state.objects.networks.get(link.objectId)
  return {
    object_uuid: link.objectId,
    network_uuid: link.objectId,
    object_name: network?.fields.name ?? null,
    server_uuid: link.serverId,
    network_type: network?.fields.network_type ?? "network",
    public_net: network?.fields.public_net ?? false,
    l2security: network?.fields.l2security ?? false,
    partner_uuid: null,
    create_time: isoTime(link.createTime),
    ...link.fields
  }
}

export const renderIsoimageLink = (state: State, link: Link): Record<string, unknown> => {
  const iso = state.objects.isoimages.get(link.objectId)
  return {
    object_uuid: link.objectId,
    object_name: iso?.fields.name ?? null,
    server_uuid: link.serverId,
    private: iso?.fields.private ?? false,
    create_time: isoTime(link.createTime),
    ...link.fields
  }
}

export const renderLink = (state: State, kind: LinkKind, link: Link): Record<string, unknown> => {
  switch (kind) {
    case "storages":
      return renderStorageLink(state, link)
    case "ips":
      return renderIpLink(state, link)
    case "networks":
      return renderNetworkLink(state, link)
    case "isoimages":
      return renderIsoimageLink(state, link)
  }
}

export const serverLinks = (state: State, kind: LinkKind, serverId: string): Array<Link> =>
  linksOf(state, kind, serverId)

export const objectLinks = (state: State, kind: LinkKind, objectId: string): Array<Link> =>
  serversOf(state, kind, objectId)

const renderServer = (state: State, entity: Entity, now: number): Record<string, unknown> => {
  const id = entity.id
  return {
    ...entity.fields,
    ...common(state, entity, now),
    ...locationFields(state, entity.fields.location_uuid),
    usage_in_minutes_cores: minutesSince(entity.createTime, now) * Number(entity.fields.cores ?? 0),
    usage_in_minutes_memory: minutesSince(entity.createTime, now) * Number(entity.fields.memory ?? 0),
    current_price: 0,
    relations: {
      storages: linksOf(state, "storages", id).map((l) => renderStorageLink(state, l)),
      public_ips: linksOf(state, "ips", id).map((l) => renderIpLink(state, l)),
      networks: linksOf(state, "networks", id).map((l) => renderNetworkLink(state, l)),
      isoimages: linksOf(state, "isoimages", id).map((l) => renderIsoimageLink(state, l))
    }
  }
}

const renderStorage = (state: State, entity: Entity, now: number): Record<string, unknown> => ({
  ...entity.fields,
  ...common(state, entity, now),
  ...locationFields(state, entity.fields.location_uuid),
  usage_in_minutes: minutesSince(entity.createTime, now),
  current_price: 0,
  snapshots: [...state.objects.snapshots.values()]
    .filter((s) => s.fields.parent_uuid === entity.id)
    .map((s) => ({
      object_uuid: s.id,
      name: s.fields.name,
      create_time: isoTime(s.createTime),
      storage_uuid: entity.id
    })),
  relations: {
    servers: serversOf(state, "storages", entity.id).map((l) => ({
      object_uuid: l.serverId,
      object_name: nameOf(state, "servers", l.serverId),
      bootdevice: l.fields.bootdevice,
      bus: l.fields.bus,
      controller: l.fields.controller,
      target: l.fields.target,
      lun: l.fields.lun,
      create_time: isoTime(l.createTime)
    })),
    snapshot_schedules: []
  }
})

const renderIp = (state: State, entity: Entity, now: number): Record<string, unknown> => ({
  ...entity.fields,
  ...common(state, entity, now),
  ...locationFields(state, entity.fields.location_uuid),
  usage_in_minutes: minutesSince(entity.createTime, now),
  current_price: 0,
  relations: {
    servers: serversOf(state, "ips", entity.id).map((l) => ({
      server_uuid: l.serverId,
      server_name: nameOf(state, "servers", l.serverId),
      create_time: isoTime(l.createTime)
    })),
    loadbalancers: []
  }
})

const renderNetwork = (state: State, entity: Entity, now: number): Record<string, unknown> => ({
  ...entity.fields,
  ...common(state, entity, now),
  ...locationFields(state, entity.fields.location_uuid),
  relations: {
    servers: serversOf(state, "networks", entity.id).map((l) => ({
      object_uuid: l.serverId,
      object_name: nameOf(state, "servers", l.serverId),
      network_uuid: entity.id,
      bootdevice: l.fields.bootdevice,
      ordering: l.fields.ordering,
      mac: l.fields.mac,
      l3security: l.fields.l3security,
      create_time: isoTime(l.createTime)
    })),
    vlans: []
  }
})

const renderIsoimage = (state: State, entity: Entity, now: number): Record<string, unknown> => ({
  ...entity.fields,
  ...common(state, entity, now),
  ...locationFields(state, entity.fields.location_uuid),
  usage_in_minutes: minutesSince(entity.createTime, now),
  current_price: 0,
  relations: {
    servers: serversOf(state, "isoimages", entity.id).map((l) => ({
      object_uuid: l.serverId,
      object_name: nameOf(state, "servers", l.serverId),
      bootdevice: l.fields.bootdevice,
      create_time: isoTime(l.createTime)
    }))
  }
})

const renderWithLocation = (state: State, entity: Entity, now: number): Record<string, unknown> => ({
  ...entity.fields,
  ...common(state, entity, now),
  ...locationFields(state, entity.fields.location_uuid)
})

/** Snapshots and templates: located, billed by usage, no relations. */
const renderPriced = (state: State, entity: Entity, now: number): Record<string, unknown> => ({
  ...renderWithLocation(state, entity, now),
  usage_in_minutes: minutesSince(entity.createTime, now),
  current_price: 0
})

const renderLocation = (_state: State, entity: Entity, _now: number): Record<string, unknown> => ({
  ...entity.fields,
  object_uuid: entity.id,
  status: "active"
})

const renderSshkey = (state: State, entity: Entity, now: number): Record<string, unknown> => ({
  ...entity.fields,
  ...common(state, entity, now)
})

/** An object as the API shows it, with every field of its spec definition. */
export const render = (state: State, entity: Entity, now: number): Record<string, unknown> => {
  switch (entity.family) {
    case "servers":
      return renderServer(state, entity, now)
    case "storages":
      return renderStorage(state, entity, now)
    case "ips":
      return renderIp(state, entity, now)
    case "networks":
      return renderNetwork(state, entity, now)
    case "isoimages":
      return renderIsoimage(state, entity, now)
    case "templates":
    case "snapshots":
      return renderPriced(state, entity, now)
    case "locations":
      return renderLocation(state, entity, now)
    case "sshkeys":
      return renderSshkey(state, entity, now)
  }
}

/** A list reply's map, keyed by id, in creation order. */
export const renderMap = (
  state: State,
  entities: Iterable<Entity>,
  now: number
): Record<string, Record<string, unknown>> => {
  const out: Record<string, Record<string, unknown>> = {}
  for (const entity of entities) out[entity.id] = render(state, entity, now)
  return out
}

// ---------------------------------------------------------------------------------------------
// Links

export const addLink = (state: State, kind: LinkKind, link: Link): void => {
  const forward = state.links[kind].get(link.serverId) ?? new Map<string, Link>()
  forward.set(link.objectId, link)
  state.links[kind].set(link.serverId, forward)
  const backward = state.reverse[kind].get(link.objectId) ?? new Map<string, Link>()
  backward.set(link.serverId, link)
  state.reverse[kind].set(link.objectId, backward)
}

export const removeLink = (state: State, kind: LinkKind, serverId: string, objectId: string): void => {
  state.links[kind].get(serverId)?.delete(objectId)
  state.reverse[kind].get(objectId)?.delete(serverId)
}

export const findLink = (state: State, kind: LinkKind, serverId: string, objectId: string): Link | undefined =>
  state.links[kind].get(serverId)?.get(objectId)

/** Frees every relation of a server (when it is deleted). */
export const unlinkServer = (state: State, serverId: string): void => {
  for (const kind of linkKinds) {
    for (const objectId of state.links[kind].get(serverId)?.keys() ?? []) {
      state.reverse[kind].get(objectId)?.delete(serverId)
    }
    state.links[kind].delete(serverId)
  }
}

/** Frees every relation of an object (when it is deleted). */
export const unlinkObject = (state: State, kind: LinkKind, objectId: string): void => {
  for (const serverId of state.reverse[kind].get(objectId)?.keys() ?? []) {
    state.links[kind].get(serverId)?.delete(objectId)
  }
  state.reverse[kind].delete(objectId)
}

export const linkCount = (state: State, kind: LinkKind, objectId: string): number =>
  state.reverse[kind].get(objectId)?.size ?? 0

// ---------------------------------------------------------------------------------------------
// Addresses from the documentation ranges (RFC 5737, RFC 3849)

const ipv4Ranges = ["192.0.2", "198.51.100", "203.0.113"]

/** The next free IPv4 address, or undefined when the pool is exhausted. */
export const allocateIpv4 = (state: State): string | undefined => {
  for (const range of ipv4Ranges) {
    for (let host = 1; host < 255; host++) {
      const address = `${range}.${host}`
      if (!state.ipv4Used.has(address)) {
        state.ipv4Used.add(address)
        return address
      }
    }
  }
  return undefined
}

export const allocateIpv6 = (state: State): string => `2001:db8::${(state.ipv6Next++).toString(16)}`

export const releaseIp = (state: State, address: unknown): void => {
  if (typeof address === "string") state.ipv4Used.delete(address)
}
