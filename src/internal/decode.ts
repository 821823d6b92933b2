/**
 * Fast decoding of replies, derived from their `Schema`s.
 *
 * A schema is compiled, on first use and once per schema, into plain functions that walk the
 * parsed JSON tree in place: a declared field is checked where it lies, a field no schema names
 * is never visited (an open object's catch-all record accepts anything), and only what decodes to
 * something else is written back (a timestamp becomes a `DateTime.Utc`, a map keyed by id becomes
 * an array). Each write is logged, so a mismatch anywhere puts every original value back before
 * `mismatch` is returned: the caller then runs Schema's own decoder on the untouched tree, and
 * its error is the one a user sees. The compiled functions follow `ParseResult`'s decoder node by
 * node; a node kind they do not know is handed to that decoder. Whatever they accept, Schema's
 * decoder accepts with an equal result — except that a key named `__proto__` stays an own data
 * property here (Schema's decoder assigns it, which replaces the object's prototype).
 *
 * Inputs are JSON values: plain objects and arrays, no symbol keys, no shared nodes.
 */
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/**
 * What a decoder returns when it does not accept its input (the tree is then as it was).
 */
export const mismatch: unique symbol = Symbol.for("effect-gridscale/decode/mismatch")

/** A compiled decoder: the decoded value, or `mismatch`. */
export type Decoder = (input: unknown) => unknown

/** Returned by a node that does not accept its input. */
const FAIL: unique symbol = Symbol("effect-gridscale/decode/fail")

/** Marks a key that was absent before a write, in the undo log. */
const ABSENT: unique symbol = Symbol("effect-gridscale/decode/absent")

/** Writes made so far, as flat triples (object, key, previous value or ABSENT), for undoing. */
type Log = Array<unknown>

/** One compiled node of a schema. */
interface Node {
  (input: unknown, log: Log): unknown
  /** The kinds of value the node can accept: other kinds are refused without calling it. */
  readonly kinds: number
  /** For a node that only checks (its output is its input, it never writes): the check. */
  readonly test?: ((input: unknown) => boolean) | undefined
  /** Whether `kinds` is the whole check: the node accepts every value of those kinds, as it is. */
  readonly byKind?: boolean
  /** For a union without literal-keyed members: its members, tried in order. */
  readonly alternatives?: ReadonlyArray<Node>
  /** For a union with at most one member per kind of value: that member, by kind. */
  readonly only?: ReadonlyArray<Node | undefined> | undefined
}

// The kinds of JSON value, as bits.
const STRING = 1
const NUMBER = 2
const BOOLEAN = 4
const NULL = 8
const UNDEFINED = 16
const OBJECT = 32
const ARRAY = 64
const OTHER = 128
const ANY = 255

const kindOf = (u: unknown): number => {
  switch (typeof u) {
    case "string":
      return STRING
    case "number":
      return NUMBER
    case "boolean":
      return BOOLEAN
    case "undefined":
      return UNDEFINED
    case "object":
      return u === null ? NULL : Array.isArray(u) ? ARRAY : OBJECT
    default:
      return OTHER
  }
}

const hasOwn = Object.prototype.hasOwnProperty

/** Sets an own data property, `__proto__` included (an assignment to it would set the prototype). */
const setOwn = (target: any, key: PropertyKey, value: unknown): void => {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
  } else {
    target[key] = value
  }
}

const write = (log: Log, target: any, key: PropertyKey, value: unknown): void => {
  log.push(target, key, hasOwn.call(target, key) ? target[key] : ABSENT)
  setOwn(target, key, value)
}

/** Puts back every value written since the log had `mark` entries. */
const undo = (log: Log, mark: number): void => {
  for (let i = log.length - 3; i >= mark; i -= 3) {
    const target = log[i] as any
    const key = log[i + 1] as PropertyKey
    const previous = log[i + 2]
    if (previous === ABSENT) delete target[key]
    else setOwn(target, key, previous)
  }
  log.length = mark
}

const node = (
  f: (input: unknown, log: Log) => unknown,
  kinds: number,
  test?: (input: unknown) => boolean,
  byKind = false
): Node => Object.assign(f, { kinds, test, byKind })

