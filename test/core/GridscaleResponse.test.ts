import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as GridscalePolling from "../../src/GridscalePolling.js"
import * as GridscaleResponse from "../../src/GridscaleResponse.js"
import * as S from "../../src/internal/schema.js"

const reply = (status: number, body: string, headers: Record<string, string> = {}): GridscaleResponse.Reply => ({
  status,
  method: "POST",
  path: "/objects/servers",
  headers: { "x-request-id": "req-1", ...headers },
  body
})

describe("GridscaleResponse", () => {
  it("accepts 200, 201, 202 and 204 and nothing else", () => {
    for (const status of [200, 201, 202, 204]) expect(GridscaleResponse.isSuccess(status)).toBe(true)
    for (const status of [203, 301, 400, 404, 429, 500]) expect(GridscaleResponse.isSuccess(status)).toBe(false)
  })

  it("maps every status to the tag of DESIGN.md's table", () => {
    const table: Array<[number, string]> = [
      [400, "InvalidRequest"],
      [401, "InvalidCredentials"],
      [402, "QuotaExceeded"],
      [403, "AccessDenied"],
      [404, "ResourceNotFound"],
      [405, "InvalidRequest"],
      [409, "Conflict"],
      [415, "InvalidRequest"],
      [416, "QuotaExceeded"],
      [422, "InvalidRequest"],
      [424, "ResourceLocked"],
      [429, "RateLimitExceeded"],
      [500, "ServerError"],
      [502, "ServerError"],
      [503, "ServerError"],
      [418, "UnexpectedStatus"],
      [302, "UnexpectedStatus"]
    ]
    for (const [status, tag] of table) {
      const error = GridscaleResponse.parseError(reply(status, ""))
      expect([status, error._tag]).toEqual([status, tag])
      expect(error.status).toBe(status)
      expect(error.method).toBe("POST")
      expect(error.path).toBe("/objects/servers")
      expect(error.requestId).toBe("req-1")
    }
  })

  it("reads {title, description}", () => {
    const error = GridscaleResponse.parseError(
      reply(400, JSON.stringify({ title: "Bad", description: "name too long" }))
    )
    expect(error.title).toBe("Bad")
    expect(error.description).toBe("name too long")
    expect(error.message).toContain("name too long")
  })

  it("reads {id, message} of a 429 and the reset time", () => {
    const error = GridscaleResponse.parseError(
      reply(429, JSON.stringify({ id: "too_many_requests", message: "API Rate limit exceeded." }), {
        "ratelimit-reset": "1573468299256"
      })
    )
    expect(error._tag).toBe("RateLimitExceeded")
    expect(error.title).toBe("too_many_requests")
    expect(error.description).toBe("API Rate limit exceeded.")
    if (error._tag === "RateLimitExceeded") {
      expect(error.resetAt && DateTime.toEpochMillis(error.resetAt)).toBe(1573468299256)
    }
  })

  it("reads {message}, plain text, an empty body and invalid JSON", () => {
    expect(GridscaleResponse.parseError(reply(404, JSON.stringify({ message: "gone" }))).description).toBe("gone")
    expect(GridscaleResponse.parseError(reply(500, "upstream exploded")).description).toBe("upstream exploded")
    const empty = GridscaleResponse.parseError(reply(404, ""))
    expect(empty.title).toBeUndefined()
    expect(empty.message).toContain("404")
    expect(GridscaleResponse.parseError(reply(400, "{not json")).description).toBe("{not json")
  })

  it("says the reason phrase once when the body's title repeats it", () => {
    const error = GridscaleResponse.parseError(
      reply(404, JSON.stringify({ title: "Not Found", description: "Not Found" }))
    )
    expect(error.message).toBe(
      "POST /objects/servers answered 404 Not Found the object does not exist or is not visible to this token " +
        "(request id req-1)"
    )
    const detailed = GridscaleResponse.parseError(
      reply(409, JSON.stringify({ title: "Conflict", description: "busy" }))
    )
    expect(detailed.message).not.toMatch(/Conflict Conflict/)
    expect(detailed.message).toContain("busy")
  })

  it("names where a redirect points, as UnexpectedStatus", () => {
    const error = GridscaleResponse.parseError(reply(302, "", { location: "https://elsewhere.example/x" }))
    expect(error._tag).toBe("UnexpectedStatus")
    expect(error.message).toBe(
      "POST /objects/servers answered 302 redirecting to \"https://elsewhere.example/x\", which is not followed: " +
        "check the API URL"
    )
  })

  it("says whether a write may have happened after a 5xx", () => {
    const outcome = (status: number, method: string) => {
      const error = GridscaleResponse.parseError({ ...reply(status, ""), method })
      return error._tag === "ServerError" ? error.outcomeUnknown : undefined
    }
    expect(outcome(500, "POST")).toBe(true)
    expect(outcome(502, "PATCH")).toBe(true)
    expect(outcome(503, "POST")).toBe(false)
    expect(outcome(500, "GET")).toBe(false)
  })

  it.effect("names the field that does not match the schema", () =>
    Effect.gen(function*() {
      const schema = Schema.Struct({ server: Schema.Struct({ name: Schema.String, cores: Schema.Number }) })
      const error = yield* Effect.flip(
        GridscaleResponse.decode(reply(200, JSON.stringify({ server: { name: "a", cores: "two" } })), schema, {
          outcomeUnknown: false
        })
      )
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error.field).toBe("server.cores")
      expect(error.message).toContain("server.cores")
    }))

  it.effect("refuses a body that is not JSON", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        GridscaleResponse.decode(reply(202, "<html>"), Schema.Unknown, { outcomeUnknown: true })
      )
      expect(error.outcomeUnknown).toBe(true)
      expect(error.message).toContain("not JSON")
    }))

  it.effect("lets unknown fields through", () =>
    Effect.gen(function*() {
      const value = yield* GridscaleResponse.decode(
        reply(200, JSON.stringify({ name: "a", user_data: "x" })),
        Schema.Struct({ name: Schema.String }),
        { outcomeUnknown: false }
      )
      expect(value).toEqual({ name: "a", user_data: "x" })
    }))
})

