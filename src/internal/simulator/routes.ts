import * as Catalogue from "./catalogue.js"
import type { Body } from "./input.js"
import * as Input from "./input.js"
import { refuse } from "./input.js"
import type { Entity, Family, Job, LinkKind, State } from "./model.js"
import * as Model from "./model.js"
import type { JobInfo } from "./types.js"

/** What a handler answers: a status and, unless 204, a JSON body. */
export interface Answer {
  readonly status: number
  readonly body?: unknown
}

/** What handlers need besides the state: the request and the hooks that count and time jobs. */
export interface Context {
  readonly state: State
  readonly now: number
  readonly requestId: string
  readonly method: string
  readonly path: string
  readonly userId: string
  readonly bodyText: string
  /** Decides how long the job of this write takes and whether it fails. */
  readonly newJob: (info: JobInfo) => Job
  readonly onCreated: (family: Family, name: string) => void
  readonly onWrite: () => void
}

type Handler = (ctx: Context, params: ReadonlyArray<string>) => Answer

interface Route {
  readonly segments: ReadonlyArray<string>
  readonly methods: Readonly<Record<string, Handler>>
}

const ok = (body: unknown): Answer => ({ status: 200, body })
const noContent: Answer = { status: 204 }

// ---------------------------------------------------------------------------------------------
// Helpers

const body = (ctx: Context): Body => Input.parseBody(ctx.bodyText)

const find = (ctx: Context, family: Family, id: string): Entity =>
  ctx.state.objects[family].get(id) ?? refuse(404, `No ${Model.singular[family]} with the id '${id}'.`)

/** Registers the job of a write under the request id, counts the write, and logs an event. */
const startJob = (ctx: Context, family: string, entity?: Entity, activity?: string): string => {
  Model.addJob(ctx.state, ctx.requestId, ctx.newJob({ method: ctx.method, path: ctx.path, family }))
  ctx.onWrite()
  if (entity !== undefined) {
    entity.events.push({
      requestId: ctx.requestId,
      activity: activity ?? `${ctx.method} ${ctx.path}`,
      requestType: ctx.method,
      change: activity ?? "",
      time: ctx.now
    })
  }
  return ctx.requestId
}

const created = (ctx: Context, entity: Entity, extra: Record<string, unknown> = {}): Answer => ({
  status: 202,
  body: { request_uuid: ctx.requestId, object_uuid: entity.id, ...extra }
})

const create = (ctx: Context, family: Family, fields: Record<string, unknown>): Entity => {
  const entity = Model.addEntity(ctx.state, family, fields, ctx.now, ctx.requestId)
  startJob(ctx, family, entity, `${Model.singular[family]} created`)
  ctx.onCreated(family, typeof fields.name === "string" ? fields.name : "")
  return entity
}

const locationOf = (ctx: Context, input: Body): string => {
  const id = Input.optional(input, "location_uuid", Input.string)
  if (id === undefined) return Catalogue.location.object_uuid
  find(ctx, "locations", id)
  return id
}

/** Applies the fields of a PATCH body that `checks` knows; 422 when none is given. */
const patchFields = (
  ctx: Context,
  entity: Entity,
  checks: Readonly<Record<string, (value: unknown, key: string) => unknown>>
): Answer => {
  const input = body(ctx)
  const changes: Record<string, unknown> = {}
  for (const [key, check] of Object.entries(checks)) {
    if (input[key] !== undefined) changes[key] = check(input[key], key)
  }
  if (Object.keys(changes).length === 0) refuse(422, "Must specify at least one parameter to change.")
  if (isPublic(entity)) refuse(403, `This ${Model.singular[entity.family]} is public and cannot be changed.`)
  return applyPatch(ctx, entity, changes)
}

/** Objects of the seeded catalogue that belong to everyone: templates, ISO images, the public network and location. */
const isPublic = (entity: Entity): boolean =>
  entity.fields.private === false || entity.fields.delete_block === true || entity.fields.public === true

const applyPatch = (ctx: Context, entity: Entity, changes: Record<string, unknown>): Answer => {
  Object.assign(entity.fields, changes)
  entity.changeTime = ctx.now
  startJob(ctx, entity.family, entity, `changed ${Object.keys(changes).join(", ")}`)
  return noContent
}