/** A node that only checks, from its check. */
const check = (test: (input: unknown) => boolean, kinds: number): Node => node((u) => test(u) ? u : FAIL, kinds, test)

/** A node that accepts every value of some kinds (`string`, `null`, anything...) as it is. */
const ofKinds = (kinds: number): Node => {
  const test = (u: unknown) => (kinds & kindOf(u)) !== 0
  return node((u) => test(u) ? u : FAIL, kinds, test, true)
}

const always = ofKinds(ANY)

// -------------------------------------------------------------------------------------------------
// Options: `ParseResult` merges a node's `parseOptions` annotation into the options its subtree
// sees, so a compiled node is specific to the options in force where it sits.
// -------------------------------------------------------------------------------------------------

const optionsKey = (options: AST.ParseOptions): string =>
  `${options.onExcessProperty ?? ""}|${options.exact ?? ""}|${options.errors ?? ""}|${options.propertyOrder ?? ""}`

const canonicalOptions = new Map<string, AST.ParseOptions>()

const canonical = (options: AST.ParseOptions): AST.ParseOptions => {
  const key = optionsKey(options)
  let found = canonicalOptions.get(key)
  if (found === undefined) {
    found = options
    canonicalOptions.set(key, found)
  }
  return found
}

/** Compiled nodes, per schema node and per the options in force there. */
const compiled = new WeakMap<AST.AST, Map<AST.ParseOptions, Node>>()

const compile = (ast: AST.AST, outer: AST.ParseOptions): Node => {
  const annotation = AST.getParseOptionsAnnotation(ast)
  const options = Option.isSome(annotation) ? canonical({ ...outer, ...annotation.value }) : outer
  let byOptions = compiled.get(ast)
  if (byOptions === undefined) {
    byOptions = new Map()
    compiled.set(ast, byOptions)
  }
  let found = byOptions.get(options)
  if (found === undefined) {
    // A decoding fallback replaces a failure with another value: Schema's decoder knows how.
    found = Option.isSome(AST.getDecodingFallbackAnnotation(ast)) ? bySchema(ast, options) : build(ast, options)
    byOptions.set(options, found)
  }
  return found
}

/** Schema's own decoder for a node this module does not compile. */
const bySchema = (ast: AST.AST, options: AST.ParseOptions): Node => {
  const parse = ParseResult.decodeUnknownEither(Schema.make(ast))
  return node((u) => {
    const result = parse(u, options)
    return Either.isRight(result) ? result.right : FAIL
  }, ANY)
}

/** A result of Schema's parsers (`Either` or `Effect`): its value, or FAIL (an effect is left to Schema). */
const settled = (result: unknown): unknown => Either.isEither(result) && Either.isRight(result) ? result.right : FAIL

const build = (ast: AST.AST, options: AST.ParseOptions): Node => {
  switch (ast._tag) {
    case "StringKeyword":
      return ofKinds(STRING)
    case "NumberKeyword":
      return ofKinds(NUMBER)
    case "BooleanKeyword":
      return ofKinds(BOOLEAN)
    case "UndefinedKeyword":
      return ofKinds(UNDEFINED)
    case "UnknownKeyword":
    case "AnyKeyword":
    case "VoidKeyword":
      return always
    case "NeverKeyword":
      return check(() => false, 0)
    case "BigIntKeyword":
    case "SymbolKeyword":
      return check((u) => typeof u === (ast._tag === "BigIntKeyword" ? "bigint" : "symbol"), OTHER)
    case "ObjectKeyword":
      return check((u) => (typeof u === "object" && u !== null) || typeof u === "function", OBJECT | ARRAY | OTHER)
    case "Literal": {
      const literal = ast.literal
      return literal === null ? ofKinds(NULL) : check((u) => u === literal, kindOf(literal))
    }
    case "UniqueSymbol": {
      const symbol = ast.symbol
      return check((u) => u === symbol, OTHER)
    }
    case "Enums": {
      const values = ast.enums.map(([_, value]) => value)
      return check((u) => values.includes(u as string | number), STRING | NUMBER)
    }
    case "TemplateLiteral": {
      const schema = bySchema(ast, options)
      return check((u) => schema(u, []) !== FAIL, STRING)
    }
    case "Refinement":
      return refinement(ast, options)
    case "Transformation":
      return transformation(ast, options)
    case "Declaration": {
      const parse = ast.decodeUnknown(...ast.typeParameters)
      return node((u) => settled(parse(u, options, ast)), ANY)
    }
    case "TupleType":
      return tuple(ast, options)
    case "TypeLiteral":
      return typeLiteral(ast, options)
    case "Union":
      return union(ast, options)
    case "Suspend": {
      let target: Node | undefined
      return node((u, log) => (target ??= compile(ast.f(), options))(u, log), ANY)
    }
  }
}

