import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Schemas from "../../src/generated/schemas.js"
import * as S from "../../src/internal/schema.js"

describe("schema helpers", () => {
  it("an optional field is made once per schema and shared", () => {
    expect(S.optional(Schema.String)).toBe(S.optional(Schema.String))
    expect(S.optional(Schemas.Server)).toBe(S.optional(Schemas.Server))
    expect(S.optional(Schema.Number)).not.toBe(S.optional(Schema.String))
  })

  it("list and array envelopes name their entries by identifier in messages", () => {
    const list = Schema.decodeUnknownEither(Schemas.ServersGetResponse)({ servers: { a: { name: "no id" } } })
    const events = Schema.decodeUnknownEither(Schemas.EventResponse)({ events: "not a list" })
    const message = (result: Either.Either<unknown, ParseResult.ParseError>) =>
      Either.isLeft(result) ? ParseResult.TreeFormatter.formatErrorSync(result.left) : "decoded"
    expect(message(list)).toContain("ReadonlyArray<Server>")
    expect(message(list)).toContain("object_uuid")
    expect(message(events)).toContain("ReadonlyArray<Event>")
  })

  it("hasFieldsOf wants every field of one set, null counting as absent", () => {
    const check = S.hasFieldsOf([["a", "b"], ["c"]])
    expect(check({ a: 1, b: 2 })).toBe(true)
    expect(check({ c: [] })).toBe(true)
    expect(check({ a: 1, b: null })).toBe("must have a + b, or c")
  })

  it("localCapacityAtMost bounds only local storages", () => {
    const check = S.localCapacityAtMost(500)
    expect(check({ capacity: 4000 })).toBe(true)
    expect(check({ capacity: 500, storage_variant: "local" })).toBe(true)
    expect(check({ capacity: 501, storage_variant: "local" })).toContain("at most 500 GB")
  })

  it("models are named types without an index signature, and keep unknown fields at run time", () => {
    const server = Schema.decodeUnknownSync(Schemas.Server)({ object_uuid: "s", name: "web", newer_field: 1 })
    const name: string | null | undefined = server.name
    expect(name).toBe("web")
    // @ts-expect-error a misspelt field does not compile (no index signature on the model)
    expect(server.nmae).toBeUndefined()
    expect((server as unknown as Record<string, unknown>)["newer_field"]).toBe(1)
  })
})
