/**
 * The generic engine: every operation of the descriptors is answered by the handler of its
 * method name (`list`, `get`, `create`, `update`, `delete`, `events`, `attach`, ...), reading its
 * family's paths, envelope keys and definitions from the descriptors. The few operations that
 * are not one of those (power, clone, rollback, labels, requests) have a handler of their own,
 * keyed by operationId.
 */
import type { Node } from "../../generated/definitions.js"
import { familyByKey } from "../families.js"
import type { Hooks } from "./behaviour.js"
import * as Behaviour from "./behaviour.js"
import type { Answer, Context } from "./context.js"
import { accepted, find, isPublic, logEvent, noContent, ok, startJob, truncate } from "./context.js"
import type { Body } from "./input.js"
import { dict, refuse } from "./input.js"
import type { Entity } from "./model.js"
import * as Model from "./model.js"
import type { Family, Served } from "./spec.js"
import { counterKey, objectFamilyOfRelation } from "./spec.js"
import { check, definition, propertyOf } from "./validate.js"

export type { Answer, Context }

/** A handler: the request, the operation's path parameters in order, and what is served. */
export type Handler = (ctx: Context, params: ReadonlyArray<string>, served: Served) => Answer

const family = (key: string): Family => familyByKey[key]!

const hooksOf = (f: Family): Hooks => Behaviour.hooks[f.key] ?? {}

const positive: Node = { type: "integer", minimum: 1 }
const flagInput: Node = { anyOf: [{ type: "boolean" }, { type: "string", enum: ["true", "false"] }] }
const labelsInput: Node = { anyOf: [{ type: "array", items: { type: "string" } }, { type: "string" }] }

/**
 * Where the simulator checks a request field other than its definition says. Stricter: cores
 * and memory are positive (the spec states no bound; zero makes no server). Looser where the
 * definition contradicts what clients send and the API takes: `auto_recovery` is typed string
 * but is a boolean everywhere else (the driver sends one); a firewall's `labels` is typed string
 * but is a list of strings like every other family's.
 */
const refined: Readonly<Record<string, Readonly<Record<string, Node>>>> = {
  ServerCreate: { cores: positive, memory: positive, auto_recovery: flagInput },
  ServerUpdate: { cores: positive, memory: positive, auto_recovery: flagInput },
  FirewallCreate: { labels: labelsInput },
  FirewallUpdate: { labels: labelsInput }
}

/** The definition a request body is checked against, with the refinements above. */
export const requestDefinition = (name: string): Node => {
  const base = definition(name)
  const changed = refined[name]
  if (changed === undefined || base.properties === undefined) return base
  return { ...base, properties: { ...base.properties, ...changed } }
}

/** The body checked against the operation's request definition: 400 naming the first problem. */
export const checkedInput = (served: Served, body: Body | undefined): Body => {
  const declared = served.operation.body
  if (declared === undefined) return body ?? dict()
  if (body === undefined) {
    return declared.required ? refuse(400, "The request body must be a JSON object.") : dict()
  }
  const problem = check(body, requestDefinition(declared.definition), "request")
  if (problem !== undefined) refuse(400, problem)
  return body
}

/** The parent object of a sub-family's operation (the storage of a snapshot), from the path. */
const parentOf = (ctx: Context, f: Family, params: ReadonlyArray<string>): Entity | undefined =>
  f.parent === undefined ? undefined : find(ctx, family(f.parent.family), params[0]!)

/** The object the path names, checked to belong to the parent the path names. */
const target = (ctx: Context, f: Family, params: ReadonlyArray<string>): Entity => {
  const parent = parentOf(ctx, f, params)
  const id = params[parent === undefined ? 0 : 1]!
  const entity = find(ctx, f, id)
  if (parent !== undefined && entity.parentId !== parent.id) {
    refuse(404, `No ${f.title} with the id '${id}' on this ${family(f.parent!.family).title}.`)
  }
  return entity
}

const childrenOf = (ctx: Context, f: Family, parent: Entity | undefined): Array<Entity> => {
  const all = [...Model.objectsOf(ctx.state, f.key).values()]
  return parent === undefined ? all : all.filter((e) => e.parentId === parent.id)
}

