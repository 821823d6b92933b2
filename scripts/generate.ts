/**
 * Writes src/generated/** and test/fixtures/** from the gridscale API spec and the recorded
 * replies beside it, with the overlay of src/internal/families.ts applied.
 *
 *   npm run generate                      writes the files
 *   npm run generate -- --check           regenerates in memory; exits 1 if a committed file differs
 *   npm run generate -- <spec dir>        reads the spec from elsewhere
 *                                         (default: ../shared/reference/gridscale-api)
 *
 * No dependencies of its own: the spec is Swagger 2.0 JSON, read and walked by hand, and the
 * output is laid out by the project's own lint rules (eslint with dprint, a dev dependency
 * already). Output is deterministic: spec order, no timestamps, byte-for-byte copies of fixtures.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Url from "node:url"
import {
  capacityBounds,
  corrections,
  extractedDefinitions,
  families,
  type Family,
  methodDocs,
  modelDocs,
  nameMaxLength,
  operationCorrections,
  replyFieldTypes,
  replyRequired
} from "../src/internal/families.js"

const root = Path.resolve(Path.dirname(Url.fileURLToPath(import.meta.url)), "..")

// ---------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2)
const checkOnly = args.includes("--check")
const specDir = Path.resolve(root, args.find((a) => !a.startsWith("--")) ?? "../shared/reference/gridscale-api")
const fixturesDir = Path.resolve(specDir, "../libcloud-fixtures")
const specFile = Path.join(specDir, "gsapi-spec-1.0.24.json")

if (!Fs.existsSync(specFile)) {
  const explicit = args.some((a) => !a.startsWith("--"))
  if (checkOnly && !explicit) {
    // A clone without ../shared: nothing to compare against. Say so rather than pass silently.
    console.log(`generate --check: SKIPPED, no spec at ${specFile} (the committed files were not compared)`)
    process.exit(0)
  }
  console.error(`generate: no spec at ${specFile}; pass the folder holding gsapi-spec-1.0.24.json`)
  process.exit(2)
}

// ---------------------------------------------------------------------------------------------
// Printing values as formatted TypeScript

/** A compact schema node, as src/generated/definitions.ts declares it. */
interface Node {
  readonly type?: "string" | "integer" | "number" | "boolean" | "object" | "array"
  readonly ref?: string
  readonly format?: string
  readonly enum?: ReadonlyArray<string | number>
  readonly minimum?: number
  readonly maximum?: number
  readonly minLength?: number
  readonly maxLength?: number
  readonly properties?: { readonly [name: string]: Node }
  readonly required?: ReadonlyArray<string>
  readonly additionalProperties?: Node
  readonly items?: Node
  readonly oneOf?: ReadonlyArray<Node>
  readonly anyOf?: ReadonlyArray<Node>
}

type Definitions = Record<string, Node>

const lineWidth = 120

const printKey = (key: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key))

/** A value as a TypeScript literal on one line. */
const printFlat = (value: unknown): string => {
  if (value === undefined) return "undefined"
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(printFlat).join(", ")}]`
  const entries = Object.entries(value)
  if (entries.length === 0) return "{}"
  return `{ ${entries.map(([k, v]) => `${printKey(k)}: ${printFlat(v)}`).join(", ")} }`
}

/**
 * A value as a TypeScript literal, laid out as the formatter would: on one line when it fits in
 * what is left of the line (`column` characters are taken), else one entry per line.
 */
const printValue = (value: unknown, indent: number, column = indent): string => {
  if (value === undefined) return "undefined"
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  const pad = " ".repeat(indent + 2)
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((v) => ["", v])
    : Object.entries(value).map(([k, v]) => [`${printKey(k)}: `, v])
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"]
  if (entries.length === 0) return `${open}${close}`
  const single = printFlat(value)
  // One more character for what follows the value on its line (a comma).
  if (column + single.length + 1 <= lineWidth) return single
  const lines = entries.map(([k, v]) => `${pad}${k}${printValue(v, indent + 2, indent + 2 + k.length)}`)
  return `${open}\n${lines.join(",\n")}\n${" ".repeat(indent)}${close}`
}

// ---------------------------------------------------------------------------------------------
// Reading the spec

type Json = any

const spec: Json = JSON.parse(Fs.readFileSync(specFile, "utf8"))

/** Sets `value` at `path` inside `target`, creating objects on the way. */
const setAt = (target: Json, path: ReadonlyArray<string>, value: unknown) => {
  let at = target
  for (const key of path.slice(0, -1)) {
    at[key] ??= {}
    at = at[key]
  }
  const last = path[path.length - 1]!
  if (value === undefined) delete at[last]
  else at[last] = structuredClone(value)
}

for (const fix of corrections) {
  if (!(fix.definition in spec.definitions)) throw new Error(`correction for unknown definition ${fix.definition}`)
  setAt(spec.definitions[fix.definition], fix.at, fix.value)
}

const refName = (ref: string) => {
  const prefix = "#/definitions/"
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`)
  const name = ref.slice(prefix.length)
  if (!(name in spec.definitions)) throw new Error(`$ref to unknown definition ${name}`)
  return name
}

