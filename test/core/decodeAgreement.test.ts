/**
 * The compiled decoders of internal/decode.ts against Schema's own decoder, on every model: for
 * inputs built from Schema's `Arbitrary` (valid) and from those with one part broken (invalid),
 * both accept or both refuse, an accepted input decodes to equal values, and a refused one is left
 * exactly as it came (so Schema's decoder, which then reports the error, sees the original).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import type { ParseOptions } from "effect/SchemaAST"
import * as Generated from "../../src/generated/schemas.js"
import * as GridscalePolling from "../../src/GridscalePolling.js"
import { Name } from "../../src/internal/check.js"
import * as Decode from "../../src/internal/decode.js"
import * as S from "../../src/internal/schema.js"
import * as Ip from "../../src/Ip.js"
import * as IsoImage from "../../src/IsoImage.js"
import * as Location from "../../src/Location.js"
import * as Network from "../../src/Network.js"
import * as Server from "../../src/Server.js"
import * as Snapshot from "../../src/Snapshot.js"
import * as SshKey from "../../src/SshKey.js"
import * as Storage from "../../src/Storage.js"
import * as Template from "../../src/Template.js"

const options = { onExcessProperty: "preserve" } as const

type AnySchema = Schema.Schema<any, any, never>

const schemasOf = (prefix: string, module: Record<string, unknown>): Array<readonly [string, AnySchema]> =>
  Object.entries(module).flatMap(([name, value]) =>
    Schema.isSchema(value) ? [[`${prefix}.${name}`, value as AnySchema] as const] : []
  )

const schemas: ReadonlyArray<readonly [string, AnySchema]> = [
  ...schemasOf("Server", Server),
  ...schemasOf("Storage", Storage),
  ...schemasOf("Snapshot", Snapshot),
  ...schemasOf("Ip", Ip),
  ...schemasOf("Network", Network),
  ...schemasOf("SshKey", SshKey),
  ...schemasOf("Template", Template),
  ...schemasOf("Location", Location),
  ...schemasOf("IsoImage", IsoImage),
  ...schemasOf("GridscalePolling", GridscalePolling),
  ["S.Event", S.Event],
  ["S.CreateResponse", S.CreateResponse],
  ...schemasOf("generated", Generated)
]

/** A JSON copy: what a reply parses to (own `__proto__` keys stay own keys). */
const json = (u: unknown): unknown => JSON.parse(JSON.stringify(u) ?? "null")

const isPlain = (u: unknown): boolean => {
  if (typeof u !== "object" || u === null || DateTime.isDateTime(u)) return true
  if (Option.isOption(u)) return Option.isNone(u) || isPlain(u.value)
  const prototype = Object.getPrototypeOf(u)
  if (prototype !== Object.prototype && prototype !== Array.prototype) return false
  return Object.values(u).every(isPlain)
}

const hasProtoKey = (u: unknown): boolean =>
  typeof u === "object" && u !== null &&
  (Object.hasOwn(u, "__proto__") || Object.values(u).some(hasProtoKey))

/** Structural equality of decoded values, `DateTime`s by their instant. */
const same = (a: unknown, b: unknown): boolean => {
  if (DateTime.isDateTime(a) || DateTime.isDateTime(b)) {
    return DateTime.isDateTime(a) && DateTime.isDateTime(b) && DateTime.Equivalence(a, b)
  }
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b)
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keys = (o: object) => Object.keys(o).filter((k) => (o as any)[k] !== undefined).sort()
  const ka = keys(a)
  const kb = keys(b)
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as any)[k], (b as any)[k]))
}

/** Whether two JSON trees are the same: values, keys and their order, prototypes. */
const identical = (a: unknown, b: unknown): boolean => {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b)
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const ka = Reflect.ownKeys(a)
  const kb = Reflect.ownKeys(b)
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && identical((a as any)[k], (b as any)[k]))
}