/** A list reply: a map keyed by id or an array, under the family's list key. */
const listed = (ctx: Context, f: Family, entities: ReadonlyArray<Entity>): Answer => {
  if (f.list === "array") {
    return ok({ [f.plural]: entities.map((e) => Behaviour.render(ctx.state, e, ctx.now, f.listItem)) })
  }
  const out: Record<string, unknown> = {}
  for (const e of entities) out[e.id] = Behaviour.render(ctx.state, e, ctx.now, f.listItem)
  return ok({ [f.plural]: out })
}

/** The fields of an input that the object's definition has, in the form the object shows them. */
const storable = (f: Family, input: Body): Record<string, unknown> => {
  const item = definition(f.item)
  const out = dict<unknown>()
  for (const key of Object.keys(input)) {
    const node = propertyOf(item, key)
    if (node !== undefined && check(input[key], node, "reply") === undefined) out[key] = input[key]
  }
  return out
}

/** A create's 202, shaped by the operation's reply definition from the new object. */
const createReply = (ctx: Context, served: Served, entity: Entity): Answer => {
  const f = served.family
  const response = served.operation.response
  const own = hooksOf(f).createReply?.(ctx, entity)
  if (response === undefined) return accepted(ctx, entity.id, own)
  const shown = Behaviour.render(ctx.state, entity, ctx.now)
  const computed: Record<string, unknown> = {
    ...shown,
    request_uuid: ctx.requestId,
    object_uuid: entity.id,
    ...(f.singular === undefined ? {} : { [`${f.singular}_uuid`]: entity.id }),
    ...own
  }
  return { status: served.operation.success, body: Model.shape(response, computed, {}) }
}

/** Logs the write as an event of `entity` and starts its job. */
const written = (ctx: Context, f: Family, entity: Entity, activity: string): string => {
  logEvent(ctx, entity, f, activity)
  return startJob(ctx, jobFamily(f))
}

/** Job durations and failures are chosen by the list key of the family written to (`snapshots`). */
const jobFamily = (f: Family): string => counterKey(f)

/** A write's answer when the operation documents no body: 204, or a 202 naming the object. */
const answered = (ctx: Context, served: Served, objectId: string): Answer =>
  served.operation.success === 204 ? noContent : accepted(ctx, objectId)

// ---------------------------------------------------------------------------------------------
// The handlers every family shares

const list: Handler = (ctx, params, { family: f }) => listed(ctx, f, childrenOf(ctx, f, parentOf(ctx, f, params)))

const get: Handler = (ctx, params, { family: f }) =>
  ok({ [f.singular!]: Behaviour.render(ctx.state, target(ctx, f, params), ctx.now) })

const create: Handler = (ctx, params, served) => {
  const f = served.family
  const parent = parentOf(ctx, f, params)
  const input = ctx.input
  const fields = storable(f, input)
  if (propertyOf(definition(f.item), "labels") !== undefined && fields.labels === undefined) fields.labels = []
  Object.assign(fields, hooksOf(f).create?.(ctx, input, parent))
  const entity = Model.addEntity(ctx.state, f.key, parent?.id, fields, ctx.now, ctx.requestId)
  written(ctx, f, entity, `${f.title} created`)
  ctx.onCreated(counterKey(f), typeof fields.name === "string" ? fields.name : "")
  hooksOf(f).created?.(ctx, entity)
  return createReply(ctx, served, entity)
}

/** Applies the fields of a change that the update definition knows; 422 when it names none. */
const update: Handler = (ctx, params, served) => {
  const f = served.family
  const entity = target(ctx, f, params)
  const known = definition(served.operation.body!.definition).properties ?? {}
  let changes = dict<unknown>()
  for (const key of Object.keys(ctx.input)) {
    if (Object.prototype.hasOwnProperty.call(known, key)) changes[key] = ctx.input[key]
  }
  if (Object.keys(changes).length === 0) refuse(422, "Must specify at least one parameter to change.")
  if (isPublic(entity)) refuse(403, `This ${f.title} is public and cannot be changed.`)
  changes = hooksOf(f).update?.(ctx, entity, changes) ?? changes
  Object.assign(entity.fields, storable(f, changes))
  entity.changeTime = ctx.now
  written(ctx, f, entity, `changed ${Object.keys(changes).join(", ")}`)
  return answered(ctx, served, entity.id)
}

/** The families listing what was deleted from `f`, by the family they list. */
const deletedLists = (f: Family): ReadonlyArray<Family> =>
  Object.values(familyByKey).filter((d) => d.deletedOf === f.key)