describe("GridscaleResponse.decode with hostile replies", () => {
  const get = (body: string): GridscaleResponse.Reply => ({ ...reply(200, body), method: "GET" })
  const Item = S.open("Item", {
    object_uuid: S.Id,
    cores: S.optionalNumber,
    power: S.optionalBoolean,
    labels: S.optionalLabels,
    create_time: Schema.optional(S.Timestamp)
  })
  const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth)

  it.effect("an array nested 3,000 deep in a checked field is a ResponseDecodeError naming the field", () =>
    Effect.gen(function*() {
      const body = `{"item":{"object_uuid":"a","labels":${deep(3_000)}}}`
      const error = yield* Effect.flip(
        GridscaleResponse.decode(get(body), S.under("item", Item), { outcomeUnknown: false })
      )
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error.field).toBe("item.labels.0")
      expect(error.message).toContain("item.labels.0")
    }))

  it.effect("an array nested 100,000 deep where a list item belongs is a ResponseDecodeError", () =>
    Effect.gen(function*() {
      const body = `{"items":{"a":${deep(100_000)}}}`
      const error = yield* Effect.flip(
        GridscaleResponse.decode(get(body), S.listUnder("items", Item), { outcomeUnknown: true })
      )
      expect(error.field).toBe("items.a")
      expect(error.outcomeUnknown).toBe(true)
    }))

  it.effect("a deep value in a field no schema names is kept, not walked", () =>
    Effect.gen(function*() {
      const body = `{"item":{"object_uuid":"a","extra":${deep(100_000)}}}`
      const item = yield* GridscaleResponse.decode(get(body), S.under("item", Item), { outcomeUnknown: false })
      expect(Array.isArray(item["extra"])).toBe(true)
    }))

  it.effect("a recursive schema deeper than the stack is a ResponseDecodeError, not a defect", () =>
    Effect.gen(function*() {
      interface Tree {
        readonly children: ReadonlyArray<Tree>
      }
      const Tree: Schema.Schema<Tree> = Schema.Struct({ children: Schema.Array(Schema.suspend(() => Tree)) })
      const body = `{"children":[`.repeat(20_000) + `{"children":[]}` + `]}`.repeat(20_000)
      const error = yield* Effect.flip(GridscaleResponse.decode(get(body), Tree, { outcomeUnknown: false }))
      expect(error._tag).toBe("ResponseDecodeError")
    }))

  it.effect("values hidden under __proto__ are data: the decoded object keeps its plain prototype", () =>
    Effect.gen(function*() {
      const body = `{"item":{"object_uuid":"a","__proto__":{"cores":"not-a-number","power":"yes"}}}`
      const item = yield* GridscaleResponse.decode(get(body), S.under("item", Item), { outcomeUnknown: false })
      expect(Object.getPrototypeOf(item)).toBe(Object.prototype)
      expect(item.cores).toBeUndefined()
      expect(item.power).toBeUndefined()
      // Kept as it came, as any field the schema does not name.
      expect(Object.getOwnPropertyDescriptor(item, "__proto__")?.value).toEqual({ cores: "not-a-number", power: "yes" })
    }))

  it.effect("a declared field under __proto__ is still checked where it is declared", () =>
    Effect.gen(function*() {
      const body = `{"item":{"__proto__":{"object_uuid":"a"}}}`
      const error = yield* Effect.flip(
        GridscaleResponse.decode(get(body), S.under("item", Item), { outcomeUnknown: false })
      )
      expect(error.field).toBe("item.object_uuid")
    }))

  it.effect("a list entry keyed __proto__ is listed and checked like the others", () =>
    Effect.gen(function*() {
      const list = S.listUnder("items", Item)
      const items = yield* GridscaleResponse.decode(
        get(`{"items":{"a":{"object_uuid":"a"},"__proto__":{"object_uuid":"p","cores":2}}}`),
        list,
        { outcomeUnknown: false }
      )
      expect(items.map((i) => i.object_uuid)).toEqual(["a", "p"])
      expect(items.every((i) => Object.getPrototypeOf(i) === Object.prototype)).toBe(true)
      const error = yield* Effect.flip(
        GridscaleResponse.decode(get(`{"items":{"__proto__":{"object_uuid":"p","cores":"x"}}}`), list, {
          outcomeUnknown: false
        })
      )
      expect(error.field).toBe("items.__proto__.cores")
    }))

  it.effect("a job status keyed __proto__ stays an own entry of the decoded record", () =>
    Effect.gen(function*() {
      const status = yield* GridscaleResponse.decode(
        get(`{"__proto__":{"status":"done","message":null,"create_time":"2024-05-01T10:00:00Z"}}`),
        GridscalePolling.RequestStatusReply,
        { outcomeUnknown: false }
      )
      expect(Object.getPrototypeOf(status)).toBe(Object.prototype)
      expect(Object.hasOwn(status, "__proto__")).toBe(true)
      expect(Object.keys(status)).toEqual(["__proto__"])
      expect(Object.getOwnPropertyDescriptor(status, "__proto__")?.value.status).toBe("done")
    }))

  it.effect("a timestamp under __proto__ of a record of timestamps is decoded as an own entry", () =>
    Effect.gen(function*() {
      const times = yield* GridscaleResponse.decode(
        get(`{"__proto__":"2024-05-01T10:00:00Z","b":"2024-05-01T10:00:01Z"}`),
        Schema.Record({ key: Schema.String, value: Schema.DateTimeUtc }),
        { outcomeUnknown: false }
      )
      expect(Object.getPrototypeOf(times)).toBe(Object.prototype)
      const own = Object.getOwnPropertyDescriptor(times, "__proto__")?.value
      expect(DateTime.isDateTime(own) && DateTime.formatIso(own)).toBe("2024-05-01T10:00:00.000Z")
    }))
})
