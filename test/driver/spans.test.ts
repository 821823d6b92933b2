import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as Gridscale from "../../src/Gridscale.js"
import { location, simulated } from "./support.js"

interface Recorded {
  readonly name: string
  readonly parent: string | undefined
  readonly attributes: Map<string, unknown>
}

/** A tracer that keeps every span's name, parent and attributes. */
const recording = () => {
  const spans: Array<Recorded> = []
  let next = 0
  const tracer = Tracer.make({
    span: (name, parent, context, links, _startTime, kind) => {
      const attributes = new Map<string, unknown>()
      const parentName = Option.getOrUndefined(Option.map(parent, (p) => (p._tag === "Span" ? p.name : "external")))
      spans.push({ name, parent: parentName, attributes })
      next += 1
      return {
        _tag: "Span",
        name,
        spanId: `span-${next}`,
        traceId: "trace-1",
        parent,
        context,
        status: { _tag: "Started", startTime: 0n },
        attributes,
        links,
        sampled: true,
        kind,
        end: () => {},
        attribute: (key, value) => void attributes.set(key, value),
        event: () => {},
        addLinks: () => {}
      }
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

describe("spans", () => {
  it.live("each operation is a span named after it, annotated with the ids it works on", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recording()
      const g = yield* Gridscale.Gridscale
      const storage = yield* g.storages.create({ name: "traced", capacity: 10, location_uuid: location }).pipe(
        Effect.withTracer(tracer)
      )
      yield* g.snapshots.create(storage.object_uuid, { name: "s" }).pipe(Effect.withTracer(tracer))
      const create = spans.find((s) => s.name === "Gridscale.storages.create")
      expect(create?.attributes.get("gridscale.storage.id")).toBe(storage.object_uuid)
      // The create's request id, to look the job up or quote it to gridscale's support.
      expect(create?.attributes.get("gridscale.request_id")).toMatch(/^[0-9a-f-]{36}$/)
      const snapshot = spans.find((s) => s.name === "Gridscale.storages.snapshots.create")
      expect(snapshot?.attributes.get("gridscale.storage.id")).toBe(storage.object_uuid)
      expect(typeof snapshot?.attributes.get("gridscale.snapshot.id")).toBe("string")
      // The re-read after the create is a child span of the create.
      expect(spans.find((s) => s.name === "GridscaleConnection.request" && s.parent?.includes("snapshots"))?.parent)
        .toBe("Gridscale.storages.snapshots.create")
    }).pipe(Effect.provide(simulated())))

  it.live("each request is a span below its operation with status, attempts and request id; polls leave the job's id alone", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recording()
      const g = yield* Gridscale.Gridscale
      yield* g.storages.create({ name: "traced", capacity: 10, location_uuid: location }).pipe(
        Effect.withTracer(tracer)
      )
      const jobId = spans.find((s) => s.name === "Gridscale.storages.create")?.attributes.get("gridscale.request_id")
      const write = spans.find((s) => s.name === "GridscaleConnection.asyncRequest")
      expect(write?.parent).toBe("Gridscale.storages.create")
      expect(write?.attributes.get("http.response.status_code")).toBe(202)
      expect(write?.attributes.get("gridscale.attempts")).toBe(1)
      expect(write?.attributes.get("gridscale.request_id")).toBe(jobId)
      // Every poll's reply has an X-Request-Id of its own: none may stand in for the job's.
      const wait = spans.find((s) => s.name === "GridscalePolling.awaitRequest")
      expect(wait?.parent).toBe("GridscaleConnection.asyncRequest")
      expect(wait?.attributes.get("gridscale.request_id")).toBe(jobId)
      expect(wait?.attributes.get("gridscale.polls")).toBeGreaterThanOrEqual(1)
      const read = spans.find((s) => s.name === "GridscaleConnection.request")
      expect(read?.parent).toBe("Gridscale.storages.create")
      expect(read?.attributes.get("http.response.status_code")).toBe(200)
      expect(read?.attributes.get("gridscale.attempts")).toBe(1)
      expect(read?.attributes.get("gridscale.request_id")).toMatch(/^[0-9a-f-]{36}$/)
      expect(read?.attributes.get("gridscale.request_id")).not.toBe(jobId)
    }).pipe(Effect.provide(simulated())))

  it.live("provision is one span, with its steps as child spans", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recording()
      const server = yield* Gridscale.provision({
        name: "traced",
        cores: 1,
        memory: 1,
        template: (yield* Gridscale.use((g) => g.templates.list()))[0]!.object_uuid,
        storageSize: 10,
        location,
        password: "correct-horse-battery"
      }).pipe(Effect.withTracer(tracer))
      const provision = spans.find((s) => s.name === "Gridscale.servers.provision")
      expect(provision?.attributes.get("gridscale.server.id")).toBe(server.object_uuid)
      const children = spans.filter((s) => s.parent === "Gridscale.servers.provision").map((s) => s.name)
      expect(children).toEqual(expect.arrayContaining([
        "Gridscale.servers.storages.attach",
        "Gridscale.servers.ips.attach",
        "Gridscale.servers.networks.attach",
        "Gridscale.servers.start",
        "Gridscale.servers.get"
      ]))
    }).pipe(Effect.provide(simulated())))
})