/** The spec's formats worth keeping: the rest (`string`, `float`) say nothing the type does not. */
const keptFormats = new Set(["uuid", "date-time"])

/**
 * A spec schema as compact data: `$ref`s become definition names, `allOf` is merged into one
 * object, descriptions and examples are dropped.
 */
const normalize = (schema: Json): Node => {
  if (schema.$ref) return { ref: refName(schema.$ref) }
  if (schema.allOf) {
    const parts = (schema.allOf as Array<Json>).map((part) => {
      const node = normalize(part)
      return node.ref !== undefined ? normalize(spec.definitions[node.ref]) : node
    })
    const properties: Record<string, Node> = {}
    const required: Array<string> = []
    for (const part of parts) {
      Object.assign(properties, part.properties ?? {})
      for (const name of part.required ?? []) if (!required.includes(name)) required.push(name)
    }
    return { type: "object", properties, ...(required.length > 0 ? { required } : {}) }
  }
  const node: { -readonly [K in keyof Node]: Node[K] } = {}
  if (schema.type !== undefined) node.type = schema.type
  else if (schema.properties !== undefined || schema.additionalProperties !== undefined) node.type = "object"
  if (schema.format !== undefined && keptFormats.has(schema.format) && schema.type === "string") {
    node.format = schema.format
  }
  if (schema.enum !== undefined) node.enum = schema.enum
  if (schema.minimum !== undefined) node.minimum = schema.minimum
  if (schema.maximum !== undefined) node.maximum = schema.maximum
  if (schema.minLength !== undefined) node.minLength = schema.minLength
  if (schema.maxLength !== undefined) node.maxLength = schema.maxLength
  if (schema.properties !== undefined) {
    node.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, Json>).map(([name, value]) => [name, normalize(value)])
    )
  }
  if (Array.isArray(schema.required) && schema.required.length > 0) node.required = schema.required
  if (schema.additionalProperties !== undefined && typeof schema.additionalProperties === "object") {
    node.additionalProperties = normalize(schema.additionalProperties)
  }
  if (schema.items !== undefined) node.items = normalize(schema.items)
  if (schema.oneOf !== undefined) node.oneOf = (schema.oneOf as Array<Json>).map(normalize)
  if (schema.anyOf !== undefined) node.anyOf = (schema.anyOf as Array<Json>).map(normalize)
  return node
}

const definitions: Definitions = {}
for (const [name, schema] of Object.entries(spec.definitions as Record<string, Json>)) {
  definitions[name] = normalize(schema)
}

// Inline objects the overlay names, so that models and the simulator can refer to them.
for (const { name, from, at } of extractedDefinitions) {
  let parent: any = definitions[from]
  for (const key of at.slice(0, -1)) parent = parent[key]
  const last = at[at.length - 1]!
  definitions[name] = parent[last]
  parent[last] = { ref: name }
}

// ---------------------------------------------------------------------------------------------
// Operations

const methods = ["get", "post", "patch", "delete"] as const

