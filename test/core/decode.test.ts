import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as GridscaleResponse from "../../src/GridscaleResponse.js"
import * as Decode from "../../src/internal/decode.js"
import * as S from "../../src/internal/schema.js"

const millisOf = (s: string): number | undefined => {
  try {
    return DateTime.toEpochMillis(DateTime.unsafeMake(s))
  } catch {
    return undefined
  }
}

describe("compiled decoders", () => {
  it("read the API's timestamps as DateTime.unsafeMake does, or leave them to it", () => {
    const field = (max: number, width: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, "0"))
    const stamp = fc.tuple(
      field(9999, 4),
      field(19, 2),
      field(39, 2),
      field(29, 2),
      field(69, 2),
      field(69, 2),
      fc.option(field(999, 3), { nil: undefined })
    ).map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${ms === undefined ? "" : `.${ms}`}Z`)
    fc.assert(
      fc.property(stamp, (s) => {
        const fast = Decode.isoMillis(s)
        if (fast >= 0) expect(fast).toBe(millisOf(s))
        else {
          // Every real date from 1970 on (one that prints back as it was written) takes the fast path.
          const millis = millisOf(s)
          const real = millis !== undefined && new Date(millis).toISOString().slice(0, 19) === s.slice(0, 19)
          if (real && s >= "1970") expect.fail(`${s} took the slow path`)
        }
      }),
      { numRuns: 2_000, seed: 20261201 }
    )
    for (
      const s of ["2019-06-24T10:10:51Z", "2019-06-24T10:10:51.123Z", "2024-02-29T00:00:00Z", "2100-12-31T23:59:59Z"]
    ) {
      expect(Decode.isoMillis(s)).toBe(millisOf(s))
    }
    for (
      const s of ["2019-02-29T00:00:00Z", "2019-06-24 10:10:51Z", "2019-06-24T10:10:51+00:00", "1969-12-31T23:59:59Z"]
    ) {
      expect(Decode.isoMillis(s)).toBe(-1)
    }
  })

  it("put back a key they added before refusing the input", () => {
    const schema = Schema.Struct({ a: Schema.Unknown, b: Schema.String })
    const input: Record<string, unknown> = { b: 1 }
    expect(Decode.decoder(schema)(input)).toBe(Decode.mismatch)
    expect(Object.keys(input)).toEqual(["b"])
    // Accepted, the key is there as Schema's decoder puts it.
    const accepted = { b: "x" }
    expect(Object.hasOwn(Decode.decoder(schema)(accepted) as object, "a")).toBe(true)
  })

  it("put back converted timestamps, in place and in order, before refusing the input", () => {
    const schema = Schema.Array(S.open("Item", { at: S.Timestamp, n: Schema.Number }))
    const input = [{ at: "2019-06-24T10:10:51Z", n: 1, x: 0 }, { at: "2019-06-24T10:10:52Z", n: "2" }]
    expect(Decode.decoder(schema)(input)).toBe(Decode.mismatch)
    expect(input).toStrictEqual([{ at: "2019-06-24T10:10:51Z", n: 1, x: 0 }, { at: "2019-06-24T10:10:52Z", n: "2" }])
    expect(Object.keys(input[0]!)).toEqual(["at", "n", "x"])
  })

  it("return the parsed objects themselves, unknown fields untouched", () => {
    const item = { object_uuid: "a", name: "web", extra: { deep: [1, 2] }, create_time: "2019-06-24T10:10:51Z" }
    const [decoded] = Decode.decoder(
      S.listById(S.open("Item", { object_uuid: S.Id, name: S.optionalString, ...S.times }))
    )({
      a: item
    }) as ReadonlyArray<any>
    expect(decoded).toBe(item)
    expect(decoded.extra).toBe(item.extra)
    expect(DateTime.isDateTime(decoded.create_time)).toBe(true)
  })

  it.effect("a schema that throws on a reply is a ResponseDecodeError, not a defect", () =>
    Effect.gen(function*() {
      const schema = Schema.Struct({
        a: Schema.String.pipe(Schema.filter((s) => s.length > 0 ? true : JSON.parse(s)))
      })
      const reply = { status: 200, method: "GET", path: "/x", headers: {}, body: `{"a":""}` }
      const error = yield* Effect.flip(GridscaleResponse.decode(reply, schema, { outcomeUnknown: false }))
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error.message).toContain("schema failed on")
    }))
})
