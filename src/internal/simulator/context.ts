/** What a handler sees of a request, and the steps every write shares (job, event, reply). */
import type { Family } from "../families.js"
import type { Body } from "./input.js"
import { refuse } from "./input.js"
import type { Entity, Job, State } from "./model.js"
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
  /** The body, parsed and checked against the operation's request definition. */
  readonly input: Body
  /** Decides how long the job of this write takes and whether it fails. */
  readonly newJob: (info: JobInfo) => Job
  readonly onCreated: (family: string, name: string) => void
  readonly onWrite: () => void
}

export const ok = (body: unknown): Answer => ({ status: 200, body })

export const noContent: Answer = { status: 204 }

/** The object of `family` with `id`, or a 404 naming what is missing. */
export const find = (ctx: Context, family: Family, id: string): Entity =>
  Model.objectsOf(ctx.state, family.key).get(id) ?? refuse(404, `No ${family.title} with the id '${id}'.`)

/** Logs an event on an object, as `/events` lists it. */
export const logEvent = (ctx: Context, entity: Entity, family: Family, activity: string): void => {
  ctx.state.events.push({
    objectId: entity.id,
    objectType: family.singular ?? family.title,
    requestId: ctx.requestId,
    activity,
    requestType: ctx.method,
    change: activity,
    time: ctx.now,
    userId: ctx.userId
  })
}

/**
 * Registers the job of a write under the request id and counts the write. `jobFamily` is what
 * job durations and failures are chosen by: the list key of the family written to.
 */
export const startJob = (ctx: Context, jobFamily: string): string => {
  Model.addJob(ctx.state, ctx.requestId, ctx.newJob({ method: ctx.method, path: ctx.path, family: jobFamily }))
  ctx.onWrite()
  return ctx.requestId
}

/** A 202 naming the request and the object it is about. */
export const accepted = (ctx: Context, objectId: string, extra: Record<string, unknown> = {}): Answer => ({
  status: 202,
  body: { request_uuid: ctx.requestId, object_uuid: objectId, ...extra }
})

/** Objects of the seeded catalogue that belong to everyone: templates, ISO images, the public network and location. */
export const isPublic = (entity: Entity): boolean =>
  entity.fields.private === false || entity.fields.delete_block === true || entity.fields.public === true

export const truncate = (text: string): string => [...text].slice(0, 64).join("")