/** Deletes at once, keeping the object as it was shown for `/objects/deleted/{family}`. */
const remove = (ctx: Context, entity: Entity): Answer => {
  const shown = Model.render(ctx.state, entity, ctx.now)
  ctx.state.deleted[entity.family].set(entity.id, { ...shown, status: "deleted", change_time: Model.isoTime(ctx.now) })
  ctx.state.objects[entity.family].delete(entity.id)
  startJob(ctx, entity.family)
  return noContent
}

const events = (ctx: Context, entity: Entity): Answer =>
  ok({
    events: entity.events.map((e) => {
      const job = ctx.state.jobs.get(e.requestId)
      return {
        object_type: Model.singular[entity.family],
        object_uuid: entity.id,
        request_uuid: e.requestId,
        activity: e.activity,
        request_type: e.requestType,
        request_status: job === undefined ? "done" : Model.jobStatus(job, ctx.now),
        change: e.change,
        timestamp: Model.isoTime(e.time),
        user_uuid: ctx.userId
      }
    })
  })

// ---------------------------------------------------------------------------------------------
// Creates

const createServer: Handler = (ctx) => {
  const input = body(ctx)
  const fields = {
    name: Input.requiredName(input),
    cores: Input.required(input, "cores", Input.positiveInteger),
    memory: Input.required(input, "memory", Input.positiveInteger),
    location_uuid: locationOf(ctx, input),
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    hardware_profile: Input.optional(input, "hardware_profile", Input.oneOf(hardwareProfiles)) ?? "default",
    availability_zone: Input.optional(input, "availability_zone", Input.string) ?? null,
    auto_recovery: Input.optional(input, "auto_recovery", Input.flag) ?? true,
    power: false,
    legacy: false,
    console_token: Model.newId(ctx.state).replace(/-/g, "")
  }
  const entity = create(ctx, "servers", fields)
  return created(ctx, entity, { server_uuid: entity.id, network_uuids: [], storage_uuids: [], ipaddr_uuids: [] })
}

const hardwareProfiles = ["default", "nested", "legacy", "cisco_csr", "sophos_utm", "f5_bigip", "q35", "q35_nested"]
const storageTypes = ["storage", "storage_high", "storage_insane"]

const templateOf = (ctx: Context, input: Body): Entity | undefined => {
  const template = Input.optional(input, "template", Input.object)
  if (template === undefined) return undefined
  const id = Input.required(template, "template_uuid", Input.string)
  Input.optional(template, "sshkeys", Input.stringList)
  Input.optional(template, "hostname", Input.string)
  return find(ctx, "templates", id)
}

const createStorage: Handler = (ctx) => {
  const input = body(ctx)
  const name = Input.requiredName(input)
  const size = Input.required(input, "capacity", Input.capacity)
  const locationId = locationOf(ctx, input)
  const template = templateOf(ctx, input)
  const minimum = Number(template?.fields.capacity ?? 1)
  if (size < minimum) refuse(400, `The template needs a capacity of at least ${minimum} GB.`)
  const entity = create(ctx, "storages", {
    name,
    capacity: size,
    location_uuid: locationId,
    storage_type: Input.optional(input, "storage_type", Input.oneOf(storageTypes)) ?? "storage",
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    last_used_template: template?.id ?? null,
    license_product_no: template?.fields.license_product_no ?? null,
    parent_uuid: null
  })
  return created(ctx, entity)
}

const createIp: Handler = (ctx) => {
  const input = body(ctx)
  const family = Input.required(input, "family", Input.oneOf([4, 6]))
  const address = family === 4 ? Model.allocateIpv4(ctx.state) : Model.allocateIpv6(ctx.state)
  if (address === undefined) return refuse(416, "The IPv4 address pool is exhausted.")
  const prefix = `${address}/${family === 4 ? 32 : 128}`
  const entity = create(ctx, "ips", {
    name: Input.optional(input, "name", Input.name) ?? "",
    family,
    ip: address,
    prefix,
    location_uuid: locationOf(ctx, input),
    failover: Input.optional(input, "failover", Input.boolean) ?? false,
    reverse_dns: Input.optional(input, "reverse_dns", Input.string) ?? reverseDns(address, family),
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    delete_block: false
  })
  return created(ctx, entity, { ip: address, prefix })
}

const reverseDns = (address: string, family: number): string =>
  `static-${address.replace(/[.:]/g, "-")}.ipv${family}.simulator.example`

