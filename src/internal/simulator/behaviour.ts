/**
 * What families do beyond storing, showing, changing and deleting what they are given: only the
 * behaviour that differs from one family to the next (an IP's address, a storage's template and
 * growth-only capacity, 424 on deleting an attached storage, a server's relations and limits).
 * Everything else is the generic engine in `routes.ts`, driven by the descriptors.
 */
import { capacityBounds, familyByKey, serverLimits } from "../families.js"
import * as Catalogue from "./catalogue.js"
import type { Context } from "./context.js"
import { find, truncate } from "./context.js"
import type { Body } from "./input.js"
import { refuse } from "./input.js"
import type { Entity, Link, State } from "./model.js"
import * as Model from "./model.js"

/** The hooks of one family. Every one is optional: a family without hooks is fully generic. */
export interface Hooks {
  /** Checks of a create beyond its definition, and fields the object gets besides its input. */
  readonly create?: (ctx: Context, input: Body, parent: Entity | undefined) => Record<string, unknown>
  /** After the object is stored: changes that follow once its job is done. */
  readonly created?: (ctx: Context, entity: Entity) => void
  /** Checks of a change beyond its definition; returns the changes to store. */
  readonly update?: (ctx: Context, entity: Entity, changes: Body) => Body
  /** Checks before a delete (the object may be in use). */
  readonly remove?: (ctx: Context, entity: Entity) => void
  /** Fields computed when the object is shown (relations, lists of children). */
  readonly render?: (state: State, entity: Entity, now: number) => Record<string, unknown>
  /** Fields of the create's reply beyond what the generic reply fills from the object. */
  readonly createReply?: (ctx: Context, entity: Entity) => Record<string, unknown>
}

const family = (key: string) => familyByKey[key]!

const nameOf = (state: State, familyKey: string, id: string): unknown =>
  Model.objectsOf(state, familyKey).get(id)?.fields.name ?? null

/** Where a new object goes: the location it names (404 if unknown) or the seeded one. */
export const locationOf = (ctx: Context, input: Body): string => {
  const id = input.location_uuid
  if (id === undefined) return Catalogue.location.object_uuid
  if (typeof id !== "string") return refuse(400, "The field 'location_uuid' must be a string.")
  return find(ctx, family("locations"), id).id
}

// ---------------------------------------------------------------------------------------------
// Server relations: how a link is shown on either side

/** The relation family keys by the family of what they link. */
export const relations = {
  storages: "servers.storages",
  ips: "servers.ips",
  networks: "servers.networks",
  isoImages: "servers.isoImages"
} as const

export type LinkedFamily = keyof typeof relations

/** A link as the server shows it (`relations.storages`, `/servers/{id}/storages`). */
export const renderLink = (state: State, relation: string, link: Link): Record<string, unknown> => {
  switch (relation) {
    case relations.storages: {
      const storage = Model.objectsOf(state, "storages").get(link.objectId)
      return {
        object_uuid: link.objectId,
        object_name: storage?.fields.name ?? null,
        server_uuid: link.serverId,
        storage_type: storage?.fields.storage_type ?? "storage",
        capacity: storage?.fields.capacity ?? null,
        last_used_template: storage?.fields.last_used_template ?? null,
        license_product_no: storage?.fields.license_product_no ?? null,
        create_time: Model.isoTime(link.createTime),
        ...link.fields
      }
    }
    case relations.ips: {
      const ip = Model.objectsOf(state, "ips").get(link.objectId)
      return {
        object_uuid: link.objectId,
        server_uuid: link.serverId,
        ip: ip?.fields.ip ?? null,
        prefix: ip?.fields.prefix ?? null,
        family: ip?.fields.family ?? null,
        create_time: Model.isoTime(link.createTime)
      }
    }
    case relations.networks: {
      const network = Model.objectsOf(state, "networks").get(link.objectId)
      return {
        object_uuid: link.objectId,
        network_uuid: link.objectId,
        object_name: network?.fields.name ?? null,
        server_uuid: link.serverId,
        network_type: network?.fields.network_type ?? "network",
        public_net: network?.fields.public_net ?? false,
        l2security: network?.fields.l2security ?? false,
        partner_uuid: null,
        create_time: Model.isoTime(link.createTime),
        ...link.fields
      }
    }
    default: {
      const iso = Model.objectsOf(state, "isoImages").get(link.objectId)
      return {
        object_uuid: link.objectId,
        object_name: iso?.fields.name ?? null,
        server_uuid: link.serverId,
        private: iso?.fields.private ?? false,
        create_time: Model.isoTime(link.createTime),
        ...link.fields
      }
    }
  }
}

