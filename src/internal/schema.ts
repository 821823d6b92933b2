/**
 * Schema building blocks shared by the resource modules. Replies are decoded tolerantly: the API
 * is the authority on what it returns, real payloads carry `null`s where the spec promises a
 * value, ids that are not well-formed UUIDs, and fields newer API versions added.
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** An id as the API returns it. Not checked as a UUID: recorded replies hold ids cut short. */
export const Id = Schema.String

/** A timestamp decoded to `DateTime.Utc`; `null` stays `null` (the API sends it for "never"). */
export const Timestamp = Schema.NullOr(Schema.DateTimeUtc)

const optionals = new WeakMap<Schema.Schema.All, unknown>()

/**
 * A field the API may leave out or send as `null`. Made once per schema and shared by every
 * struct using it: the generated models hold thousands of such fields, and building each anew
 * was most of the cost of importing them.
 */
export const optional = <S extends Schema.Schema.All>(schema: S): Schema.optional<Schema.NullOr<S>> => {
  let field = optionals.get(schema) as Schema.optional<Schema.NullOr<S>> | undefined
  if (field === undefined) {
    field = Schema.optional(Schema.NullOr(schema))
    optionals.set(schema, field)
  }
  return field
}

/** A list of strings (labels, ids), one schema for every field of that type. */
export const Strings = Schema.Array(Schema.String)

/** A number real replies also send as a string (`current_price: "Deprecated"`), or the other way round. */
export const NumberOrString = Schema.Union(Schema.Number, Schema.String)

/** A boolean real replies also send as a string (`"true"`). */
export const BooleanOrString = Schema.Union(Schema.Boolean, Schema.String)

/** A string field the API may leave out or send as `null`. */
export const optionalString = optional(Schema.String)

/** A number field the API may leave out or send as `null`. */
export const optionalNumber = optional(Schema.Number)

/** A boolean field the API may leave out or send as `null`. */
export const optionalBoolean = optional(Schema.Boolean)

/**
 * A field the spec types as a number that real replies also send as a string
 * (`current_price: "Deprecated"`, `ordering`), or the other way round.
 */
export const optionalNumberOrString = optional(NumberOrString)

/** Labels: a list of strings. */
export const optionalLabels = optional(Strings)

/** Creation and change times. */
export const times = {
  create_time: Schema.optional(Timestamp),
  change_time: Schema.optional(Timestamp)
}

/**
 * An object of the API: the known fields decoded, every other field kept as it came, so fields
 * newer API versions add reach the caller.
 */
export const open = <Fields extends Schema.Struct.Fields>(identifier: string, fields: Fields) =>
  Schema.Struct(fields, Schema.Record({ key: Schema.String, value: Schema.Unknown })).annotations({
    identifier,
    // The record keeps every key, so none is excess: checking each key against the declared ones
    // (what "preserve" does) would only cost time. The option reaches nested schemas too: nest
    // open ones (a plain Struct inside would drop the extra keys it is sent).
    parseOptions: { onExcessProperty: "ignore" }
  })

/**
 * A schema built on first use rather than when its module loads: the generated schemas are a few
 * hundred, and building them all cost a program that imports the client a fifth of a second at
 * start-up. The identifier names it in messages without building it.
 */
export const lazy = <A, I>(identifier: string, build: () => Schema.Schema<A, I, never>): Schema.Schema<A, I, never> =>
  // What `Schema.suspend(build).annotations({ identifier })` makes, made once: every schema value
  // is a class of its own, and making the suspension and then its annotated copy was two of them
  // for each of the few hundred generated schemas, most of what importing them still cost.
  Schema.make(new AST.Suspend(() => build().ast, { [AST.IdentifierAnnotationId]: identifier }))

/**
 * A model of the API, as the generated schemas declare them: unknown fields are kept at run time
 * as `open` keeps them, but the type lists only the declared fields (no index signature), so a
 * misspelt field does not compile. The generated code annotates each model with its named
 * interface, which the compiler checks against these fields.
 */
export const model = <Fields extends Schema.Struct.Fields>(
  identifier: string,
  fields: Fields
): Schema.Schema<Schema.Struct.Type<Fields>, Schema.Struct.Encoded<Fields>, never> =>
  // The record behind `open` widens the type with an index signature; the value is the same.
  open(identifier, fields) as unknown as Schema.Schema<Schema.Struct.Type<Fields>, Schema.Struct.Encoded<Fields>, never>

/**
 * An input check for the spec's `oneOf` between objects: the input holds every field of at least
 * one of `sets` (a template storage takes a password with its type, or SSH keys).
 */