const refinement = (ast: AST.Refinement, options: AST.ParseOptions): Node => {
  const from = compile(ast.from, options)
  const accepts = (a: unknown) => Option.isNone(ast.filter(a, options, ast))
  if (from.test !== undefined) {
    const test = from.test
    return check((u) => test(u) && accepts(u), from.kinds)
  }
  return node((u, log) => {
    const a = from(u, log)
    return a !== FAIL && accepts(a) ? a : FAIL
  }, from.kinds)
}

/** `Schema.DateTimeUtc`'s transformation, recognised so its strings skip the generic path. */
const dateTimeUtc = Schema.DateTimeUtc.ast as AST.Transformation

const transformation = (ast: AST.Transformation, options: AST.ParseOptions): Node => {
  const from = compile(ast.from, options)
  const kind = ast.transformation
  if (kind === dateTimeUtc.transformation && ast.to === dateTimeUtc.to) {
    if (from.byKind && from.kinds === STRING) return node((u) => typeof u === "string" ? utcOf(u) : FAIL, STRING)
    return node((u, log) => {
      const s = from(u, log)
      return typeof s === "string" ? utcOf(s) : FAIL
    }, from.kinds)
  }
  const to = compile(ast.to, options)
  switch (kind._tag) {
    case "ComposeTransformation":
      return node((u, log) => {
        const a = from(u, log)
        return a === FAIL ? FAIL : to(a, log)
      }, from.kinds)
    case "FinalTransformation": {
      const decode = kind.decode
      return node((u, log) => {
        const a = from(u, log)
        if (a === FAIL) return FAIL
        const b = settled(decode(a, options, ast, u))
        return b === FAIL ? FAIL : to(b, log)
      }, from.kinds)
    }
    case "TypeLiteralTransformation": {
      // Schema's decoder renames keys on its own fresh output; here the output is the reply's
      // object, so work on a copy of it.
      const steps = kind.propertySignatureTransformations
      return node((u, log) => {
        const a = from(u, log)
        if (a === FAIL) return FAIL
        const out = copyOf(a as object)
        for (const step of steps) {
          const value = step.decode(hasOwn.call(out, step.from) ? Option.some(out[step.from]) : Option.none())
          delete out[step.from]
          if (Option.isSome(value)) setOwn(out, step.to, value.value)
        }
        return to(out, log)
      }, from.kinds)
    }
  }
}

const copyOf = (o: object): any => {
  const out: any = {}
  for (const key of Reflect.ownKeys(o)) setOwn(out, key, (o as any)[key])
  return out
}