/** Deletes at once: frees its links, removes its children, keeps it for the deleted lists. */
const removeEntity = (ctx: Context, f: Family, entity: Entity): void => {
  for (const d of deletedLists(f)) {
    const shown = Behaviour.render(ctx.state, entity, ctx.now, d.item)
    Model.deletedOf(ctx.state, d.key).set(entity.id, {
      ...shown,
      status: "deleted",
      change_time: Model.isoTime(ctx.now)
    })
  }
  Model.objectsOf(ctx.state, f.key).delete(entity.id)
  if (f.key === "servers") Model.unlinkServer(ctx.state, entity.id)
  const relation = Behaviour.relations[f.key as Behaviour.LinkedFamily]
  if (relation !== undefined) Model.unlinkObject(ctx.state, relation, entity.id)
  for (const child of Object.values(familyByKey).filter((c) => c.parent?.family === f.key && c.list !== "array")) {
    for (const e of childrenOf(ctx, child, entity)) removeEntity(ctx, child, e)
  }
}

const remove: Handler = (ctx, params, served) => {
  const f = served.family
  const entity = target(ctx, f, params)
  if (isPublic(entity)) refuse(403, `This ${f.title} is public and cannot be deleted.`)
  hooksOf(f).remove?.(ctx, entity)
  removeEntity(ctx, f, entity)
  logEvent(ctx, entity, f, `${f.title} deleted`)
  startJob(ctx, jobFamily(f))
  return answered(ctx, served, entity.id)
}

const renderEvent = (e: Model.EventRecord, ctx: Context): Record<string, unknown> => {
  const job = ctx.state.jobs.get(e.requestId)
  return Model.shape("Event", {
    object_type: e.objectType,
    object_uuid: e.objectId,
    request_uuid: e.requestId,
    activity: e.activity,
    request_type: e.requestType,
    request_status: job === undefined ? "done" : Model.jobStatus(job, ctx.now),
    change: e.change,
    timestamp: Model.isoTime(e.time),
    user_uuid: e.userId
  }, {})
}

const events: Handler = (ctx, params, { family: f }) => {
  const entity = target(ctx, f, params)
  return ok({ events: ctx.state.events.filter((e) => e.objectId === entity.id).map((e) => renderEvent(e, ctx)) })
}

const listByLocation: Handler = (ctx, [id], { family: f }) => {
  find(ctx, family("locations"), id!)
  return listed(ctx, f, childrenOf(ctx, f, undefined).filter((e) => e.fields.location_uuid === id))
}

// ---------------------------------------------------------------------------------------------
// Server relations (attach, list, get, change, detach)

const objectFamily = (relation: Family): Family => family(objectFamilyOfRelation(relation))

const linkOf = (ctx: Context, relation: Family, serverId: string, objectId: string) =>
  Model.findLink(ctx.state, relation.key, serverId, objectId) ??
    refuse(404, `The ${objectFamily(relation).title} '${objectId}' is not attached to this server.`)

const attach: Handler = (ctx, [id], served) => {
  const relation = served.family
  const server = find(ctx, family("servers"), id!)
  const object = find(ctx, objectFamily(relation), ctx.input.object_uuid as string)
  if (Model.findLink(ctx.state, relation.key, server.id, object.id) !== undefined) {
    refuse(409, `The ${objectFamily(relation).title} is already attached to this server.`)
  }
  Behaviour.checkLink(ctx, relation.key, server, object)
  const fields = Model.fieldsFrom(Behaviour.linkFields(ctx, relation.key, server.id, ctx.input))
  Model.addLink(ctx.state, relation.key, { serverId: server.id, objectId: object.id, createTime: ctx.now, fields })
  written(ctx, family("servers"), server, `attached ${objectFamily(relation).title} ${object.id}`)
  return accepted(ctx, object.id)
}

const relationList: Handler = (ctx, [id], { family: relation }) => {
  find(ctx, family("servers"), id!)
  return ok({
    [relation.plural]: Model.serverLinks(ctx.state, relation.key, id!).map((l) =>
      Model.shape(relation.listItem, Behaviour.renderLink(ctx.state, relation.key, l), {})
    )
  })
}

const relationGet: Handler = (ctx, [id, objectId], { family: relation }) => {
  find(ctx, family("servers"), id!)
  const link = linkOf(ctx, relation, id!, objectId!)
  return ok({
    [relation.singular!]: Model.shape(relation.item, Behaviour.renderLink(ctx.state, relation.key, link), {})
  })
}