/** A server relation's links, shaped by the relation's list definition. */
const linksShown = (state: State, relation: string, serverId: string): Array<Record<string, unknown>> => {
  const shownAs = family(relation).listItem
  return Model.serverLinks(state, relation, serverId).map((l) =>
    Model.shape(shownAs, renderLink(state, relation, l), {})
  )
}

/** The fields of a new link: boot order, bus position, MAC address. */
export const linkFields = (ctx: Context, relation: string, serverId: string, input: Body): Record<string, unknown> => {
  const count = Model.serverLinks(ctx.state, relation, serverId).length
  switch (relation) {
    case relations.storages:
      return { bootdevice: input.bootdevice ?? count === 0, controller: 0, bus: 0, target: 0, lun: count }
    case relations.networks:
      return {
        bootdevice: input.bootdevice ?? false,
        ordering: input.ordering ?? count,
        l3security: input.l3security ?? null,
        firewall: input.firewall ?? null,
        firewall_template_uuid: input.firewall_template_uuid ?? null,
        mac: Model.newMac(ctx.state)
      }
    case relations.isoImages:
      return { bootdevice: input.bootdevice ?? false }
    default:
      return {}
  }
}

/**
 * What a server takes (the spec's prose): at most 8 storages, one of them local, and one ISO
 * image; a storage or an IP belongs to one server at a time; networks are shared. 409 otherwise.
 */
export const checkLink = (ctx: Context, relation: string, server: Entity, object: Entity): void => {
  const linked = Model.serverLinks(ctx.state, relation, server.id)
  if (relation === relations.storages) {
    if (linked.length >= serverLimits.storages) {
      refuse(409, `A server takes at most ${serverLimits.storages} storages.`)
    }
    const locals = linked.filter((l) =>
      Model.objectsOf(ctx.state, "storages").get(l.objectId)?.fields.storage_variant === "local"
    )
    if (object.fields.storage_variant === "local" && locals.length >= serverLimits.localStorages) {
      refuse(409, `A server takes at most ${serverLimits.localStorages} local storage.`)
    }
  }
  if (relation === relations.isoImages && linked.length >= serverLimits.isoImages) {
    refuse(409, `A server takes at most ${serverLimits.isoImages} ISO image.`)
  }
  if (
    (relation === relations.storages || relation === relations.ips) &&
    Model.linkCount(ctx.state, relation, object.id) > 0
  ) {
    refuse(409, `The ${family(relation).title.replace("server ", "")} is linked to another server.`)
  }
}

/** The servers an object is linked to, as the object's `relations.servers` shows them. */
const serversOf = (state: State, relation: string, objectId: string) => Model.objectLinks(state, relation, objectId)

// ---------------------------------------------------------------------------------------------
// Families

const hardwareProfileDefault = "default"

/** `auto_recovery` is a boolean in replies; the spec types it as a string in requests: read both. */
const flag = (value: unknown): boolean | undefined =>
  typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined

const servers: Hooks = {
  create: (ctx, input) => ({
    location_uuid: locationOf(ctx, input),
    hardware_profile: input.hardware_profile ?? hardwareProfileDefault,
    auto_recovery: flag(input.auto_recovery) ?? true,
    availability_zone: input.availability_zone ?? null,
    power: false,
    legacy: false,
    console_token: Model.newId(ctx.state).replace(/-/g, "")
  }),
  update: (_ctx, _entity, changes) =>
    changes.auto_recovery === undefined ? changes : { ...changes, auto_recovery: flag(changes.auto_recovery) },
  render: (state, entity) => ({
    relations: {
      storages: linksShown(state, relations.storages, entity.id),
      public_ips: linksShown(state, relations.ips, entity.id),
      networks: linksShown(state, relations.networks, entity.id),
      isoimages: linksShown(state, relations.isoImages, entity.id)
    }
  })
}