const createNetwork: Handler = (ctx) => {
  const input = body(ctx)
  const entity = create(ctx, "networks", {
    name: Input.requiredName(input),
    location_uuid: locationOf(ctx, input),
    l2security: Input.optional(input, "l2security", Input.boolean) ?? false,
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    public_net: false,
    network_type: "network",
    delete_block: false
  })
  return created(ctx, entity)
}

const createSshkey: Handler = (ctx) => {
  const input = body(ctx)
  const entity = create(ctx, "sshkeys", {
    name: Input.requiredName(input),
    sshkey: Input.required(input, "sshkey", Input.string),
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    user_uuid: ctx.userId
  })
  return created(ctx, entity)
}

const createTemplate: Handler = (ctx) => {
  const input = body(ctx)
  const name = Input.requiredName(input)
  const snapshot = find(ctx, "snapshots", Input.required(input, "snapshot_uuid", Input.string))
  const source = typeof snapshot.fields.last_used_template === "string"
    ? ctx.state.objects.templates.get(snapshot.fields.last_used_template)
    : undefined
  const entity = create(ctx, "templates", {
    name,
    location_uuid: snapshot.fields.location_uuid,
    capacity: snapshot.fields.capacity,
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    ostype: source?.fields.ostype ?? "linux",
    distro: source?.fields.distro ?? null,
    version: source?.fields.version ?? null,
    description: null,
    private: true,
    license_product_no: source?.fields.license_product_no ?? null,
    usage_in_minutes: 0
  })
  return created(ctx, entity)
}

const createLocation: Handler = (ctx) => {
  const input = body(ctx)
  const name = Input.requiredName(input)
  const parent = find(ctx, "locations", Input.required(input, "parent_location_uuid", Input.string))
  const entity = create(ctx, "locations", {
    name,
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    iata: parent.fields.iata,
    country: parent.fields.country,
    active: true,
    public: false,
    cpunode_count: Input.required(input, "cpunode_count", Input.positiveInteger),
    product_no: Input.required(input, "product_no", Input.positiveInteger),
    change_requested: null
  })
  return created(ctx, entity)
}

const createIsoimage: Handler = (ctx) => {
  const input = body(ctx)
  const entity = create(ctx, "isoimages", {
    name: Input.requiredName(input),
    source_url: Input.required(input, "source_url", Input.string),
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    location_uuid: locationOf(ctx, input),
    description: null,
    version: null,
    private: true,
    capacity: 1
  })
  return created(ctx, entity)
}

// ---------------------------------------------------------------------------------------------
// Changes

const nameCheck = { name: Input.name, labels: Input.labels }

const patchChecks: Readonly<Record<Family, Readonly<Record<string, (value: unknown, key: string) => unknown>>>> = {
  servers: {
    ...nameCheck,
    cores: Input.positiveInteger,
    memory: Input.positiveInteger,
    availability_zone: Input.string,
    auto_recovery: Input.flag
  },
  storages: { ...nameCheck, capacity: Input.capacity, storage_type: Input.oneOf(storageTypes) },
  ips: { ...nameCheck, failover: Input.boolean, reverse_dns: Input.string },
  networks: { ...nameCheck, l2security: Input.boolean },
  sshkeys: { ...nameCheck, sshkey: Input.string },
  templates: nameCheck,
  locations: { ...nameCheck, cpunode_count: Input.positiveInteger },
  isoimages: nameCheck,
  snapshots: nameCheck
}

const patchStorage = (ctx: Context, entity: Entity): Answer => {
  const input = body(ctx)
  // The API grows storages but cannot shrink them.
  if (typeof input.capacity === "number" && input.capacity < Number(entity.fields.capacity)) {
    refuse(400, "A storage's capacity can only grow.")
  }
  return patchFields(ctx, entity, patchChecks.storages)
}

// ---------------------------------------------------------------------------------------------
// Deletes

const deleteServer = (ctx: Context, entity: Entity): Answer => {
  const answer = remove(ctx, entity)
  Model.unlinkServer(ctx.state, entity.id)
  return answer
}

