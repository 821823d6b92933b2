/**
 * Writes src/generated/** and test/fixtures/** from the gridscale API spec and the recorded
 * replies beside it, with the overlay of src/internal/families.ts applied.
 *
 *   npm run generate                      writes the files
 *   npm run generate -- --check           regenerates in memory; exits 1 if a committed file differs
 *   npm run generate -- <spec dir>        reads the spec from elsewhere
 *                                         (default: ../shared/reference/gridscale-api)
 *
 * No dependencies beyond Node: the spec is Swagger 2.0 JSON, read and walked by hand. Output is
 * deterministic (spec order, no timestamps) and already formatted the way the lint rules want.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Url from "node:url"
import { corrections, extractedDefinitions, families, operationCorrections } from "../src/internal/families.js"

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
    `export const operations: ReadonlyArray<Operation> = ${printValue(operations, 0)}`,
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
for (const file of readDir(Path.join(specDir, "examples-1.0.24"))) {
  outputs.set(`test/fixtures/examples/${file}`, Fs.readFileSync(Path.join(specDir, "examples-1.0.24", file), "utf8"))
}
for (const file of readDir(fixturesDir).filter(recordedReplies)) {
  outputs.set(`test/fixtures/libcloud/${file}`, Fs.readFileSync(Path.join(fixturesDir, file), "utf8"))
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