const templateOf = (ctx: Context, input: Body): Entity | undefined => {
  const template = input.template as Body | undefined
  if (template === undefined) return undefined
  // The definition's oneOf: a password with its type, or SSH keys (at least one).
  if (
    template.password_type !== undefined && template.password_type !== "plain" && template.password_type !== "crypt"
  ) {
    refuse(400, "The field 'template.password_type' must be one of plain, crypt.")
  }
  const keys = template.sshkeys as Array<string> | undefined
  if (template.password === undefined && (keys === undefined || keys.length === 0)) {
    refuse(
      400,
      "A storage from a template needs 'template.password' and 'template.password_type', or 'template.sshkeys'."
    )
  }
  return find(ctx, family("templates"), template.template_uuid as string)
}

/** A local storage is capped at 500 GB (the spec's prose). */
const checkLocalCapacity = (variant: unknown, capacity: unknown): void => {
  if (variant === "local" && typeof capacity === "number" && capacity > capacityBounds.localMaximum) {
    refuse(400, `A local storage holds at most ${capacityBounds.localMaximum} GB.`)
  }
}

const storageSnapshots = (state: State, storage: Entity): Array<Record<string, unknown>> =>
  [...Model.objectsOf(state, "storages.snapshots").values()]
    .filter((s) => s.parentId === storage.id)
    .map((s) => ({
      object_uuid: s.id,
      storage_uuid: storage.id,
      object_name: s.fields.name,
      schedules_snapshot_uuid: s.fields.schedules_snapshot_uuid ?? null,
      schedules_snapshot_name: s.fields.schedules_snapshot_name ?? null,
      last_used_template: s.fields.last_used_template ?? null,
      create_time: Model.isoTime(s.createTime)
    }))

const storages: Hooks = {
  create: (ctx, input) => {
    const template = templateOf(ctx, input)
    const minimum = Number(template?.fields.capacity ?? 1)
    if ((input.capacity as number) < minimum) refuse(400, `The template needs a capacity of at least ${minimum} GB.`)
    const variant = input.storage_variant ?? "distributed"
    checkLocalCapacity(variant, input.capacity)
    return {
      location_uuid: locationOf(ctx, input),
      storage_type: input.storage_type ?? "storage",
      storage_variant: variant,
      last_used_template: template?.id ?? null,
      license_product_no: template?.fields.license_product_no ?? null,
      parent_uuid: null
    }
  },
  update: (_ctx, entity, changes) => {
    // The API grows storages but cannot shrink them.
    if (typeof changes.capacity === "number" && changes.capacity < Number(entity.fields.capacity)) {
      refuse(400, "A storage's capacity can only grow.")
    }
    checkLocalCapacity(entity.fields.storage_variant, changes.capacity)
    return changes
  },
  remove: (ctx, entity) => {
    if (Model.linkCount(ctx.state, relations.storages, entity.id) > 0) {
      refuse(424, "The storage is attached to a server; detach it first.")
    }
  },
  render: (state, entity) => ({
    snapshots: storageSnapshots(state, entity),
    relations: {
      servers: serversOf(state, relations.storages, entity.id).map((l) => ({
        object_uuid: l.serverId,
        object_name: nameOf(state, "servers", l.serverId),
        bootdevice: l.fields.bootdevice,
        bus: l.fields.bus,
        controller: l.fields.controller,
        target: l.fields.target,
        lun: l.fields.lun,
        create_time: Model.isoTime(l.createTime)
      })),
      snapshot_schedules: [...Model.objectsOf(state, "storages.snapshotSchedules").values()]
        .filter((s) => s.parentId === entity.id)
        .map((s) => ({
          object_uuid: s.id,
          object_name: s.fields.name,
          name: s.fields.name,
          next_runtime: s.fields.next_runtime,
          keep_snapshots: s.fields.keep_snapshots,
          run_interval: s.fields.run_interval,
          create_time: Model.isoTime(s.createTime)
        }))
    }
  })
}

/** What a snapshot takes from its storage. */
const snapshotOf = (storage: Entity, name: string): Record<string, unknown> => ({
  name,
  parent_uuid: storage.id,
  parent_name: storage.fields.name,
  capacity: storage.fields.capacity,
  location_uuid: storage.fields.location_uuid,
  last_used_template: storage.fields.last_used_template ?? null,
  license_product_no: storage.fields.license_product_no ?? null
})

const snapshots: Hooks = {
  create: (_ctx, input, storage) =>
    snapshotOf(storage!, (input.name as string | undefined) ?? truncate(`${String(storage!.fields.name)} Snapshot`))
}