const deleteStorage = (ctx: Context, entity: Entity): Answer => {
  if (Model.linkCount(ctx.state, "storages", entity.id) > 0) {
    refuse(424, "The storage is attached to a server; detach it first.")
  }
  for (const snapshot of [...ctx.state.objects.snapshots.values()]) {
    if (snapshot.fields.parent_uuid === entity.id) ctx.state.objects.snapshots.delete(snapshot.id)
  }
  return remove(ctx, entity)
}

const deleteLinked = (kind: LinkKind) => (ctx: Context, entity: Entity): Answer => {
  if (isPublic(entity)) refuse(403, `This ${Model.singular[entity.family]} is public and cannot be deleted.`)
  const answer = remove(ctx, entity)
  Model.unlinkObject(ctx.state, kind, entity.id)
  if (kind === "ips") Model.releaseIp(ctx.state, entity.fields.ip)
  return answer
}

const deletePrivate = (ctx: Context, entity: Entity): Answer => {
  if (isPublic(entity)) refuse(403, `This ${Model.singular[entity.family]} is public and cannot be deleted.`)
  return remove(ctx, entity)
}

const deleters: Readonly<Record<Exclude<Family, "snapshots">, (ctx: Context, entity: Entity) => Answer>> = {
  servers: deleteServer,
  storages: deleteStorage,
  ips: deleteLinked("ips"),
  networks: deleteLinked("networks"),
  isoimages: deleteLinked("isoimages"),
  sshkeys: remove,
  templates: deletePrivate,
  locations: deletePrivate
}

// ---------------------------------------------------------------------------------------------
// Servers: power and relations

const power: Handler = (ctx, [id]) => {
  const server = find(ctx, "servers", id!)
  const input = body(ctx)
  const wanted = Input.required(input, "power", Input.boolean)
  return changePower(ctx, server, wanted)
}

/** The power state turns when the job is done, as the API turns power asynchronously. */
const changePower = (ctx: Context, server: Entity, wanted: boolean): Answer => {
  const jobId = startJob(ctx, "servers", server, wanted ? "power on" : "power off")
  Model.defer(ctx.state, jobId, () => {
    server.fields.power = wanted
    server.changeTime = ctx.state.jobs.get(jobId)?.doneAt ?? server.changeTime
  })
  return noContent
}

const shutdown: Handler = (ctx, [id]) => {
  const server = find(ctx, "servers", id!)
  body(ctx)
  return changePower(ctx, server, false)
}

const relationKey: Readonly<Record<LinkKind, string>> = {
  storages: "storage",
  ips: "ip",
  networks: "network",
  isoimages: "isoimage"
}

const listRelations = (kind: LinkKind): Handler => (ctx, [id]) => {
  find(ctx, "servers", id!)
  return ok({
    [`${relationKey[kind]}_relations`]: Model.serverLinks(ctx.state, kind, id!).map((l) =>
      Model.renderLink(ctx.state, kind, l)
    )
  })
}

const getRelation = (kind: LinkKind): Handler => (ctx, [id, objectId]) => {
  find(ctx, "servers", id!)
  const link = Model.findLink(ctx.state, kind, id!, objectId!) ??
    refuse(404, `The ${relationKey[kind]} '${objectId}' is not linked to this server.`)
  const { server_uuid: _, ...rest } = Model.renderLink(ctx.state, kind, link)
  return ok({ [`${relationKey[kind]}_relation`]: rest })
}

const linkFields = (ctx: Context, kind: LinkKind, serverId: string, input: Body): Record<string, unknown> => {
  const count = Model.serverLinks(ctx.state, kind, serverId).length
  switch (kind) {
    case "storages":
      return {
        bootdevice: Input.optional(input, "bootdevice", Input.boolean) ?? count === 0,
        controller: 0,
        bus: 0,
        target: 0,
        lun: count
      }
    case "networks":
      return {
        bootdevice: Input.optional(input, "bootdevice", Input.boolean) ?? false,
        ordering: Input.optional(input, "ordering", Input.positiveOrZero) ?? count,
        l3security: Input.optional(input, "l3security", Input.stringList) ?? null,
        firewall: Input.optional(input, "firewall", Input.object) ?? null,
        firewall_template_uuid: Input.optional(input, "firewall_template_uuid", Input.string) ?? null,
        mac: Model.newMac(ctx.state)
      }
    case "isoimages":
      return { bootdevice: Input.optional(input, "bootdevice", Input.boolean) ?? false }
    case "ips":
      return {}
  }
}