const tuple = (ast: AST.TupleType, options: AST.ParseOptions): Node => {
  const elements = ast.elements.map((e) => compile(e.type, options))
  const optional = ast.elements.map((e) => e.isOptional)
  const [head, ...tail] = ast.rest.map((r) => compile(r.type, options))
  const requiredLength = ast.elements.filter((e) => !e.isOptional).length + Math.max(0, ast.rest.length - 1)
  const at = (input: Array<unknown>, i: number, decode: Node, log: Log): boolean => {
    const value = input[i]
    const result = decode(value, log)
    if (result === FAIL) return false
    if (result !== value) write(log, input, i, result)
    return true
  }
  // The common case, `Schema.Array(item)`, as one loop.
  if (elements.length === 0 && head !== undefined && tail.length === 0) {
    const item = head
    const test = item.test
    if (test !== undefined) {
      return node((u) => {
        if (!Array.isArray(u)) return FAIL
        for (let i = 0; i < u.length; i++) if (!test(u[i])) return FAIL
        return u
      }, ARRAY)
    }
    const itemKinds = item.kinds
    return node((u, log) => {
      if (!Array.isArray(u)) return FAIL
      for (let i = 0; i < u.length; i++) {
        const value = u[i]
        if (!(itemKinds & kindOf(value))) return FAIL
        const result = item(value, log)
        if (result === FAIL) return FAIL
        if (result !== value) {
          log.push(u, i, value)
          u[i] = result
        }
      }
      return u
    }, ARRAY)
  }
  return node((u, log) => {
    if (!Array.isArray(u)) return FAIL
    const length = u.length
    if (length < requiredLength) return FAIL
    if (head === undefined && length > elements.length) return FAIL
    let i = 0
    for (; i < elements.length; i++) {
      if (length < i + 1) {
        if (optional[i]) continue
      } else if (!at(u, i, elements[i]!, log)) return FAIL
    }
    if (head !== undefined) {
      for (; i < length - tail.length; i++) if (!at(u, i, head, log)) return FAIL
      for (let j = 0; j < tail.length; j++) {
        if (length >= i + j + 1 && !at(u, i + j, tail[j]!, log)) return FAIL
      }
    }
    return u
  }, ARRAY)
}