/** Checks one input against both decoders. */
const agree = (schema: AnySchema, input: unknown, parseOptions: ParseOptions = options): void => {
  const bySchema = ParseResult.decodeUnknownEither(schema)(json(input), parseOptions)
  const tree = json(input)
  const fast = Decode.decoder(schema, parseOptions)(tree)
  if (fast === Decode.mismatch) {
    expect(Either.isLeft(bySchema), "refused by the compiled decoder only").toBe(true)
    // Every write undone: Schema's decoder reports on the original values.
    expect(identical(tree, json(input)), "a refused input was changed").toBe(true)
    return
  }
  expect(Either.isRight(bySchema), "accepted by the compiled decoder only").toBe(true)
  expect(isPlain(fast), "a decoded object with another prototype").toBe(true)
  // Schema's decoder assigns a `__proto__` key, which replaces the prototype of its output:
  // there the outputs differ on purpose.
  if (Either.isRight(bySchema) && !hasProtoKey(input)) {
    expect(same(fast, bySchema.right), "decoded differently").toBe(true)
  }
}

// -------------------------------------------------------------------------------------------------
// Invalid inputs: one part of a valid one broken.

const wrong: ReadonlyArray<unknown> = [
  1.5,
  "x",
  true,
  null,
  {},
  [],
  [1, "a"],
  "2019-06-24T10:10:51Z",
  "2019-02-29T10:10:51Z",
  "2019-06-24T24:00:00Z",
  "not a time",
  { __proto__: null, object_uuid: 1 }
]

/** Every place in a JSON value, as paths. */
const pathsOf = (
  u: unknown,
  path: ReadonlyArray<string | number> = [],
  out: Array<ReadonlyArray<string | number>> = []
) => {
  out.push(path)
  if (Array.isArray(u)) u.forEach((v, i) => pathsOf(v, [...path, i], out))
  else if (typeof u === "object" && u !== null) {
    for (const [k, v] of Object.entries(u)) {
      pathsOf(v, [...path, k], out)
    }
  }
  return out
}

const setOwn = (o: any, key: string | number, value: unknown) =>
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true })

/** The value with the part at one place replaced, removed, or given an extra or `__proto__` key. */
const broken = (valid: unknown, where: number, how: number, what: number): unknown => {
  const root = { value: json(valid) }
  const paths = pathsOf(root.value)
  const path = paths[where % paths.length]!
  let parent: any = root
  let key: string | number = "value"
  for (const step of path) {
    parent = parent[key]
    key = step
  }
  const replacement = json(wrong[what % wrong.length])
  switch (how % 4) {
    case 0:
      setOwn(parent, key, replacement)
      break
    case 1:
      if (Array.isArray(parent)) parent.splice(Number(key), 1)
      else if (parent !== root) delete parent[key]
      else root.value = replacement
      break
    case 2: {
      const target = parent[key]
      if (typeof target === "object" && target !== null && !Array.isArray(target)) target.extra_field = replacement
      else setOwn(parent, key, replacement)
      break
    }
    case 3: {
      const target = parent[key]
      const hidden = { status: "done", object_uuid: "p", cores: "not-a-number", power: "yes", [key]: replacement }
      if (typeof target === "object" && target !== null && !Array.isArray(target)) setOwn(target, "__proto__", hidden)
      else setOwn(parent, key, JSON.parse(`{"__proto__":${JSON.stringify(hidden)}}`))
      break
    }
  }
  return root.value
}

// -------------------------------------------------------------------------------------------------

/** Runs a property with a fixed seed (the same inputs in every run), naming the model on failure. */
const holds = (name: string, property: fc.IProperty<any>, numRuns: number) => {
  const details = fc.check(property, { numRuns, seed: 20261201, endOnFailure: true })
  if (details.failed) {
    throw new Error(`${name}: ${fc.defaultReportMessage(details)}`)
  }
}

const runs = (count: number) => Math.max(5, Math.floor(1_200 / count))

/** Whether a schema decodes replies: an open model, a record of them, or an envelope. */
const isReply = (ast: AST.AST): boolean =>
  (ast._tag === "Suspend" && isReply(ast.f())) ||
  ast._tag === "Transformation" ||
  (ast._tag === "TypeLiteral" &&
    ast.indexSignatures.some((is) => is.type._tag === "UnknownKeyword" || isReply(is.type)))

