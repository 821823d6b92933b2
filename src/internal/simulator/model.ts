/**
 * The simulator's state, the same for every family: objects by family key, the links between a
 * server and what is attached to it, jobs, events and deleted objects. What a family does beyond
 * this is in `behaviour.ts`.
 */
import type { Node } from "../../generated/definitions.js"
import * as Catalogue from "./catalogue.js"
import { dict } from "./input.js"
import type { Random } from "./prng.js"
import { mac, uuid } from "./prng.js"
import { check, definition, propertiesOf, resolve } from "./validate.js"

export interface Entity {
  /** The family's key: `servers`, `storages.snapshots`, `paas.services`. */
  readonly family: string
  readonly id: string
  /** The parent object of a sub-family's object (the storage of a snapshot). */
  readonly parentId: string | undefined
  /** What the object holds, as its definition names the fields (an object without a prototype). */
  fields: Record<string, unknown>
  readonly createTime: number
  changeTime: number
  /** The job that provisions the object: `in-provisioning` while pending, `failed` if it failed. */
  readonly createJob: string | undefined
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

export interface EventRecord {
  readonly objectId: string
  readonly objectType: string
  readonly requestId: string
  readonly activity: string
  readonly requestType: string
  readonly change: string
  readonly time: number
  readonly userId: string
}

/** A change that becomes visible when its job is done (a power change, say). */
interface Deferred {
  readonly due: number
  readonly jobId: string
  readonly apply: () => void
}

export interface State {
  /** family key -> id -> object. */
  readonly objects: Map<string, Map<string, Entity>>
  /** family key -> id -> the object as shown when deleted, for `/objects/deleted/...`. */
  readonly deleted: Map<string, Map<string, Record<string, unknown>>>
  /** relation family key (`servers.storages`) -> server id -> object id -> link. */
  readonly links: Map<string, Map<string, Map<string, Link>>>
  /** The other side of `links`: relation family key -> object id -> server id -> link. */
  readonly reverse: Map<string, Map<string, Map<string, Link>>>
  readonly events: Array<EventRecord>
  readonly jobs: Map<string, Job>
  deferred: Array<Deferred>
  /** The earliest `due` in `deferred`, so that most requests skip settling in one comparison. */
  nextDue: number
  readonly ipv4Used: Set<string>
  ipv6Next: number
  readonly random: Random
}

const inner = <K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> => {
  let found = outer.get(key)
  if (found === undefined) {
    found = new Map()
    outer.set(key, found)
  }
  return found
}

/** The objects of one family (empty when it has none yet). */
export const objectsOf = (state: State, family: string): Map<string, Entity> => inner(state.objects, family)

export const deletedOf = (state: State, family: string): Map<string, Record<string, unknown>> =>
  inner(state.deleted, family)

/** Fields from a plain record, in an object without a prototype. */
export const fieldsFrom = (record: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.assign(dict<unknown>(), record)

const seedEntity = (state: State, family: string, id: string, fields: Record<string, unknown>): void => {
  objectsOf(state, family).set(id, {
    family,
    id,
    parentId: undefined,
    fields: fieldsFrom(fields),
    createTime: Catalogue.seedTime,
    changeTime: Catalogue.seedTime,
    createJob: undefined
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
    public: true
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
  for (const { object_uuid, ...rest } of Catalogue.templates) {
    seedEntity(state, "templates", object_uuid, { ...rest, location_uuid: locationId, private: false, labels: [] })
  }
  for (const { object_uuid, ...rest } of Catalogue.isoimages) {
    seedEntity(state, "isoImages", object_uuid, { ...rest, location_uuid: locationId, private: false, labels: [] })
  }
  for (const { object_uuid, ...rest } of Catalogue.paasTemplates) {
    seedEntity(state, "paas.templates", object_uuid, { ...rest, labels: [], status: "active" })
  }
}

export const makeState = (random: Random): State => {
  const state: State = {
    objects: new Map(),
    deleted: new Map(),
    links: new Map(),
    reverse: new Map(),
    events: [],
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
  family: string,
  parentId: string | undefined,
  fields: Record<string, unknown>,
  now: number,
  createJob: string
): Entity => {
  const entity: Entity = {
    family,
    id: newId(state),
    parentId,
    fields,
    createTime: now,
    changeTime: now,
    createJob
  }
  objectsOf(state, family).set(entity.id, entity)
  return entity
}

export const objectStatus = (state: State, entity: Entity, now: number): string => {
  const job = entity.createJob === undefined ? undefined : state.jobs.get(entity.createJob)
  if (job === undefined) return "active"
  const status = jobStatus(job, now)
  return status === "pending" ? "in-provisioning" : status === "failed" ? "failed" : "active"
}

export const minutesSince = (from: number, now: number): number => Math.max(0, Math.floor((now - from) / 60_000))

/** The location fields of an object placed at `locationId`. */
export const locationFields = (state: State, locationId: unknown): Record<string, unknown> => {
  const location = typeof locationId === "string" ? objectsOf(state, "locations").get(locationId) : undefined
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

/** What every object shows whatever its family: id, status, times, location, usage and price. */
export const common = (state: State, entity: Entity, now: number, idField: string): Record<string, unknown> => {
  const minutes = minutesSince(entity.createTime, now)
  return {
    ...(entity.fields.location_uuid === undefined ? {} : locationFields(state, entity.fields.location_uuid)),
    [idField]: entity.id,
    status: entity.fields.status ?? objectStatus(state, entity, now),
    create_time: isoTime(entity.createTime),
    change_time: isoTime(entity.changeTime),
    usage_in_minutes: minutes,
    usage_in_minutes_cores: minutes * Number(entity.fields.cores ?? 0),
    usage_in_minutes_memory: minutes * Number(entity.fields.memory ?? 0),
    current_price: 0
  }
}

const hasOwn = (record: object, key: string): boolean => Object.prototype.hasOwnProperty.call(record, key)

/** What a field the object does not hold shows: an empty list for lists, else `null`. */
const absent = (node: Node): unknown => (resolve(node).type === "array" ? [] : null)

const propertyCache = new Map<string, ReadonlyArray<readonly [string, Node]>>()

const properties = (name: string): ReadonlyArray<readonly [string, Node]> => {
  let found = propertyCache.get(name)
  if (found === undefined) {
    const node = resolve(definition(name))
    found = propertiesOf(node).map((key) => [key, node.properties![key]!] as const)
    propertyCache.set(name, found)
  }
  return found
}

const definedIn = (known: ReadonlyArray<readonly [string, Node]>, key: string): boolean =>
  known.some(([name]) => name === key)

/**
 * An object shaped by a definition of the spec: every property, taken from `computed`, else
 * from `fields`, else empty; a value that does not fit its property's schema shows as `null`
 * (as the API sends nulls), so every reply validates against the spec. Fields the definition
 * does not name are kept after them.
 */
export const shape = (
  name: string,
  computed: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, unknown>>
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const known = properties(name)
  for (const [key, node] of known) {
    const value = hasOwn(computed, key) ? computed[key] : hasOwn(fields, key) ? fields[key] : absent(node)
    out[key] = value === undefined || check(value, node, "reply") !== undefined ? absent(node) : value
  }
  // Fields a family keeps beyond its definition (a snapshot's `parent_name`), as real replies do.
  for (const key of Object.keys(fields)) if (!hasOwn(out, key) && !definedIn(known, key)) out[key] = fields[key]
  return out
}

// ---------------------------------------------------------------------------------------------
// Links

export const addLink = (state: State, relation: string, link: Link): void => {
  const forward = inner(inner(state.links, relation), link.serverId)
  forward.set(link.objectId, link)
  const backward = inner(inner(state.reverse, relation), link.objectId)
  backward.set(link.serverId, link)
}

export const removeLink = (state: State, relation: string, serverId: string, objectId: string): void => {
  state.links.get(relation)?.get(serverId)?.delete(objectId)
  state.reverse.get(relation)?.get(objectId)?.delete(serverId)
}

export const findLink = (state: State, relation: string, serverId: string, objectId: string): Link | undefined =>
  state.links.get(relation)?.get(serverId)?.get(objectId)

/** The links of a server in one relation, in the order they were made. */
export const serverLinks = (state: State, relation: string, serverId: string): Array<Link> => [
  ...(state.links.get(relation)?.get(serverId)?.values() ?? [])
]

/** The links of an object to servers in one relation. */
export const objectLinks = (state: State, relation: string, objectId: string): Array<Link> => [
  ...(state.reverse.get(relation)?.get(objectId)?.values() ?? [])
]

/** Frees every relation of a server (when it is deleted). */
export const unlinkServer = (state: State, serverId: string): void => {
  for (const [relation, byServer] of state.links) {
    for (const objectId of byServer.get(serverId)?.keys() ?? []) {
      state.reverse.get(relation)?.get(objectId)?.delete(serverId)
    }
    byServer.delete(serverId)
  }
}

/** Frees every relation of an object (when it is deleted). */
export const unlinkObject = (state: State, relation: string, objectId: string): void => {
  for (const serverId of state.reverse.get(relation)?.get(objectId)?.keys() ?? []) {
    state.links.get(relation)?.get(serverId)?.delete(objectId)
  }
  state.reverse.get(relation)?.delete(objectId)
}

export const linkCount = (state: State, relation: string, objectId: string): number =>
  state.reverse.get(relation)?.get(objectId)?.size ?? 0

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