const relationUpdate: Handler = (ctx, [id, objectId], served) => {
  const relation = served.family
  const server = find(ctx, family("servers"), id!)
  const link = linkOf(ctx, relation, id!, objectId!)
  const known = definition(served.operation.body!.definition).properties ?? {}
  const changes = Object.keys(ctx.input).filter((key) => Object.prototype.hasOwnProperty.call(known, key))
  if (changes.length === 0) refuse(422, "Must specify at least one parameter to change.")
  for (const key of changes) link.fields[key] = ctx.input[key]
  written(ctx, family("servers"), server, `changed the link of ${objectFamily(relation).title} ${objectId}`)
  return answered(ctx, served, objectId!)
}

const detach: Handler = (ctx, [id, objectId], served) => {
  const relation = served.family
  const server = find(ctx, family("servers"), id!)
  linkOf(ctx, relation, id!, objectId!)
  Model.removeLink(ctx.state, relation.key, id!, objectId!)
  written(ctx, family("servers"), server, `detached ${objectFamily(relation).title} ${objectId}`)
  return answered(ctx, served, objectId!)
}

// ---------------------------------------------------------------------------------------------
// Operations of their own

/** The power state turns when the job is done, as the API turns power asynchronously. */
const changePower = (ctx: Context, server: Entity, wanted: boolean): Answer => {
  const jobId = written(ctx, family("servers"), server, wanted ? "power on" : "power off")
  Model.defer(ctx.state, jobId, () => {
    server.fields.power = wanted
    server.changeTime = ctx.state.jobs.get(jobId)?.doneAt ?? server.changeTime
  })
  return noContent
}

const getRequest: Handler = (ctx, [id]) => {
  const job = ctx.state.jobs.get(id!) ?? refuse(404, `No request with the id '${id}'.`)
  const status = Model.jobStatus(job, ctx.now)
  const message = status === "pending" ? "In progress." : status === "done" ? "Success." : job.failMessage
  return ok({ [id!]: { status, message, create_time: Model.isoTime(job.createTime) } })
}

const clone: Handler = (ctx, params, served) => {
  const source = target(ctx, served.family, params)
  const fields = Model.fieldsFrom(source.fields)
  fields.name = truncate(`${String(source.fields.name)} clone`)
  fields.labels = [...(source.fields.labels as Array<string>)]
  const entity = Model.addEntity(ctx.state, source.family, undefined, fields, ctx.now, ctx.requestId)
  written(ctx, served.family, entity, "storage cloned")
  ctx.onCreated(counterKey(served.family), String(fields.name))
  return createReply(ctx, served, entity)
}

const findBackup = (ctx: Context, id: string): Entity =>
  Model.objectsOf(ctx.state, "storages.backups").get(id) ?? refuse(404, `No backup with the id '${id}'.`)

/** A new storage from a backup, with the backup's capacity. */
const importFromBackup: Handler = (ctx, _params, served) => {
  const request = ctx.input.backup as Body
  const backup = findBackup(ctx, request.backup_uuid as string)
  const source = Model.objectsOf(ctx.state, "storages").get(backup.parentId!)
  const fields = Model.fieldsFrom({
    ...(source?.fields ?? {}),
    name: request.name ?? truncate(`${String(backup.fields.name)} import`),
    capacity: backup.fields.Capacity,
    labels: []
  })
  const entity = Model.addEntity(ctx.state, "storages", undefined, fields, ctx.now, ctx.requestId)
  written(ctx, served.family, entity, "storage imported")
  ctx.onCreated("storages", String(fields.name))
  return createReply(ctx, served, entity)
}

/** Rolls a storage back: to a snapshot, or to one of its backups. */
const rollback: Handler = (ctx, params, served) => {
  if (ctx.input.rollback !== true) refuse(400, "Set 'rollback' to true to roll the storage back.")
  const point = target(ctx, served.family, params)
  const storage = find(ctx, family("storages"), params[0]!)
  storage.fields.capacity = point.fields.capacity ?? point.fields.Capacity ?? storage.fields.capacity
  storage.changeTime = ctx.now
  written(ctx, family("storages"), storage, `rolled back to ${served.family.title} ${point.id}`)
  return accepted(ctx, storage.id)
}