/**
 * Valid inputs of a schema: its values from `Arbitrary`, encoded. An envelope's decoded side is a
 * declaration Schema cannot make values of: its inputs are made from the side it decodes from.
 */
const validOf = (ast: AST.AST): fc.Arbitrary<unknown> => {
  // The generated models are built on first use.
  if (ast._tag === "Suspend") return validOf(ast.f())
  if (ast._tag === "Transformation" && ast.to._tag === "Declaration") return validOf(ast.from)
  if (ast._tag === "TypeLiteral" && ast.indexSignatures.length === 0 && ast.propertySignatures.length === 1) {
    const [field] = ast.propertySignatures
    return validOf(field!.type).map((value) => ({ [field!.name]: value }))
  }
  if (ast._tag === "TypeLiteral" && ast.propertySignatures.length === 0 && ast.indexSignatures.length === 1) {
    const item = ast.indexSignatures[0]!.type
    if (item._tag !== "UnknownKeyword") {
      return fc.array(validOf(item), { maxLength: 3 }).map((list) =>
        Object.fromEntries(list.map((entry, i) => [`id-${i}`, entry]))
      )
    }
  }
  if (ast._tag === "TupleType" && ast.elements.length === 0 && ast.rest.length === 1) {
    return fc.array(validOf(ast.rest[0]!.type), { maxLength: 3 })
  }
  const schema = Schema.make(ast)
  const encode = ParseResult.encodeUnknownEither(schema)
  return Arbitrary.make(schema).map((value) => {
    const encoded = encode(value)
    return Either.isRight(encoded) ? json(encoded.right) : undefined
  }).filter((input) => input !== undefined)
}

/** The reply models (request bodies are checked by `internal/check.ts`, not decoded from replies). */
const replies = schemas.filter(([, schema]) => isReply(schema.ast))

describe("the compiled decoders agree with Schema's decoder", () => {
  const withValues = replies.map(([name, schema]) => [name, schema, validOf(schema.ast)] as const)

  it("on every reply model, hand-written and generated", () => {
    expect(withValues.length).toBeGreaterThan(150)
  })

  it("on valid inputs", { timeout: 60_000 }, () => {
    for (const [name, schema, valid] of withValues) {
      holds(name, fc.property(valid, (input) => agree(schema, input)), runs(withValues.length))
    }
  })

  it("on inputs with one part broken", { timeout: 60_000 }, () => {
    for (const [name, schema, valid] of withValues) {
      holds(
        name,
        fc.property(
          valid,
          fc.nat(),
          fc.nat(),
          fc.nat(),
          (input, where, how, what) => agree(schema, broken(input, where, how, what))
        ),
        runs(withValues.length)
      )
    }
  })

  it("on list and single-object envelopes", () => {
    const items = [Server.Server, Storage.Storage, Generated.Request] as ReadonlyArray<AnySchema>
    for (const item of items) {
      const valid = validOf(item.ast)
      const byId = fc.array(valid, { maxLength: 4 }).map((list) =>
        Object.fromEntries(list.map((entry, i) => [`id-${i}`, entry]))
      )
      const list = S.listUnder("items", item)
      const one = S.under("item", item)
      holds(
        String(item.ast),
        fc.property(byId, fc.nat(), fc.nat(), fc.nat(), fc.boolean(), (entries, where, how, what, breakIt) => {
          const input = { items: entries }
          agree(list, breakIt ? broken(input, where, how, what) : input)
          const first = Object.values(entries)[0] ?? {}
          agree(one, breakIt ? broken({ item: first }, where, how, what) : { item: first })
        }),
        25
      )
    }
  })
})

interface Tree {
  readonly name: string
  readonly at?: DateTime.Utc | undefined
  readonly children: ReadonlyArray<Tree>
}

const Tree: Schema.Schema<Tree, any> = Schema.Struct({
  name: Schema.String,
  at: Schema.optional(Schema.DateTimeUtc),
  children: Schema.Array(Schema.suspend(() => Tree))
})