const link = (kind: LinkKind): Handler => (ctx, [id]) => {
  const server = find(ctx, "servers", id!)
  const input = body(ctx)
  const objectId = Input.required(input, "object_uuid", Input.string)
  find(ctx, kind, objectId)
  if (Model.findLink(ctx.state, kind, server.id, objectId) !== undefined) {
    refuse(409, `The ${relationKey[kind]} is already linked to this server.`)
  }
  // A storage or an IP belongs to one server at a time; networks and ISO images are shared.
  if ((kind === "storages" || kind === "ips") && Model.linkCount(ctx.state, kind, objectId) > 0) {
    refuse(409, `The ${relationKey[kind]} is linked to another server.`)
  }
  const fields = linkFields(ctx, kind, server.id, input)
  Model.addLink(ctx.state, kind, { serverId: server.id, objectId, createTime: ctx.now, fields })
  startJob(ctx, "servers", server, `linked ${relationKey[kind]} ${objectId}`)
  return { status: 202, body: { request_uuid: ctx.requestId, object_uuid: objectId } }
}

const relationChecks: Readonly<Record<LinkKind, Readonly<Record<string, (value: unknown, key: string) => unknown>>>> = {
  storages: { bootdevice: Input.boolean, ordering: Input.positiveOrZero, l3security: Input.stringList },
  networks: {
    bootdevice: Input.boolean,
    ordering: Input.positiveOrZero,
    l3security: Input.stringList,
    firewall: Input.object,
    firewall_template_uuid: Input.string
  },
  isoimages: { bootdevice: Input.boolean, name: Input.name },
  ips: { bootdevice: Input.boolean, name: Input.name }
}

const patchRelation = (kind: LinkKind): Handler => (ctx, [id, objectId]) => {
  const server = find(ctx, "servers", id!)
  const found = Model.findLink(ctx.state, kind, id!, objectId!) ??
    refuse(404, `The ${relationKey[kind]} '${objectId}' is not linked to this server.`)
  const input = body(ctx)
  const changes: Record<string, unknown> = {}
  for (const [key, check] of Object.entries(relationChecks[kind])) {
    if (input[key] !== undefined) changes[key] = check(input[key], key)
  }
  if (Object.keys(changes).length === 0) refuse(422, "Must specify at least one parameter to change.")
  Object.assign(found.fields, changes)
  startJob(ctx, "servers", server, `changed ${relationKey[kind]} link ${objectId}`)
  return noContent
}

const unlink = (kind: LinkKind): Handler => (ctx, [id, objectId]) => {
  const server = find(ctx, "servers", id!)
  if (Model.findLink(ctx.state, kind, id!, objectId!) === undefined) {
    refuse(404, `The ${relationKey[kind]} '${objectId}' is not linked to this server.`)
  }
  Model.removeLink(ctx.state, kind, id!, objectId!)
  startJob(ctx, "servers", server, `unlinked ${relationKey[kind]} ${objectId}`)
  return noContent
}

// ---------------------------------------------------------------------------------------------
// Storages: clone and snapshots

const clone: Handler = (ctx, [id]) => {
  const source = find(ctx, "storages", id!)
  const name = [...`${String(source.fields.name)} clone`].slice(0, 64).join("")
  const entity = create(ctx, "storages", {
    ...source.fields,
    name,
    labels: [...(source.fields.labels as Array<string>)]
  })
  return created(ctx, entity)
}

const snapshotOf = (ctx: Context, storageId: string, snapshotId: string): Entity => {
  const snapshot = find(ctx, "snapshots", snapshotId)
  if (snapshot.fields.parent_uuid !== storageId) refuse(404, `No snapshot with the id '${snapshotId}' on this storage.`)
  return snapshot
}

const listSnapshots: Handler = (ctx, [id]) => {
  find(ctx, "storages", id!)
  const own = [...ctx.state.objects.snapshots.values()].filter((s) => s.fields.parent_uuid === id)
  return ok({ snapshots: Model.renderMap(ctx.state, own, ctx.now) })
}