const exportToS3: Handler = (ctx, params, served) => {
  const snapshot = target(ctx, served.family, params)
  for (const key of ["s3auth", "s3data"]) {
    if (ctx.input[key] === undefined) refuse(400, `The field '${key}' is required.`)
  }
  written(ctx, served.family, snapshot, "exported to S3")
  return accepted(ctx, snapshot.id)
}

/** Every label in use, with the objects carrying it. */
const labelIndex = (ctx: Context): Map<string, Record<string, unknown>> => {
  const found = new Map<string, { relations: Array<Record<string, unknown>>; first: number; last: number }>()
  for (const [familyKey, objects] of ctx.state.objects) {
    const f = family(familyKey)
    for (const entity of objects.values()) {
      const labels = entity.fields.labels
      if (!Array.isArray(labels)) continue
      for (const label of labels as Array<string>) {
        const entry = found.get(label) ?? { relations: [], first: entity.createTime, last: entity.changeTime }
        entry.relations.push({
          object_uuid: entity.id,
          object_type: f.singular ?? f.title,
          object_name: entity.fields.name ?? null
        })
        entry.first = Math.min(entry.first, entity.createTime)
        entry.last = Math.max(entry.last, entity.changeTime)
        found.set(label, entry)
      }
    }
  }
  const out = new Map<string, Record<string, unknown>>()
  for (const [label, entry] of found) {
    out.set(
      label,
      Model.shape("Label", {
        label,
        create_time: Model.isoTime(entry.first),
        change_time: Model.isoTime(entry.last),
        relations: entry.relations,
        status: "active"
      }, {})
    )
  }
  return out
}

// `Object.fromEntries` defines each key, so a label such as `__proto__` stays a key of the reply.
const labels: Handler = (ctx) => ok({ labels: Object.fromEntries(labelIndex(ctx)) })

const label: Handler = (ctx, [name]) => {
  const shown = labelIndex(ctx).get(name!) ?? refuse(404, `No object carries the label '${name}'.`)
  return ok({ label: shown })
}

const deletedList: Handler = (ctx, _params, { family: f }) => {
  const out: Record<string, unknown> = {}
  for (const [id, shown] of Model.deletedOf(ctx.state, f.key)) out[id] = shown
  return ok({ [f.plural]: out })
}

/** Handlers by operationId, for operations that are not one of the shared methods. */
const own: Readonly<Record<string, Handler>> = {
  getRequest,
  getServerPower: (ctx, [id]) => ok({ power: find(ctx, family("servers"), id!).fields.power }),
  updateServerPower: (ctx, [id]) => changePower(ctx, find(ctx, family("servers"), id!), ctx.input.power === true),
  ServerPowerShutdown: (ctx, [id]) => changePower(ctx, find(ctx, family("servers"), id!), false),
  getServerMetrics: (ctx, [id]) => (find(ctx, family("servers"), id!), ok({ server_metrics: [] })),
  getPaasServiceMetrics: (ctx, [id]) => (find(ctx, family("paas.services"), id!), ok({ paas_service_metrics: [] })),
  renewPaasServiceCredentials: (ctx, params, served) => {
    const service = target(ctx, served.family, params)
    service.fields.credentials = Behaviour.credentials(ctx)
    written(ctx, served.family, service, "credentials renewed")
    return noContent
  },
  storageClone: clone,
  storageImport: importFromBackup,
  StorageRollback: rollback,
  rollbackStorageBackup: rollback,
  SnapshotExportToS3: exportToS3,
  GetLabels: labels,
  GetLabel: label,
  EventGetAll: (ctx) => ok({ events: ctx.state.events.map((e) => renderEvent(e, ctx)) }),
  getBuckets: () => ok({ Buckets: [] })
}

/** Handlers of the shared methods, by method name within a family. */
const shared: Readonly<Record<string, Handler>> = {
  list,
  get,
  create,
  update,
  delete: remove,
  events,
  listByLocation
}

const relationHandlers: Readonly<Record<string, Handler>> = {
  list: relationList,
  get: relationGet,
  attach,
  update: relationUpdate,
  detach
}

/** The handler of an operation, or `undefined` (a gap the conformance test reports). */
export const handlerOf = (served: Served): Handler | undefined => {
  const special = own[served.operation.operationId]
  if (special !== undefined) return special
  if (served.family.deletedOf !== undefined) return deletedList
  if (served.family.parent?.family === "servers") return relationHandlers[served.name]
  return shared[served.name]
}