const minutes = 60_000

/**
 * A schedule runs once, when its create job is done (no later runs: enough to see what a run
 * makes): `make` adds what the run makes under the schedule's storage, at that time.
 */
const firstRun =
  (make: (state: State, schedule: Entity, storage: Entity, at: number, jobId: string) => void) =>
  (ctx: Context, schedule: Entity): void => {
    const storage = Model.objectsOf(ctx.state, "storages").get(schedule.parentId!)
    const jobId = ctx.requestId
    Model.defer(ctx.state, jobId, () => {
      if (schedule.fields.active === false || storage === undefined) return
      if (!Model.objectsOf(ctx.state, schedule.family).has(schedule.id)) return
      make(ctx.state, schedule, storage, ctx.state.jobs.get(jobId)?.doneAt ?? ctx.now, jobId)
    })
  }

const scheduleFields = (ctx: Context, input: Body, storage: Entity | undefined) => ({
  storage_uuid: storage!.id,
  next_runtime: input.next_runtime ?? Model.isoTime(ctx.now + Number(input.run_interval) * minutes)
})

/** A snapshot schedule's run takes a snapshot that names the schedule. */
const snapshotSchedules: Hooks = {
  create: scheduleFields,
  created: firstRun((state, schedule, storage, at, jobId) => {
    Model.addEntity(
      state,
      "storages.snapshots",
      storage.id,
      Model.fieldsFrom({
        ...snapshotOf(storage, `${String(schedule.fields.name)} run`),
        labels: [],
        schedules_snapshot_uuid: schedule.id,
        schedules_snapshot_name: schedule.fields.name
      }),
      at,
      jobId
    ).changeTime = at
  })
}

/** An active backup schedule's run makes a backup of the storage. */
const backupSchedules: Hooks = {
  create: scheduleFields,
  created: firstRun((state, schedule, storage, at, jobId) => {
    Model.addEntity(
      state,
      "storages.backups",
      storage.id,
      Model.fieldsFrom({ name: `${String(schedule.fields.name)} backup`, Capacity: storage.fields.capacity }),
      at,
      jobId
    ).changeTime = at
  })
}

const ips: Hooks = {
  create: (ctx, input) => {
    const ipFamily = input.family as 4 | 6
    const address = ipFamily === 4 ? Model.allocateIpv4(ctx.state) : Model.allocateIpv6(ctx.state)
    if (address === undefined) return refuse(416, "The IPv4 address pool is exhausted.")
    return {
      name: input.name ?? "",
      ip: address,
      prefix: `${address}/${ipFamily === 4 ? 32 : 128}`,
      location_uuid: locationOf(ctx, input),
      failover: input.failover ?? false,
      reverse_dns: input.reverse_dns ?? `static-${address.replace(/[.:]/g, "-")}.ipv${ipFamily}.simulator.example`,
      delete_block: false,
      partner_uuid: null
    }
  },
  remove: (ctx, entity) => Model.releaseIp(ctx.state, entity.fields.ip),
  render: (state, entity) => ({
    relations: {
      servers: serversOf(state, relations.ips, entity.id).map((l) => ({
        server_uuid: l.serverId,
        server_name: nameOf(state, "servers", l.serverId),
        create_time: Model.isoTime(l.createTime)
      })),
      loadbalancers: []
    }
  })
}

const networks: Hooks = {
  create: (ctx, input) => ({
    location_uuid: locationOf(ctx, input),
    l2security: input.l2security ?? false,
    public_net: false,
    network_type: "network",
    delete_block: false
  }),
  render: (state, entity) => ({
    relations: {
      servers: serversOf(state, relations.networks, entity.id).map((l) => ({
        object_uuid: l.serverId,
        object_name: nameOf(state, "servers", l.serverId),
        network_uuid: entity.id,
        bootdevice: l.fields.bootdevice,
        ordering: l.fields.ordering,
        mac: l.fields.mac,
        l3security: l.fields.l3security,
        create_time: Model.isoTime(l.createTime)
      })),
      vlans: []
    }
  })
}