const isRecord = (u: unknown): u is Record<PropertyKey, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const typeLiteral = (ast: AST.TypeLiteral, options: AST.ParseOptions): Node => {
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
    return ofKinds(ANY & ~(NULL | UNDEFINED))
  }
  const names = ast.propertySignatures.map((ps) => ps.name)
  const optional = ast.propertySignatures.map((ps) => ps.isOptional)
  const fields = ast.propertySignatures.map((ps) => compile(ps.type, options))
  const declared = new Set<PropertyKey>(names)
  const indexes = ast.indexSignatures.map((is) => ({
    symbols: keysAreSymbols(is.parameter),
    key: compile(is.parameter, options),
    value: compile(is.type, options)
  }))
  const exact = options.exact === true
  const excess = options.onExcessProperty ?? "ignore"
  // Every string key matches an index signature whose values are anything: nothing to check
  // there, and nothing is left out of the output (JSON has no symbol keys).
  const openRecord = indexes.length === 1 && ast.indexSignatures[0]!.parameter._tag === "StringKeyword" &&
    indexes[0]!.value === always

  /** Whether Schema's decoder would see `key` as excess. */
  const isExpected = (key: PropertyKey) =>
    declared.has(key) || indexes.some((ix) => (typeof key === "symbol") === ix.symbols && ix.key(key, []) !== FAIL)

  if (openRecord && names.length === 0) return check(isRecord, OBJECT)
  if (names.length === 0 && indexes.length === 1 && ast.indexSignatures[0]!.parameter._tag === "StringKeyword") {
    // A record keyed by any string (a list keyed by id): every key matches, each value is decoded.
    const value = indexes[0]!.value
    return node((u, log) => {
      if (!isRecord(u)) return FAIL
      for (const key in u) {
        if (!hasOwn.call(u, key)) continue
        const item = u[key]
        if (!(value.kinds & kindOf(item))) return FAIL
        if (value.byKind) continue
        const result = value(item, log)
        if (result === FAIL) return FAIL
        if (result !== item) write(log, u, key, result)
      }
      return u
    }, OBJECT)
  }
  if (openRecord || (indexes.length === 0 && excess === "preserve")) {
    // The output has the input's keys: check declared fields and write back what changed.
    const n = names.length
    // A JSON object's prototype is `Object.prototype`: a name it does not define is present when
    // its value is not `undefined`; only for the others is `hasOwnProperty` needed.
    const inherited = names.map((name) => name in Object.prototype)
    // Plain arrays read in the loop, rather than properties of each field's function.
    const kinds = fields.map((f) => f.kinds)
    const checkOnly = fields.map((f) => f.byKind === true)
    const only = fields.map((f) => f.only)
    return node((u, log) => {
      if (!isRecord(u)) return FAIL
      for (let i = 0; i < n; i++) {
        const name = names[i]!
        const value = u[name]
        if (inherited[i] || value === undefined ? hasOwn.call(u, name) : true) {
          const kind = kindOf(value)
          if (!(kinds[i]! & kind)) return FAIL
          if (checkOnly[i]) continue
          // `optional(NullOr(x))`: the member for this kind of value, without the union between.
          const byKind = only[i]
          const decode = byKind === undefined ? fields[i]! : byKind[kind]!
          if (decode.byKind) continue
          const result = decode(value, log)
          if (result === FAIL) return FAIL
          if (result !== value) {
            log.push(u, name, value)
            setOwn(u, name, result)
          }
        } else if (!optional[i]) {
          const decode = fields[i]!
          if (exact) return FAIL
          // Schema's decoder decodes what the lookup gives and keeps the result under the key.
          const result = decode(u[name], log)
          if (result === FAIL) return FAIL
          write(log, u, name, result)
        }
      }
      return u
    }, OBJECT)
  }

  // The general case, as `ParseResult` does it: excess keys refused or left out as the options
  // say, index signatures checked on every key they match (declared ones included), results
  // computed from the input's values before any is written.
  return node((u, log) => {
    if (!isRecord(u)) return FAIL
    if (excess === "error") {
      for (const key of Reflect.ownKeys(u)) if (!isExpected(key)) return FAIL
    }
    const out: Array<unknown> = []
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      const present = hasOwn.call(u, name)
      if (!present) {
        if (optional[i]) continue
        if (exact) return FAIL
      }
      const result = fields[i]!(u[name], log)
      if (result === FAIL) return FAIL
      out.push(name, result)
    }
    for (const ix of indexes) {
      const keys: ReadonlyArray<PropertyKey> = ix.symbols ? Object.getOwnPropertySymbols(u) : Object.keys(u)
      for (const key of keys) {
        if (ix.key(key, log) === FAIL) continue
        const result = ix.value(u[key], log)
        if (result === FAIL) return FAIL
        if (!declared.has(key)) out.push(key, result)
      }
    }
    const dropsKeys = excess !== "preserve" && Reflect.ownKeys(u).some((key) => !isExpected(key))
    if (dropsKeys) {
      const copy: any = {}
      for (let i = 0; i < out.length; i += 2) setOwn(copy, out[i] as PropertyKey, out[i + 1])
      return copy
    }
    for (let i = 0; i < out.length; i += 2) {
      const key = out[i] as PropertyKey
      if (!hasOwn.call(u, key) || u[key] !== out[i + 1]) write(log, u, key, out[i + 1])
    }
    return u
  }, OBJECT)
}

const keysAreSymbols = (parameter: AST.AST): boolean =>
  parameter._tag === "Refinement" ? keysAreSymbols(parameter.from) : parameter._tag === "SymbolKeyword"

/** The literal-valued required fields of a union member, as `ParseResult` finds them. */
const literalsOf = (ast: AST.AST): ReadonlyArray<readonly [PropertyKey, AST.Literal]> => {
  switch (ast._tag) {
    case "Declaration": {
      const surrogate = AST.getSurrogateAnnotation(ast)
      return Option.isSome(surrogate) ? literalsOf(surrogate.value) : []
    }
    case "TypeLiteral": {
      const out: Array<readonly [PropertyKey, AST.Literal]> = []
      for (const ps of ast.propertySignatures) {
        const type = AST.encodedAST(ps.type)
        if (AST.isLiteral(type) && !ps.isOptional) out.push([ps.name, type])
      }
      return out
    }
    case "TupleType": {
      const out: Array<readonly [PropertyKey, AST.Literal]> = []
      ast.elements.forEach((e, i) => {
        const type = AST.encodedAST(e.type)
        if (AST.isLiteral(type) && !e.isOptional) out.push([i, type])
      })
      return out
    }
    case "Refinement":
      return literalsOf(ast.from)
    case "Suspend":
      return literalsOf(ast.f())
    case "Transformation":
      return literalsOf(ast.from)
    default:
      return []
  }
}