const createSnapshot: Handler = (ctx, [id]) => {
  const storage = find(ctx, "storages", id!)
  const input = body(ctx)
  const name = Input.optional(input, "name", Input.name) ??
    [...`${String(storage.fields.name)} Snapshot`].slice(0, 64).join("")
  const entity = create(ctx, "snapshots", {
    name,
    labels: Input.optional(input, "labels", Input.labels) ?? [],
    parent_uuid: storage.id,
    parent_name: storage.fields.name,
    capacity: storage.fields.capacity,
    location_uuid: storage.fields.location_uuid,
    last_used_template: storage.fields.last_used_template ?? null,
    license_product_no: storage.fields.license_product_no ?? null
  })
  return created(ctx, entity)
}

const getSnapshot: Handler = (ctx, [id, snapshotId]) => {
  find(ctx, "storages", id!)
  return ok({ snapshot: Model.render(ctx.state, snapshotOf(ctx, id!, snapshotId!), ctx.now) })
}

const patchSnapshot: Handler = (ctx, [id, snapshotId]) => {
  find(ctx, "storages", id!)
  return patchFields(ctx, snapshotOf(ctx, id!, snapshotId!), patchChecks.snapshots)
}

const deleteSnapshot: Handler = (ctx, [id, snapshotId]) => {
  find(ctx, "storages", id!)
  return remove(ctx, snapshotOf(ctx, id!, snapshotId!))
}

const rollback: Handler = (ctx, [id, snapshotId]) => {
  const storage = find(ctx, "storages", id!)
  const snapshot = snapshotOf(ctx, id!, snapshotId!)
  const input = body(ctx)
  if (Input.required(input, "rollback", Input.boolean) !== true) {
    refuse(400, "Set 'rollback' to true to roll the storage back.")
  }
  storage.fields.capacity = snapshot.fields.capacity
  storage.changeTime = ctx.now
  startJob(ctx, "storages", storage, `rolled back to snapshot ${snapshot.id}`)
  return { status: 202, body: { request_uuid: ctx.requestId, object_uuid: storage.id } }
}

const exportToS3: Handler = (ctx, [id, snapshotId]) => {
  find(ctx, "storages", id!)
  const snapshot = snapshotOf(ctx, id!, snapshotId!)
  const input = body(ctx)
  Input.required(input, "s3auth", Input.object)
  Input.required(input, "s3data", Input.object)
  startJob(ctx, "snapshots", snapshot, "exported to S3")
  return { status: 202, body: { request_uuid: ctx.requestId, object_uuid: snapshot.id } }
}

/** Storages are imported from backups; the simulator keeps none, so every backup id is unknown. */
const importFromBackup: Handler = (ctx) => {
  const input = body(ctx)
  const backup = Input.required(input, "backup", Input.object)
  const id = Input.required(backup, "backup_uuid", Input.string)
  Input.optional(backup, "name", Input.name)
  return refuse(404, `No backup with the id '${id}'.`)
}

// ---------------------------------------------------------------------------------------------
// Requests and locations

const getRequest: Handler = (ctx, [id]) => {
  const job = ctx.state.jobs.get(id!) ?? refuse(404, `No request with the id '${id}'.`)
  const status = Model.jobStatus(job, ctx.now)
  const message = status === "pending" ? "In progress." : status === "done" ? "Success." : job.failMessage
  return ok({ [id!]: { status, message, create_time: Model.isoTime(job.createTime) } })
}

const byLocation = (family: Family): Handler => (ctx, [id]) => {
  find(ctx, "locations", id!)
  const inLocation = [...ctx.state.objects[family].values()].filter((e) => e.fields.location_uuid === id)
  return ok({ [family]: Model.renderMap(ctx.state, inLocation, ctx.now) })
}

// ---------------------------------------------------------------------------------------------
// The route table, from the spec's paths for these families

const creators: Readonly<Record<Exclude<Family, "snapshots">, Handler>> = {
  servers: createServer,
  storages: createStorage,
  ips: createIp,
  networks: createNetwork,
  sshkeys: createSshkey,
  templates: createTemplate,
  locations: createLocation,
  isoimages: createIsoimage
}

