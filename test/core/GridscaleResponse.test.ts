import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as GridscaleResponse from "../../src/GridscaleResponse.js"

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