const union = (ast: AST.Union, options: AST.ParseOptions): Node => {
  const members = ast.types.map((t) => compile(t, options))
  const kinds = members.reduce((k, m) => k | m.kinds, 0)
  // Members that only check: whichever accepts, the output is the input.
  if (members.every((m) => m.byKind)) return ofKinds(kinds)
  if (members.every((m) => m.test !== undefined)) {
    const tests = members.map((m) => m.test!)
    return check((u) => tests.some((t) => t(u)), kinds)
  }
  // Like `ParseResult`, try first the members whose literal fields match the input's, then the
  // members without literal fields; the first member that accepts the input decodes it.
  const byMember = new Map(ast.types.map((t, i) => [t, members[i]!]))
  const buckets = new Map<PropertyKey, Map<string, Array<Node>>>()
  const otherwise: Array<Node> = []
  for (const member of ast.types) {
    const literals = literalsOf(member)
    if (literals.length === 0) {
      otherwise.push(byMember.get(member)!)
      continue
    }
    for (let j = 0; j < literals.length; j++) {
      const [key, literal] = literals[j]!
      const hash = String(literal.literal)
      let byLiteral = buckets.get(key)
      if (byLiteral === undefined) {
        byLiteral = new Map()
        buckets.set(key, byLiteral)
      }
      const bucket = byLiteral.get(hash)
      if (bucket === undefined) {
        byLiteral.set(hash, [byMember.get(member)!])
        break
      }
      if (j === literals.length - 1) bucket.push(byMember.get(member)!)
    }
  }
  const tryAll = (candidates: ReadonlyArray<Node>, u: unknown, log: Log): unknown => {
    const kind = kindOf(u)
    for (const candidate of candidates) {
      if (!(candidate.kinds & kind)) continue
      const mark = log.length
      const result = candidate(u, log)
      if (result !== FAIL) return result
      undo(log, mark)
    }
    return FAIL
  }
  if (buckets.size === 0) {
    // A nested union of the same sort tries its members in the same order: one flat list, split
    // by kind of value (`optional(NullOr(Timestamp))` is three members, one per kind).
    const flat = otherwise.flatMap((m) => m.alternatives ?? [m])
    const byKind: Array<ReadonlyArray<Node>> = []
    for (let kind = 1; kind <= OTHER; kind <<= 1) byKind[kind] = flat.filter((m) => m.kinds & kind)
    const decode = (u: unknown, log: Log): unknown => {
      const candidates = byKind[kindOf(u)]!
      const last = candidates.length - 1
      // A failure is undone by whoever tries something else instead: only between candidates here.
      for (let i = 0; i < last; i++) {
        const mark = log.length
        const result = candidates[i]!(u, log)
        if (result !== FAIL) return result
        undo(log, mark)
      }
      if (last < 0) return FAIL
      const candidate = candidates[last]!
      return candidate.byKind ? u : candidate(u, log)
    }
    // With one candidate per kind of value, a caller can pick it itself and skip this node.
    const only = byKind.every((candidates) => candidates.length <= 1) ? byKind.map((c) => c[0]) : undefined
    return Object.assign(decode, { kinds, test: undefined, byKind: false, alternatives: flat, only })
  }
  // In the order `ParseResult` visits them: the keys of an object (index-like keys first).
  const keys = Reflect.ownKeys(Object.fromEntries(Array.from(buckets.keys(), (key) => [key, null])))
    .map((key) => buckets.has(key) ? key : Number(key))
  return node((u, log) => {
    let candidates: Array<Node> = []
    if (typeof u === "object" && u !== null) {
      for (const key of keys) {
        if (hasOwn.call(u, key)) {
          const bucket = buckets.get(key)!.get(String((u as any)[key]))
          if (bucket !== undefined) candidates = candidates.concat(bucket)
        }
      }
    }
    return tryAll(candidates.concat(otherwise), u, log)
  }, kinds)
}