export const hasFieldsOf = (sets: ReadonlyArray<ReadonlyArray<string>>) => (input: object): true | string => {
  const record = input as Record<string, unknown>
  return sets.some((set) => set.every((key) => record[key] !== undefined && record[key] !== null)) ||
    `must have ${sets.map((set) => set.join(" + ")).join(", or ")}`
}

/** An input check of a storage create: a local storage holds at most `maximum` GB. */
export const localCapacityAtMost = (maximum: number) =>
(input: {
  readonly storage_variant?: string | null | undefined
  readonly capacity?: number | null | undefined
}): true | string =>
  input.storage_variant !== "local" || input.capacity === undefined || input.capacity === null ||
  input.capacity <= maximum ||
  `must be at most ${maximum} GB for a local storage (capacity), got ${input.capacity}`

/**
 * The decoded side of a transformation whose encoded side has already decoded, and so checked,
 * every value. Checking the result again with the type side of the same schemas would walk every
 * object of a reply once more per wrapper (three times for a list), for nothing. Encoding still
 * checks everything, on the encoded side.
 */
const decodedAlready = <A>(identifier: string) => Schema.declare((_: unknown): _ is A => true, { identifier })

/**
 * How a schema's decoded side is shown in messages: its identifier when it has one. Only
 * otherwise is the type side derived, which walks the whole schema (for a list of models, dozens
 * of them at import time).
 */
const typeName = (schema: Schema.Schema.Any): string => nameOf(schema.ast)

const nameOf = (ast: AST.AST): string =>
  Option.getOrElse(
    AST.getIdentifierAnnotation(ast),
    () =>
      AST.isTupleType(ast) && ast.elements.length === 0 && ast.rest.length === 1
        ? `ReadonlyArray<${nameOf(ast.rest[0]!.type)}>`
        : String(AST.typeAST(ast))
  )

/**
 * A list the API sends as a map keyed by id (`{"<id>": {...}}`), decoded to an array in the order
 * the reply listed the entries. (JavaScript keeps that order for every key that is not a
 * canonical array index, which the API's ids are not.) Encoding keys each entry by its `idField`.
 */
export const listById = <A, I>(item: Schema.Schema<A, I, never>, idField = "object_uuid") =>
  Schema.transform(
    Schema.Record({ key: Schema.String, value: item }),
    decodedAlready<ReadonlyArray<A>>(`ReadonlyArray<${typeName(item)}>`),
    {
      strict: true,
      decode: (byId) => Object.values(byId),
      encode: (items) =>
        Object.fromEntries(items.map((a, i) => [String((a as Record<string, unknown>)[idField] ?? i), a]))
    }
  )

/** A reply holding one value under `key`, as `{"server": {...}}`. */
export const under = <K extends string, A, I>(key: K, value: Schema.Schema<A, I, never>) =>
  Schema.transform(
    Schema.Struct({ [key]: value } as { [P in K]: Schema.Schema<A, I, never> }),
    decodedAlready<A>(typeName(value)),
    {
      strict: false,
      decode: (reply) => (reply as unknown as Record<K, A>)[key],
      encode: (a) => ({ [key]: a })
    }
  ) as unknown as Schema.Schema<A, { readonly [P in K]: I }, never>

/** A reply holding a map keyed by id under `key`, as `{"servers": {"<id>": {...}}}`. */
export const listUnder = <K extends string, A, I>(
  key: K,
  item: Schema.Schema<A, I, never>,
  idField = "object_uuid"
): Schema.Schema<ReadonlyArray<A>, { readonly [P in K]: { readonly [id: string]: I } }, never> =>
  under(key, listById(item, idField))

/** A reply holding an array under `key`, as `{"storage_relations": [...]}` or `{"events": [...]}`. */
export const arrayUnder = <K extends string, A, I>(
  key: K,
  item: Schema.Schema<A, I, never>
): Schema.Schema<ReadonlyArray<A>, { readonly [P in K]: ReadonlyArray<I> }, never> => under(key, Schema.Array(item))

/**
 * One entry of an object's event log (`GET /objects/<family>/{id}/events`).
 *
 * @since 0.1.0
 */
export const Event = open("Event", {
  object_type: optionalString,
  object_uuid: optionalString,
  request_uuid: optionalString,
  request_type: optionalString,
  request_status: optionalString,
  activity: optionalString,
  change: optionalString,
  user_uuid: optionalString,
  timestamp: Schema.optional(Timestamp)
})

/**
 * The 202 reply to a create: the job's request id and the new object's id.
 */
export const CreateResponse = open("CreateResponse", {
  request_uuid: Id,
  object_uuid: Id
})