const familyRoutes = (family: Exclude<Family, "snapshots">): Array<Route> => {
  const one = (ctx: Context, id: string) => find(ctx, family, id)
  const routes: Array<Route> = [
    {
      segments: ["objects", family],
      methods: {
        GET: (ctx) => ok({ [family]: Model.renderMap(ctx.state, ctx.state.objects[family].values(), ctx.now) }),
        POST: creators[family]
      }
    },
    {
      segments: ["objects", family, ":id"],
      methods: {
        GET: (ctx, [id]) => ok({ [Model.singular[family]]: Model.render(ctx.state, one(ctx, id!), ctx.now) }),
        PATCH: (ctx, [id]) =>
          family === "storages"
            ? patchStorage(ctx, one(ctx, id!))
            : patchFields(ctx, one(ctx, id!), patchChecks[family]),
        DELETE: (ctx, [id]) => deleters[family](ctx, one(ctx, id!))
      }
    }
  ]
  if (family !== "locations") {
    routes.push({
      segments: ["objects", family, ":id", "events"],
      methods: { GET: (ctx, [id]) => events(ctx, one(ctx, id!)) }
    })
  }
  return routes
}

const relationRoutes = (kind: LinkKind): Array<Route> => [
  { segments: ["objects", "servers", ":id", kind], methods: { GET: listRelations(kind), POST: link(kind) } },
  {
    segments: ["objects", "servers", ":id", kind, ":oid"],
    // The spec has no PATCH for a server's IP relation.
    methods: kind === "ips"
      ? { GET: getRelation(kind), DELETE: unlink(kind) }
      : { GET: getRelation(kind), PATCH: patchRelation(kind), DELETE: unlink(kind) }
  }
]

const locationFamilies: ReadonlyArray<Family> = [
  "ips",
  "isoimages",
  "networks",
  "servers",
  "snapshots",
  "storages",
  "templates"
]

const deletedFamilies: ReadonlyArray<Family> = [
  "ips",
  "isoimages",
  "networks",
  "servers",
  "snapshots",
  "storages",
  "templates"
]

const listDeleted = (family: Family): Handler => (ctx) => {
  const shown: Record<string, unknown> = {}
  for (const [id, object] of ctx.state.deleted[family]) shown[id] = object
  return ok({ [`deleted_${family}`]: shown })
}

export const routes: ReadonlyArray<Route> = [
  { segments: ["requests", ":id"], methods: { GET: getRequest } },
  // Before the storage routes, whose `:id` would take "import".
  { segments: ["objects", "storages", "import"], methods: { POST: importFromBackup } },
  ...(["servers", "storages", "ips", "networks", "sshkeys", "templates", "locations", "isoimages"] as const).flatMap(
    familyRoutes
  ),
  {
    segments: ["objects", "servers", ":id", "power"],
    methods: { GET: (ctx, [id]) => ok({ power: find(ctx, "servers", id!).fields.power }), PATCH: power }
  },
  { segments: ["objects", "servers", ":id", "shutdown"], methods: { PATCH: shutdown } },
  {
    segments: ["objects", "servers", ":id", "metrics"],
    methods: { GET: (ctx, [id]) => (find(ctx, "servers", id!), ok({ server_metrics: [] })) }
  },
  ...Model.linkKinds.flatMap(relationRoutes),
  { segments: ["objects", "storages", ":id", "clone"], methods: { POST: clone } },
  { segments: ["objects", "storages", ":id", "snapshots"], methods: { GET: listSnapshots, POST: createSnapshot } },
  {
    segments: ["objects", "storages", ":id", "snapshots", ":sid"],
    methods: { GET: getSnapshot, PATCH: patchSnapshot, DELETE: deleteSnapshot }
  },
  { segments: ["objects", "storages", ":id", "snapshots", ":sid", "rollback"], methods: { PATCH: rollback } },
  { segments: ["objects", "storages", ":id", "snapshots", ":sid", "export_to_s3"], methods: { PATCH: exportToS3 } },
  ...deletedFamilies.map((family): Route => ({
    segments: ["objects", "deleted", family],
    methods: { GET: listDeleted(family) }
  })),
  ...locationFamilies.map((family): Route => ({
    segments: ["objects", "locations", ":id", family],
    methods: { GET: byLocation(family) }
  }))
]

/** The route whose segments match the path, and the values of its `:` parameters. */
export const match = (
  segments: ReadonlyArray<string>
): { readonly route: Route; readonly params: ReadonlyArray<string> } | undefined => {
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue
    const params: Array<string> = []
    let matched = true
    for (let i = 0; i < segments.length; i++) {
      const expected = route.segments[i]!
      if (expected.startsWith(":")) params.push(segments[i]!)
      else if (expected !== segments[i]) {
        matched = false
        break
      }
    }
    if (matched) return { route, params }
  }
  return undefined
}