// -------------------------------------------------------------------------------------------------
// Timestamps: what `DateTime.unsafeMake(string)` gives, without `Date`'s parser for the form the
// API sends (`2019-06-24T10:10:51Z`, optionally with milliseconds). Anything else goes through
// `DateTime.unsafeMake` itself.
// -------------------------------------------------------------------------------------------------

/** The number of two digits at `at`, or a negative number or one over 99 if they are not digits. */
const two = (s: string, at: number): number => {
  const a = s.charCodeAt(at) - 48
  const b = s.charCodeAt(at + 1) - 48
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b
}

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28
    : month === 4 || month === 6 || month === 9 || month === 11
    ? 30
    : 31

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

/** Epoch milliseconds of `YYYY-MM-DDTHH:MM:SS[.mmm]Z` with every field in range, else -1. */
export const isoMillis = (s: string): number => {
  const length = s.length
  if (length !== 20 && length !== 24) return -1
  if (
    s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 || s.charCodeAt(length - 1) !== 90
  ) return -1
  const century = two(s, 0)
  const yy = two(s, 2)
  const month = two(s, 5)
  const day = two(s, 8)
  const hour = two(s, 11)
  const minute = two(s, 14)
  const second = two(s, 17)
  let millis = 0
  if (length === 24) {
    const m = s.charCodeAt(22) - 48
    if (s.charCodeAt(19) !== 46 || m >>> 0 > 9) return -1
    const hundreds = two(s, 20)
    millis = hundreds < 0 ? -1 : hundreds * 10 + m
  }
  const year = century * 100 + yy
  if (
    century < 0 || yy < 0 || year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour < 0 || hour > 23 ||
    minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0
  ) return -1
  return (((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000 + millis
}

/**
 * `DateTime.unsafeMake(millis)` without the `Date` it allocates on the way: an object like the
 * ones it makes, used only when it is exactly like them (same prototype and properties).
 */
const utcFromMillis: (millis: number) => DateTime.Utc = (() => {
  const reference = DateTime.unsafeMake(0)
  const prototype = Object.getPrototypeOf(reference)
  const parts = { value: undefined, enumerable: false, writable: true }
  const make = (millis: number): DateTime.Utc => {
    const self = Object.create(prototype)
    self.epochMillis = millis
    Object.defineProperty(self, "partsUtc", parts)
    return self
  }
  const shape = (o: object) =>
    JSON.stringify(Reflect.ownKeys(o).map((key) => [String(key), Object.getOwnPropertyDescriptor(o, key)]))
  return shape(make(0)) === shape(reference) ? make : (millis) => DateTime.unsafeMake(millis)
})()

const utcOf = (s: string): unknown => {
  const millis = isoMillis(s)
  if (millis >= 0) return utcFromMillis(millis)
  try {
    return DateTime.unsafeMake(s)
  } catch {
    return FAIL
  }
}

// -------------------------------------------------------------------------------------------------

const noOptions: AST.ParseOptions = {}

/** Decoders handed out, per schema and per options object, so a caller with fixed options finds its own at once. */
const decoders = new WeakMap<AST.AST, WeakMap<AST.ParseOptions, Decoder>>()

/**
 * The compiled decoder of `schema` under `options` (Schema's parse options, as given to
 * `Schema.decodeUnknown`), built on first use and kept with the schema.
 */
export const decoder = <A, I, R>(schema: Schema.Schema<A, I, R>, options: AST.ParseOptions = noOptions): Decoder => {
  let byOptions = decoders.get(schema.ast)
  if (byOptions === undefined) {
    byOptions = new WeakMap()
    decoders.set(schema.ast, byOptions)
  }
  let found = byOptions.get(options)
  if (found === undefined) {
    found = make(compile(schema.ast, canonical(options)))
    byOptions.set(options, found)
  }
  return found
}

const make = (root: Node): Decoder => (input) => {
  const log: Log = []
  try {
    const result = root(input, log)
    if (result !== FAIL) return result
  } catch {
    // A filter or transformation that throws, or a recursive schema deeper than the stack:
    // Schema's decoder says what is wrong.
  }
  undo(log, 0)
  return mismatch
}