interface Operation {
  readonly operationId: string
  readonly method: "GET" | "POST" | "PATCH" | "DELETE"
  readonly path: string
  readonly pathParams: ReadonlyArray<string>
  readonly query: ReadonlyArray<{ readonly name: string; readonly type: string; readonly required: boolean }>
  readonly tag: string
  readonly body: { readonly definition: string; readonly required: boolean } | undefined
  readonly success: number
  readonly response: string | undefined
  readonly statuses: ReadonlyArray<number>
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

const operations: Array<Operation> = []
for (const [path, item] of Object.entries(spec.paths as Record<string, Json>)) {
  for (const method of methods) {
    const op = item[method]
    if (op === undefined) continue
    const parameters: Array<Json> = [...(item.parameters ?? []), ...(op.parameters ?? [])]
    const pathParams = parameters.filter((p) => p.in === "path").map((p) => p.name as string)
    const query = parameters.filter((p) => p.in === "query").map((p) => ({
      name: p.name as string,
      type: p.type as string,
      required: p.required === true
    }))
    const bodyParam = parameters.find((p) => p.in === "body")
    let body: Operation["body"] = undefined
    if (bodyParam !== undefined) {
      const node = normalize(bodyParam.schema)
      let definition: string
      if (node.ref !== undefined) definition = node.ref
      else {
        // An inline body gets a definition of its own, named after its operation.
        definition = `${capitalize(op.operationId)}Payload`
        if (definition in definitions) throw new Error(`synthetic definition ${definition} exists already`)
        definitions[definition] = node
      }
      body = { definition, required: bodyParam.required === true }
    }
    const statuses = Object.keys(op.responses).map(Number).sort((a, b) => a - b)
    const successes = Object.entries(op.responses as Record<string, Json>).filter(([code]) => code.startsWith("2"))
    // The documented success: the first 2xx with a body, else the last 2xx listed (a 204 after a
    // bodiless 200, as `updateServerPower` lists them).
    const withBody = successes.find(([, reply]) => reply.schema !== undefined)
    const [successCode, successReply] = withBody ?? successes[successes.length - 1]!
    const response = successReply.schema === undefined ? undefined : normalize(successReply.schema).ref
    if (successReply.schema !== undefined && response === undefined) {
      throw new Error(`${op.operationId}: inline reply schema`)
    }
    let operation: Operation = {
      operationId: op.operationId,
      method: method.toUpperCase() as Operation["method"],
      path,
      pathParams,
      query,
      tag: op.tags?.[0] ?? "",
      body,
      success: Number(successCode),
      response,
      statuses
    }
    const fix = operationCorrections.find((c) => c.operationId === op.operationId)
    if (fix !== undefined) operation = { ...operation, ...fix.set }
    operations.push(operation)
  }
}

// The overlay must name every operation exactly once, and only operations that exist.
{
  const named = new Map<string, string>()
  for (const family of families) {
    for (const [method, operationId] of Object.entries(family.operations)) {
      if (named.has(operationId)) throw new Error(`${operationId} named twice (${named.get(operationId)})`)
      named.set(operationId, `${family.key}.${method}`)
    }
  }
  const ids = new Set(operations.map((o) => o.operationId))
  for (const id of named.keys()) if (!ids.has(id)) throw new Error(`overlay names unknown operation ${id}`)
  for (const id of ids) if (!named.has(id)) throw new Error(`overlay does not name operation ${id}`)
  for (const family of families) {
    for (const name of [family.item, family.listItem, family.create, family.update]) {
      if (name !== undefined && !(name in definitions)) throw new Error(`${family.key}: unknown definition ${name}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Output

const header = (what: string) =>
  `/**
 * ${what}
 *
 * Generated by scripts/generate.ts from the gridscale API spec ${spec.info.version} and the
 * overlay in src/internal/families.ts. Do not edit: run \`npm run generate\`.
 */
`

const doc = (text: string) => `/** ${text} */`

const emitOperations = () => {
  const lines: Array<string> = [
    header("The API's operations as data: method, path, parameters, body and reply definitions, statuses."),
    `/** One operation of the API. */
export interface Operation {
  /** The spec's operationId: \`getServers\`. */
  readonly operationId: string
  readonly method: "GET" | "POST" | "PATCH" | "DELETE"
  /** The path with its placeholders: \`/objects/servers/{server_uuid}\`. */
  readonly path: string
  /** The placeholders of \`path\`, in order. */
  readonly pathParams: ReadonlyArray<string>
  /** Query parameters (the spec declares none). */
  readonly query: ReadonlyArray<{ readonly name: string; readonly type: string; readonly required: boolean }>
  /** The spec's first tag. */
  readonly tag: string
  /** The definition of the request body, if the operation takes one. */
  readonly body: { readonly definition: string; readonly required: boolean } | undefined
  /** The documented success status. */
  readonly success: number
  /** The definition of the success reply's body; undefined when it has none. */
  readonly response: string | undefined
  /** Every status the spec documents for the operation. */
  readonly statuses: ReadonlyArray<number>
}
`,
    `/** Every operation of the spec, in the spec's order. */`,
    `export const operations: ReadonlyArray<Operation> = [`,
    operations.map((o) => `  ${doc(operationDoc(o.operationId))}\n  ${printValue(o, 2)}`).join(",\n"),
    `]`,
    ``,
    `/** The operations by operationId. */`,
    `export const operationsById: Readonly<Record<string, Operation>> = Object.fromEntries(`,
    `  operations.map((operation) => [operation.operationId, operation])`,
    `)`,
    ``
  ]
  return lines.join("\n")
}

const emitDefinitions = () =>
  [
    header("The spec's definitions as compact data, for request and reply validation."),
    `/**
 * One schema of the spec: \`ref\` names another definition; \`allOf\` is merged into \`properties\`;
 * \`oneOf\` / \`anyOf\` keep their members. Only facts: types, formats, enums, bounds, required lists.
 */
export interface Node {
  readonly type?: "string" | "integer" | "number" | "boolean" | "object" | "array"
  readonly ref?: string
  readonly format?: string
  readonly enum?: ReadonlyArray<string | number>
  readonly minimum?: number
  readonly maximum?: number
  readonly minLength?: number
  readonly maxLength?: number
  readonly properties?: { readonly [name: string]: Node }
  readonly required?: ReadonlyArray<string>
  readonly additionalProperties?: Node
  readonly items?: Node
  readonly oneOf?: ReadonlyArray<Node>
  readonly anyOf?: ReadonlyArray<Node>
}
`,
    `/** Every definition by name: the spec's, then those the overlay and inline bodies add. */`,
    `export const definitions: { readonly [name: string]: Node } = ${printValue(definitions, 0)}`,
    ``
  ].join("\n")

// ---------------------------------------------------------------------------------------------
// Doc comments, in the project's words, from the overlay's names

const pluralOf = (title: string) => (title.endsWith("s") ? `${title}es` : `${title}s`)
const withArticle = (title: string) => (/^([aeiou]|SSH|IP|ISO)/i.test(title) ? `an ${title}` : `a ${title}`)

const familyTitle = (key: string) => families.find((f) => f.key === key)!.title

const operationDoc = (operationId: string): string => {
  const family = families.find((f) => Object.values(f.operations).includes(operationId))!
  const method = Object.entries(family.operations).find(([, id]) => id === operationId)![0]
  const special = methodDocs[`${family.key}.${method}`]
  if (special !== undefined) return special
  const { title } = family
  switch (method) {
    case "list":
      return family.parent === undefined
        ? `Lists the ${pluralOf(title)}.`
        : `Lists the ${pluralOf(title)} of one ${familyTitle(family.parent.family)}.`
    case "get":
      return `Gets one ${title}.`
    case "create":
      return `Creates ${withArticle(title)}.`
    case "update":
      return `Changes ${withArticle(title)}.`
    case "delete":
      return `Deletes ${withArticle(title)}.`
    case "events":
      return `Lists the events of one ${title}.`
    case "listByLocation":
      return `Lists the ${pluralOf(title)} in one location.`
  }
  throw new Error(`no doc for ${family.key}.${method}: add it to methodDocs`)
}

const familyOfItem = (name: string): Family | undefined =>
  families.find((f) => f.deletedOf === undefined && (f.item === name || f.listItem === name))

const modelDoc = (name: string, owner: string | undefined): string => {
  if (modelDocs[name] !== undefined) return modelDocs[name]
  const family = familyOfItem(name)
  if (family !== undefined) {
    return family.item === name
      ? `${capitalize(withArticle(family.title))}. ${family.doc}`
      : `${capitalize(withArticle(family.title))} as a list shows it.`
  }
  const input = families.find((f) => f.create === name || f.update === name)
  if (input !== undefined) {
    return input.create === name
      ? `What creating ${withArticle(input.title)} takes.`
      : `What an update of ${withArticle(input.title)} may change.`
  }
  return owner !== undefined ? `Part of ${owner}.` : `The API's \`${name}\`.`
}

// ---------------------------------------------------------------------------------------------
// Schemas: reply models (tolerant, open) and inputs (checked, closed)

/** A schema expression with its decoded and encoded TypeScript types. */
interface Expr {
  readonly schema: string
  readonly type: string
  readonly encoded: string
}

const pascal = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean).map(capitalize).join("")
const singular = (s: string) => (s.endsWith("ies") ? `${s.slice(0, -3)}y` : s.endsWith("s") ? s.slice(0, -1) : s)

const isModelNode = (node: Node) => node.type === "object" && node.properties !== undefined

const collect = (roots: ReadonlyArray<string>) => {
  const seen = new Set<string>()
  const walk = (node: unknown) => {
    if (node === null || typeof node !== "object") return
    const ref = (node as Node).ref
    if (ref !== undefined && !seen.has(ref)) {
      seen.add(ref)
      walk(definitions[ref])
    }
    for (const value of Object.values(node)) walk(value)
  }
  for (const root of roots) {
    seen.add(root)
    walk(definitions[root])
  }
  return seen
}

const replyRoots = [
  ...new Set([
    ...operations.flatMap((o) => (o.response !== undefined ? [o.response] : [])),
    ...families.flatMap((f) => [f.item, f.listItem])
  ])
]
const bodyRoots = [...new Set(operations.flatMap((o) => (o.body !== undefined ? [o.body.definition] : [])))]
const replyDefinitions = collect(replyRoots)
/** Reply schema names, once the replies are emitted: an input of the same name takes a suffix. */
const replyNames = new Set<string>()
const inputName = (name: string) => (replyDefinitions.has(name) || replyNames.has(name) ? `${name}Input` : name)

/** The key and the entry's definition of a reply that wraps one value: `{"servers": {...}}`. */
const envelopeOf = (name: string) => {
  const node = definitions[name]!
  const keys = Object.keys(node.properties ?? {})
  if (node.type !== "object" || keys.length !== 1 || node.additionalProperties !== undefined) return undefined
  const key = keys[0]!
  const inner = node.properties![key]!
  const target = inner.ref !== undefined ? definitions[inner.ref]! : inner
  if (target.type === "array" && target.items?.ref !== undefined) {
    return { kind: "array" as const, key, item: target.items.ref }
  }
  if (target.type === "object" && target.additionalProperties?.ref !== undefined && !target.properties) {
    return { kind: "map" as const, key, item: target.additionalProperties.ref }
  }
  if (inner.ref !== undefined && isModelNode(target)) return { kind: "single" as const, key, item: inner.ref }
  return undefined
}

const declarations: Array<string> = []
const declared = new Map<string, Node>()
const bodySchemaNames: Array<[string, string]> = []
const replySchemaNames: Array<[string, string]> = []

const primitive = (node: Node): Expr | undefined => {
  switch (node.type) {
    case "string":
      return { schema: "Schema.String", type: "string", encoded: "string" }
    case "integer":
    case "number":
      return { schema: "Schema.Number", type: "number", encoded: "number" }
    case "boolean":
      return { schema: "Schema.Boolean", type: "boolean", encoded: "boolean" }
  }
  return undefined
}

const union = (members: ReadonlyArray<Expr>): Expr => ({
  schema: `Schema.Union(${members.map((m) => m.schema).join(", ")})`,
  type: [...new Set(members.map((m) => m.type))].join(" | "),
  encoded: [...new Set(members.map((m) => m.encoded))].join(" | ")
})

const quirk = (kind: (typeof replyFieldTypes)[string]): Expr => {
  switch (kind) {
    case "number|string":
      return { schema: "S.NumberOrString", type: "number | string", encoded: "number | string" }
    case "boolean|string":
      return { schema: "S.BooleanOrString", type: "boolean | string", encoded: "boolean | string" }
    case "unknown":
      return { schema: "Schema.Unknown", type: "unknown", encoded: "unknown" }
  }
}

/** The interface lines of a struct's fields. */
const members = (fields: ReadonlyArray<[string, Expr, boolean]>, side: "type" | "encoded", nullable: boolean) =>
  fields.map(([key, expr, required]) =>
    required
      ? `  readonly ${printKey(key)}: ${expr[side]}`
      : `  readonly ${printKey(key)}?: ${expr[side]}${nullable ? " | null" : ""} | undefined`
  ).join("\n")

const declare = (name: string, node: Node, emit: () => void) => {
  const previous = declared.get(name)
  if (previous !== undefined) {
    if (JSON.stringify(previous) !== JSON.stringify(node)) throw new Error(`two schemas named ${name}`)
    return
  }
  declared.set(name, node)
  emit()
}

// Reply side -------------------------------------------------------------------------------------

const replyExpr = (node: Node, owner: string, prop: string, itemOf = false): Expr => {
  if (node.ref !== undefined) {
    const target = definitions[node.ref]!
    if (isModelNode(target)) {
      replyModel(node.ref, target, undefined)
      return { schema: node.ref, type: node.ref, encoded: `${node.ref}Encoded` }
    }
    return replyExpr(target, node.ref, "")
  }
  const anyOf = node.anyOf ?? node.oneOf
  if (anyOf !== undefined) return union(anyOf.map((member) => replyExpr(member, owner, prop)))
  if (node.type === "string" && node.format === "date-time") {
    return { schema: "Schema.DateTimeUtc", type: "DateTime.Utc", encoded: "string" }
  }
  if (node.type === "array") {
    const item = replyExpr(node.items ?? {}, owner, prop, true)
    if (item.schema === "Schema.String") {
      return { schema: "S.Strings", type: "ReadonlyArray<string>", encoded: "ReadonlyArray<string>" }
    }
    return {
      schema: `Schema.Array(${item.schema})`,
      type: `ReadonlyArray<${item.type}>`,
      encoded: `ReadonlyArray<${item.encoded}>`
    }
  }
  if (isModelNode(node)) {
    const name = `${owner}${prop === "" ? (itemOf ? "Item" : "") : pascal(itemOf ? singular(prop) : prop)}`
    replyModel(name, node, owner)
    return { schema: name, type: name, encoded: `${name}Encoded` }
  }
  if (node.type === "object") {
    const value = node.additionalProperties !== undefined
      ? replyExpr(node.additionalProperties, owner, prop)
      : { schema: "Schema.Unknown", type: "unknown", encoded: "unknown" }
    return {
      schema: `Schema.Record({ key: Schema.String, value: ${value.schema} })`,
      type: `{ readonly [key: string]: ${value.type} }`,
      encoded: `{ readonly [key: string]: ${value.encoded} }`
    }
  }
  return primitive(node) ?? { schema: "Schema.Unknown", type: "unknown", encoded: "unknown" }
}

const replyModelNames: Array<string> = []

const replyModel = (name: string, node: Node, owner: string | undefined) =>
  declare(name, node, () => {
    replyModelNames.push(name)
    const family = familyOfItem(name)
    const required = new Set(replyRequired[name] ?? (family !== undefined ? [family.idField] : []))
    const fields: Array<[string, Expr, boolean]> = Object.entries(node.properties ?? {}).map(([key, value]) => {
      const kind = replyFieldTypes[key]
      const expr = kind !== undefined ? quirk(kind) : replyExpr(value, name, key)
      return [key, expr, required.has(key)]
    })
    const schemaFields = fields.map(([key, expr, isRequired]) =>
      `  ${printKey(key)}: ${isRequired ? expr.schema : `S.optional(${expr.schema})`}`
    )
    const type = members(fields, "type", true)
    const encoded = members(fields, "encoded", true)
    const lines = [doc(modelDoc(name, owner)), `export interface ${name} {\n${type}\n}`, ""]
    lines.push(
      type === encoded
        ? `/** The JSON form of {@link ${name}}. */\nexport type ${name}Encoded = ${name}`
        : `/** The JSON form of {@link ${name}}. */\nexport interface ${name}Encoded {\n${encoded}\n}`,
      ""
    )
    lines.push(
      doc(modelDoc(name, owner)),
      fields.length === 0
        ? `export const ${name}: Schema.Schema<${name}, ${name}Encoded> = S.model(${JSON.stringify(name)}, {})`
        : `export const ${name}: Schema.Schema<${name}, ${name}Encoded> = S.lazy(${
          JSON.stringify(name)
        }, () =>\nS.model(${JSON.stringify(name)}, {\n${schemaFields.join(",\n")}\n}))`,
      ""
    )
    declarations.push(lines.join("\n"))
  })

const envelopeDoc = (name: string, kind: "array" | "map" | "single", item: string) => {
  const family = familyOfItem(item)
  const what = family !== undefined ? family.title : item
  if (kind === "single") return `The reply holding one ${what}.`
  if (name.startsWith("Deleted")) return `The reply listing deleted ${pluralOf(what)}.`
  return `The reply listing ${pluralOf(what)}.`
}

const replySchema = (name: string) => {
  const envelope = envelopeOf(name)
  if (envelope !== undefined) {
    replyExpr({ ref: envelope.item }, name, "")
    const helper = { array: "S.arrayUnder", map: "S.listUnder", single: "S.under" }[envelope.kind]
    const idField = familyOfItem(envelope.item)?.idField ?? "object_uuid"
    const extra = envelope.kind === "map" && idField !== "object_uuid" ? `, ${JSON.stringify(idField)}` : ""
    declare(name, definitions[name]!, () =>
      declarations.push(
        // Built on first use, as the models are: an envelope is a transformation around a record
        // or a struct, and building the sixty-odd of them was most of what importing this module
        // still cost once the models were lazy.
        `${doc(envelopeDoc(name, envelope.kind, envelope.item))}\nexport const ${name} = S.lazy(${
          JSON.stringify(name)
        }, () => ${helper}(${JSON.stringify(envelope.key)}, ${envelope.item}${extra}))\n`
      ))
    return
  }
  const node = definitions[name]!
  if (isModelNode(node)) return replyModel(name, node, undefined)
  // A reply keyed by id at its top (the job status reply).
  const expr = replyExpr(node, name, "")
  declare(name, node, () =>
    declarations.push(
      `${
        doc(modelDocs[name] ?? `The \`${name}\` reply.`)
      }\nexport const ${name}: Schema.Schema<${expr.type}, ${expr.encoded}> = S.lazy(${
        JSON.stringify(name)
      }, () => ${expr.schema})\n`
    ))
}

// Input side -------------------------------------------------------------------------------------

const integerInput = (node: Node, key: string): string => {
  if (node.enum !== undefined) return `Schema.Literal(${node.enum.map((v) => JSON.stringify(v)).join(", ")})`
  if (node.minimum === capacityBounds.minimum && node.maximum === capacityBounds.maximum) return "Capacity"
  // Cores and memory have no stated bounds but must be positive whole numbers.
  if ((key === "cores" || key === "memory") && node.minimum === undefined && node.maximum === undefined) {
    return "PositiveInt"
  }
  if (node.minimum !== undefined && node.maximum !== undefined) {
    return `Schema.Int.pipe(Schema.between(${node.minimum}, ${node.maximum}))`
  }
  if (node.minimum !== undefined) return `Schema.Int.pipe(Schema.greaterThanOrEqualTo(${node.minimum}))`
  if (node.maximum !== undefined) return `Schema.Int.pipe(Schema.lessThanOrEqualTo(${node.maximum}))`
  return "Schema.Int"
}

const stringInput = (node: Node): string => {
  if (node.enum !== undefined) return `Schema.Literal(${node.enum.map((v) => JSON.stringify(v)).join(", ")})`
  if (node.format === "uuid") return "IdInput"
  if (node.maxLength === nameMaxLength) return "Name"
  if (node.maxLength !== undefined) return `Schema.String.pipe(Schema.maxLength(${node.maxLength}))`
  return "Schema.String"
}

const plain = (schema: string, type: string): Expr => ({ schema, type, encoded: type })

const inputExpr = (node: Node, owner: string, prop: string, itemOf = false): Expr => {
  if (node.ref !== undefined) {
    const target = definitions[node.ref]!
    if (isModelNode(target) || target.oneOf !== undefined) {
      const name = inputName(node.ref)
      inputModel(name, target, undefined)
      return plain(name, name)
    }
    return inputExpr(target, inputName(node.ref), "")
  }
  if (node.oneOf !== undefined || (node.anyOf !== undefined && node.anyOf.every((m) => m.ref !== undefined))) {
    const name = `${owner}${pascal(prop)}`
    inputModel(name, node, owner)
    return plain(name, name)
  }
  if (node.anyOf !== undefined) return union(node.anyOf.map((member) => inputExpr(member, owner, prop)))
  switch (node.type) {
    case "string": {
      const type = node.enum !== undefined ? node.enum.map((v) => JSON.stringify(v)).join(" | ") : "string"
      return plain(stringInput(node), type)
    }
    case "integer":
      return plain(integerInput(node, prop), node.enum !== undefined ? node.enum.join(" | ") : "number")
    case "number":
      return plain("Schema.Number", "number")
    case "boolean":
      return plain("Schema.Boolean", "boolean")
    case "array": {
      const item = inputExpr(node.items ?? {}, owner, prop, true)
      return plain(`Schema.Array(${item.schema})`, `ReadonlyArray<${item.type}>`)
    }
    case "object": {
      if (isModelNode(node)) {
        const name = `${owner}${prop === "" ? (itemOf ? "Item" : "") : pascal(itemOf ? singular(prop) : prop)}`
        inputModel(name, node, owner)
        return plain(name, name)
      }
      const value = node.additionalProperties !== undefined
        ? inputExpr(node.additionalProperties, owner, prop)
        : plain("Schema.Unknown", "unknown")
      return plain(
        `Schema.Record({ key: Schema.String, value: ${value.schema} })`,
        `{ readonly [key: string]: ${value.type} }`
      )
    }
  }
  return plain("Schema.Unknown", "unknown")
}

/** The members of a `oneOf` between objects, as one object whose fields are all optional. */
const mergedMembers = (node: Node) => {
  const members = (node.oneOf ?? node.anyOf ?? []).map((m) => (m.ref !== undefined ? definitions[m.ref]! : m))
  const properties: Record<string, Node> = {}
  for (const member of members) Object.assign(properties, member.properties ?? {})
  return { properties, sets: members.map((m) => m.required ?? []) }
}

const inputModel = (name: string, node: Node, owner: string | undefined) =>
  declare(name, node, () => {
    const merged = node.oneOf !== undefined || node.anyOf !== undefined ? mergedMembers(node) : undefined
    const properties = merged?.properties ?? node.properties ?? {}
    const required = new Set(merged !== undefined ? [] : node.required ?? [])
    const fields: Array<[string, Expr, boolean]> = Object.entries(properties).map(([key, value]) => [
      key,
      inputExpr(value, name, key),
      required.has(key)
    ])
    const filters: Array<string> = []
    if (merged !== undefined) filters.push(`Schema.filter(S.hasFieldsOf(${printFlat(merged.sets)}))`)
    if (name === "StorageCreate") filters.push(`Schema.filter(S.localCapacityAtMost(${capacityBounds.localMaximum}))`)
    const struct = fields.length === 0
      ? "Schema.Struct({})"
      : `Schema.Struct({\n${
        fields.map(([key, expr, isRequired]) =>
          `  ${printKey(key)}: ${isRequired ? expr.schema : `S.optional(${expr.schema})`}`
        ).join(",\n")
      }\n})`
    const lines = [
      doc(modelDoc(name.replace(/Input$/, ""), owner)),
      fields.length === 0
        ? `export interface ${name} {}`
        : `export interface ${name} {\n${members(fields, "type", true)}\n}`,
      "",
      doc(modelDoc(name.replace(/Input$/, ""), owner)),
      `export const ${name}: Schema.Schema<${name}> = S.lazy(${JSON.stringify(name)}, () =>\n${struct}${
        filters.length > 0 ? `.pipe(${filters.join(", ")})` : ""
      })`,
      ""
    ]
    declarations.push(lines.join("\n"))
  })

const emitSchemas = () => {
  for (const name of replyRoots) {
    replySchema(name)
    replySchemaNames.push([name, name])
  }
  const replyDeclarations = declarations.splice(0)
  for (const name of declared.keys()) replyNames.add(name)
  for (const name of bodyRoots) {
    const target = definitions[name]!
    const schemaName = inputName(name)
    inputExpr({ ref: name }, schemaName, "")
    if (!declared.has(schemaName)) {
      // A body that is no object (a bare record): declare it by name all the same.
      const expr = inputExpr(target, schemaName, "")
      declare(schemaName, target, () =>
        declarations.push(
          `${doc(modelDoc(name, undefined))}\nexport const ${schemaName}: Schema.Schema<${expr.type}> = S.lazy(${
            JSON.stringify(schemaName)
          }, () => ${expr.schema})\n`
        ))
    }
    bodySchemaNames.push([name, schemaName])
  }
  const inputDeclarations = declarations.splice(0)
  const registry = (entries: ReadonlyArray<[string, string]>) =>
    `{\n${entries.map(([key, value]) => (key === value ? `  ${key}` : `  ${key}: ${value}`)).join(",\n")}\n}`
  return [
    header("Schemas of the API's replies and request bodies."),
    `import type * as DateTime from "effect/DateTime"`,
    `import * as Schema from "effect/Schema"`,
    `import { Capacity, IdInput, Name, PositiveInt } from "../internal/check.js"`,
    `import * as S from "../internal/schema.js"`,
    ``,
    `// Replies: every declared field typed, unknown fields kept at run time, nulls accepted.`,
    ``,
    ...replyDeclarations,
    `// Request bodies: checked before anything is sent; unknown fields are not sent, null means absent.`,
    ``,
    ...inputDeclarations,
    `/** Every reply model (an object of the API, not a reply's envelope), by name. */`,
    `export const models: { readonly [name: string]: Schema.Schema<any, any> } = ${
      registry([...replyModelNames].sort().map((name) => [name, name]))
    }`,
    ``,
    `/** The schema of each reply definition an operation answers with, by definition name. */`,
    `export const replies: { readonly [definition: string]: Schema.Schema<any, any> } = ${registry(replySchemaNames)}`,
    ``,
    `/** The schema of each request body definition, by definition name. */`,
    `export const bodies: { readonly [definition: string]: Schema.Schema<any, any> } = ${registry(bodySchemaNames)}`,
    ``
  ].join("\n")
}

// ---------------------------------------------------------------------------------------------
// Fixtures: the spec's examples and the recorded replies the tests decode

const readDir = (
  dir: string
) => (Fs.existsSync(dir) ? Fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [])

const recordedReplies = (name: string) =>
  /^(list_|ex_list_)/.test(name) ||
  ["create_node.json", "create_volume.json", "create_ip.json", "create_node_response_dict.json"].includes(name)

const outputs = new Map<string, string>()
outputs.set("src/generated/operations.ts", emitOperations())
outputs.set("src/generated/definitions.ts", emitDefinitions())
outputs.set("src/generated/schemas.ts", emitSchemas())
for (const file of readDir(Path.join(specDir, "examples-1.0.24"))) {
  outputs.set(`test/fixtures/examples/${file}`, Fs.readFileSync(Path.join(specDir, "examples-1.0.24", file), "utf8"))
}
for (const file of readDir(fixturesDir).filter(recordedReplies)) {
  outputs.set(`test/fixtures/libcloud/${file}`, Fs.readFileSync(Path.join(fixturesDir, file), "utf8"))
}

// ---------------------------------------------------------------------------------------------
// Formatting: the project's lint rules (dprint) lay the code out, so it passes `eslint` as written

{
  const { ESLint } = await import("eslint")
  const eslint = new ESLint({ cwd: root, fix: true })
  for (const [file, text] of outputs) {
    if (!file.endsWith(".ts")) continue
    const [result] = await eslint.lintText(text, { filePath: Path.join(root, file) })
    const problems = result?.messages.filter((m) => m.severity === 2) ?? []
    if (problems.length > 0) {
      throw new Error(`${file}: ${problems.map((m) => `${m.line}:${m.column} ${m.message}`).join("; ")}`)
    }
    outputs.set(file, result?.output ?? text)
  }
}

// ---------------------------------------------------------------------------------------------
// Write or check

const generatedDirs = ["src/generated", "test/fixtures"]
const existing = new Set<string>()
for (const dir of generatedDirs) {
  const walk = (rel: string) => {
    const abs = Path.join(root, rel)
    if (!Fs.existsSync(abs)) return
    for (const entry of Fs.readdirSync(abs, { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`
      if (entry.isDirectory()) walk(child)
      else existing.add(child)
    }
  }
  walk(dir)
}

if (checkOnly) {
  const differ: Array<string> = []
  for (const [file, text] of outputs) {
    const abs = Path.join(root, file)
    if (!Fs.existsSync(abs) || Fs.readFileSync(abs, "utf8") !== text) differ.push(file)
  }
  for (const file of existing) if (!outputs.has(file)) differ.push(`${file} (not generated)`)
  if (differ.length > 0) {
    console.error(`generate --check: ${differ.length} file(s) differ from what the spec gives; run npm run generate:`)
    for (const file of differ) console.error(`  ${file}`)
    process.exit(1)
  }
  console.log(`generate --check: ${outputs.size} files match the spec (${specFile})`)
} else {
  for (const file of existing) if (!outputs.has(file)) Fs.rmSync(Path.join(root, file))
  for (const [file, text] of outputs) {
    const abs = Path.join(root, file)
    Fs.mkdirSync(Path.dirname(abs), { recursive: true })
    if (!Fs.existsSync(abs) || Fs.readFileSync(abs, "utf8") !== text) Fs.writeFileSync(abs, text)
  }
  console.log(`generate: wrote ${outputs.size} files from ${specFile}`)
}
