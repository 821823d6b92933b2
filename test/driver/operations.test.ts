import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import { existsSync } from "node:fs"
import { operations } from "../../src/generated/operations.js"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import { operationNames } from "../../src/internal/families.js"
import type * as Resource from "../../src/internal/resource.js"
import { example, fastConfig } from "./support.js"

/** The member of the service at a dotted path (`paas.services.create`). */
const at = (service: Gridscale.Service, name: string): unknown =>
  name.split(".").reduce<any>((node, key) => node?.[key], service)

/** Bodies of the definitions the spec gives no example of. */
const bodies: Readonly<Record<string, unknown>> = {
  PaasServiceCreate: { name: "db", paas_service_template_uuid: "template-1" },
  StorageImportFromBackup: { backup: { backup_uuid: "backup-1" } },
  CreateMarketplaceApplicationPayload: { unique_hash: "abc123" }
}

/**
 * The arguments an operation is called with here: an id per path parameter, then its body (the
 * spec's example). An attach takes the linked object's id as an argument of its own.
 */
const argumentsOf = (op: (typeof operations)[number]) => {
  const ids = op.pathParams.map((param) => (param === "label" ? "web server" : `${param.replace(/_/g, "-")}-1`))
  if (operationNames[op.operationId]!.method === "attach") return [...ids, "object-1", {}]
  if (op.body === undefined) return ids
  const file = new URL(`../fixtures/examples/${op.body.definition}.json`, import.meta.url)
  return [...ids, bodies[op.body.definition] ?? (existsSync(file) ? example(op.body.definition) : {})]
}

/** The path an operation should be sent to with `argumentsOf`'s ids. */
const pathOf = (op: (typeof operations)[number]) =>
  op.pathParams.reduce(
    (path, param) => path.replace(`{${param}}`, param === "label" ? "web%20server" : `${param.replace(/_/g, "-")}-1`),
    op.path
  )

describe("every operation of the spec", () => {
  it("has a driver name, and the driver has a method there", () =>
    Effect.gen(function*() {
      expect(operations).toHaveLength(148)
      const g = yield* Gridscale.Gridscale
      const missing = operations.filter((op) =>
        typeof at(g, operationNames[op.operationId]?.name ?? "?") !== "function"
      )
      expect(missing.map((op) => op.operationId)).toEqual([])
    }).pipe(Effect.provide(answering), Effect.runPromise))

  it.effect("is a span named after its path in the service, and sends its method to its path", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const wrong: Array<string> = []
      for (const op of operations) {
        const name = operationNames[op.operationId]!.name
        const { spans, tracer } = recording()
        sent.length = 0
        const method = at(g, name) as (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>
        yield* Effect.exit(method(...argumentsOf(op)).pipe(Effect.withTracer(tracer)))
        if (spans[0] !== `Gridscale.${name}`) wrong.push(`${name}: first span ${spans[0]}`)
        if (!sent.some((r) => r.method === op.method && r.path === pathOf(op))) {
          wrong.push(`${name}: sent ${sent.map((r) => `${r.method} ${r.path}`).join(", ") || "nothing"}`)
        }
      }
      expect(wrong).toEqual([])
    }).pipe(Effect.provide(answering)))
})

describe("a label is free text", () => {
  it.effect("sent percent-encoded; one that cannot be a path segment is InvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      sent.length = 0
      yield* Effect.exit(g.labels.get("team: ops & dev?#ü"))
      expect(sent.map((r) => r.path)).toEqual(["/objects/labels/team%3A%20ops%20%26%20dev%3F%23%C3%BC"])
      // A URL reads "." and ".." (also percent-encoded) as steps up the path, and "/" splits it.
      for (const label of ["", ".", "..", "a/b", "x".repeat(200)]) {
        const refused = yield* Effect.flip(g.labels.get(label))
        expect(refused._tag === "InvalidInput" && refused.field).toBe("label")
      }
      expect(sent).toHaveLength(1)
    }).pipe(Effect.provide(answering)))
})

describe("error types", () => {
  type ErrorOf<F> = F extends (...args: ReadonlyArray<any>) => Effect.Effect<any, infer E, any> ? E : never
  type Tags<E> = E extends { readonly _tag: infer T } ? T : never
  type JobOrInput = "JobFailed" | "JobTimeout" | "InvalidInput"

  it("a read names neither job errors nor InvalidInput it cannot produce; a write names them", () => {
    // Checked by the compiler: each line fails to compile if the error type is wider or narrower.
    const listNoJob: Extract<Tags<ErrorOf<Gridscale.Service["servers"]["list"]>>, JobOrInput> extends never ? true
      : false = true
    const getNoJob: Extract<Tags<ErrorOf<Gridscale.Service["firewalls"]["get"]>>, "JobFailed" | "JobTimeout"> extends
      never ? true : false = true
    const getInput: "InvalidInput" extends Tags<ErrorOf<Gridscale.Service["firewalls"]["get"]>> ? true : false = true
    const writeJob: JobOrInput extends Tags<ErrorOf<Gridscale.Service["paas"]["services"]["create"]>> ? true
      : false = true
    const read: Resource.ReadError["_tag"] = "ResourceNotFound"
    expect([listNoJob, getNoJob, getInput, writeJob, read]).toEqual([true, true, true, true, "ResourceNotFound"])
  })
})

// ---------------------------------------------------------------------------------------------
// An API that reads one server as powered on and answers every other request 404, and writes
// down what it was sent: enough for every operation to send its request and end.

const sent: Array<{ readonly method: string; readonly path: string }> = []

const answering = Gridscale.layer.pipe(
  Layer.provide(Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.sync(() => {
        sent.push({ method: request.method, path: url.pathname })
        const server = request.method === "GET" && url.pathname === "/objects/servers/server-uuid-1"
        const body = server ? { server: { object_uuid: "server-uuid-1", power: true } } : { message: "not found" }
        return HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify(body), {
            status: server ? 200 : 404,
            headers: { "content-type": "application/json", "x-request-id": "r-1" }
          })
        )
      })
    )
  )),
  Layer.provide(GridscaleConfig.layer({ ...fastConfig, retry: { maxRetries: 1, baseDelay: "1 millis" } }))
)

/** A tracer that keeps the names of the spans in the order they start. */
const recording = () => {
  const spans: Array<string> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, _startTime, kind) => {
      spans.push(name)
      return {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        traceId: "trace-1",
        parent,
        context,
        status: { _tag: "Started", startTime: 0n },
        attributes: new Map(),
        links,
        sampled: true,
        kind,
        end: () => {},
        attribute: () => {},
        event: () => {},
        addLinks: () => {}
      }
    },
    context: (f) => f()
  })
  return { spans, tracer }
}