const isoImages: Hooks = {
  create: (ctx, input) => ({
    location_uuid: locationOf(ctx, input),
    description: null,
    version: null,
    private: true,
    capacity: 1
  }),
  render: (state, entity) => ({
    relations: {
      servers: serversOf(state, relations.isoImages, entity.id).map((l) => ({
        object_uuid: l.serverId,
        object_name: nameOf(state, "servers", l.serverId),
        bootdevice: l.fields.bootdevice,
        create_time: Model.isoTime(l.createTime)
      }))
    }
  })
}

const templates: Hooks = {
  create: (ctx, input) => {
    const snapshot = find(ctx, family("storages.snapshots"), input.snapshot_uuid as string)
    const source = typeof snapshot.fields.last_used_template === "string"
      ? Model.objectsOf(ctx.state, "templates").get(snapshot.fields.last_used_template)
      : undefined
    return {
      location_uuid: snapshot.fields.location_uuid,
      capacity: snapshot.fields.capacity,
      ostype: source?.fields.ostype ?? "linux",
      distro: source?.fields.distro ?? null,
      version: source?.fields.version ?? null,
      description: null,
      private: true,
      license_product_no: source?.fields.license_product_no ?? null
    }
  }
}

const locations: Hooks = {
  create: (ctx, input) => {
    const parent = find(ctx, family("locations"), input.parent_location_uuid as string)
    return { iata: parent.fields.iata, country: parent.fields.country, active: true, public: false }
  },
  // A location shows no times or status of its own in the spec; only its id and fields.
  render: () => ({ status: "active" })
}

const sshKeys: Hooks = {
  create: (ctx) => ({ user_uuid: ctx.userId })
}

const firewalls: Hooks = {
  create: () => ({ private: true, description: null, location_name: null }),
  render: () => ({ relations: { networks: [] } })
}

const located: Hooks = {
  create: (ctx, input) => ({ location_uuid: locationOf(ctx, input) })
}

/** Fresh credentials of a PaaS service (on create and on renewal). */
export const credentials = (ctx: Context): Array<Record<string, unknown>> => [
  { type: "plain", username: "admin", password: Model.newId(ctx.state).replace(/-/g, ""), expiration_time: null }
]

const paasServices: Hooks = {
  create: (ctx, input) => {
    const template = find(ctx, family("paas.templates"), input.paas_service_template_uuid as string)
    return {
      service_template_uuid: template.id,
      security_zone_uuid: input.paas_security_zone_uuid ?? null,
      credentials: credentials(ctx),
      listen_ports: {},
      upgrade_options: []
    }
  }
}

const securityZones: Hooks = {
  ...located,
  render: () => ({ relations: { services: [] } })
}

const accessKeys: Hooks = {
  create: (ctx) => ({
    secret_key: Model.newId(ctx.state).replace(/-/g, ""),
    user: ctx.userId
  }),
  createReply: (ctx, entity) => ({
    request_uuid: ctx.requestId,
    access_key: { access_key: entity.id, secret_key: entity.fields.secret_key }
  })
}

const applications: Hooks = {
  create: (ctx) => ({
    unique_hash: Model.newId(ctx.state).replace(/-/g, ""),
    application_owner: true,
    application_type: "CMS",
    published: false,
    publish_requested: false,
    published_global: false,
    publish_global_requested: false
  })
}

/** The hooks of each family that has behaviour of its own, by family key. */
export const hooks: Readonly<Record<string, Hooks>> = {
  servers,
  storages,
  "storages.snapshots": snapshots,
  "storages.snapshotSchedules": snapshotSchedules,
  "storages.backupSchedules": backupSchedules,
  ips,
  networks,
  isoImages,
  templates,
  locations,
  sshKeys,
  firewalls,
  loadBalancers: located,
  "paas.services": paasServices,
  "paas.securityZones": securityZones,
  "objectStorage.accessKeys": accessKeys,
  "marketplace.applications": applications
}

/** An object as the API shows it, shaped by its family's definition (or `as`, e.g. a list entry's). */
export const render = (state: State, entity: Entity, now: number, as?: string): Record<string, unknown> => {
  const owner = family(entity.family)
  const computed: Record<string, unknown> = Model.common(state, entity, now, owner.idField)
  if (owner.parent !== undefined && entity.parentId !== undefined) computed[owner.parent.param] = entity.parentId
  const extra = hooks[entity.family]?.render?.(state, entity, now)
  return Model.shape(as ?? owner.item, extra === undefined ? computed : Object.assign(computed, extra), entity.fields)
}