enum Size {
  Small = "s",
  Large = 9
}

/** One schema or more for every kind of schema node, beyond what the models use. */
const everyKind: ReadonlyArray<readonly [string, AnySchema]> = [
  ["refinements", Schema.Struct({ n: Schema.Int.pipe(Schema.between(1, 10)), s: Schema.NonEmptyString, name: Name })],
  ["a tuple with an optional element", Schema.Tuple(Schema.String, Schema.optionalElement(Schema.DateTimeUtc))],
  ["a tuple with rest and a last element", Schema.Tuple([Schema.DateTimeUtc], Schema.Number, Schema.Boolean)],
  [
    "a tagged union",
    Schema.Union(
      Schema.Struct({ kind: Schema.Literal("a"), at: Schema.DateTimeUtc }),
      Schema.Struct({ kind: Schema.Literal("b"), at: Schema.String }),
      Schema.Struct({ at: Schema.DateTimeUtc })
    )
  ],
  [
    "a union trying the tagged member first",
    Schema.Union(
      Schema.Struct({ at: Schema.DateTimeUtc }),
      Schema.Struct({ kind: Schema.Literal("x"), at: Schema.String })
    )
  ],
  [
    "nested unions",
    Schema.Union(Schema.Union(Schema.DateTimeUtc, Schema.Null), Schema.Union(Schema.Number, Schema.String))
  ],
  [
    "renamed and defaulted keys",
    Schema.Struct({
      a: Schema.propertySignature(Schema.DateTimeUtc).pipe(Schema.fromKey("A")),
      b: Schema.optionalWith(Schema.String, { default: () => "d" })
    })
  ],
  ["a recursive schema", Tree],
  [
    "enums, literals and template literals",
    Schema.Struct({
      e: Schema.Enums(Size),
      t: Schema.TemplateLiteral("id-", Schema.Number),
      l: Schema.Literal(1, "x", true, null)
    })
  ],
  ["declarations inside transformations", Schema.Struct({ o: Schema.Option(Schema.DateTimeUtc) })],
  [
    "a plain struct in an open one",
    Schema.Struct(
      { inner: Schema.Struct({ t: Schema.DateTimeUtc }) },
      Schema.Record({ key: Schema.String, value: Schema.Unknown })
    )
      .annotations({ parseOptions: { onExcessProperty: "ignore" } })
  ],
  [
    "extra keys refused",
    Schema.Struct({ a: Schema.String }).annotations({ parseOptions: { onExcessProperty: "error" } })
  ],
  ["exact", Schema.Struct({ a: Schema.Unknown, b: Schema.String }).annotations({ parseOptions: { exact: true } })],
  ["a required unknown field", Schema.Struct({ a: Schema.Unknown, b: Schema.DateTimeUtc })],
  [
    "records with refined keys",
    Schema.Record({ key: Schema.String.pipe(Schema.minLength(2)), value: Schema.DateTimeUtc })
  ],
  [
    "index signatures that check declared fields too",
    Schema.Struct(
      { a: Schema.NumberFromString },
      Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Number) }),
      Schema.Record({ key: Schema.TemplateLiteral("x", Schema.String), value: Schema.String })
    )
  ],
  ["arrays of timestamps", Schema.Array(Schema.DateTimeUtc)],
  ["an empty struct", Schema.Struct({})]
]

describe("the compiled decoders agree with Schema's decoder on every kind of schema", () => {
  const optionSets: ReadonlyArray<ParseOptions> = [
    options,
    {},
    { onExcessProperty: "error" },
    { exact: true }
  ]
  it.each(everyKind)("%s", (name, schema) => {
    const valid = validOf(schema.ast)
    for (const parseOptions of optionSets) {
      holds(
        name,
        fc.property(
          valid,
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.boolean(),
          (input, where, how, what, breakIt) =>
            agree(schema, breakIt ? broken(input, where, how, what) : input, parseOptions)
        ),
        25
      )
    }
  })
})
