/**
 * Writes `src/generated/families.ts`: the CLI's command per family, from the library's family
 * overlay (`src/internal/families.ts`) and generated operation and definition tables. Run from the
 * repository root after `npm run generate`: `npx tsx packages/cli/scripts/generate.ts`
 * (`--check` fails when the committed file is stale instead of writing it).
 *
 * The CLI package reads this data, not the library's internal modules, so it depends only on the
 * library's public entry points.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { definitions, type Node } from "../../../src/generated/definitions.js"
import { operations } from "../../../src/generated/operations.js"
import { families, type Family, familyByKey } from "../../../src/internal/families.js"

const out = Path.resolve(import.meta.dirname, "../src/generated/families.ts")
const indexOut = Path.resolve(import.meta.dirname, "../src/generated/index.ts")
const byId = new Map(operations.map((op) => [op.operationId, op]))

const plural = (noun: string) => /(s|sh|ch|x)$/.test(noun) ? `${noun}es` : `${noun}s`
const withArticle = (noun: string) => {
  const first = noun.split(" ")[0] ?? noun
  const acronym = first.length > 1 && first === first.toUpperCase()
  const vowel = acronym ? /^[AEFHILMNORSX]/.test(first) : /^[aeiou]/i.test(first)
  return `${vowel ? "an" : "a"} ${noun}`
}
const kebab = (name: string) => name.replace(/[._]/g, "-").replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase()

/** A flag for one top-level field of a body, when the field is something a flag can say. */
const flagOf = (name: string, node: Node, required: boolean) => {
  const resolved = node.ref !== undefined ? definitions[node.ref] ?? node : node
  const base = { property: name, required }
  if (resolved.enum !== undefined && resolved.enum.every((v) => typeof v === "string")) {
    return { ...base, flag: kebab(name), type: "choice", choices: resolved.enum }
  }
  switch (resolved.type) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return { ...base, flag: kebab(name), type: resolved.type }
    case "array": {
      const items = resolved.items?.ref !== undefined ? definitions[resolved.items.ref] : resolved.items
      if (items?.type !== "string") return undefined
      // `labels` → `--label`, given once per value.
      return { ...base, flag: kebab(name.replace(/s$/, "")), type: "strings" }
    }
    default:
      return undefined
  }
}

/** The flags of a body definition; fields a flag cannot say go in `--data` (JSON). */
const fieldsOf = (definition: string | undefined, leaveOut: ReadonlyArray<string> = []) => {
  const node = definition === undefined ? undefined : definitions[definition]
  if (node?.properties === undefined) return []
  const required = new Set(node.required ?? [])
  return Object.entries(node.properties)
    .filter(([name]) => !leaveOut.includes(name))
    .map(([name, field]) => flagOf(name, field, required.has(name)))
    .filter((f) => f !== undefined)
}

/** What a verb says in its family's help. */
const summaries: Record<string, (f: Family, object: string) => string> = {
  get: (_, o) => `Show ${withArticle(o)}.`,
  create: (_, o) => `Create ${withArticle(o)}.`,
  update: (_, o) => `Change ${withArticle(o)}; only the fields given change.`,
  delete: (_, o) => `Delete ${withArticle(o)}.`,
  events: (_, o) => `Show the event log of ${withArticle(o)}.`,
  attach: (_, o) => `Attach ${withArticle(o)} to a server.`,
  detach: (_, o) => `Detach ${withArticle(o)} from a server.`,
  metrics: (_, o) => `Show the metrics of ${withArticle(o)}.`,
  "power.get": () => "Show whether a server's power is on.",
  "power.update": () => "Switch a server's power on or off.",
  shutdown: () => "Ask a server's operating system to shut down (ACPI) and wait until it is off.",
  clone: () => "Clone a storage; prints the copy.",
  import: () => "Create a storage from a backup.",
  rollback: (f) =>
    f.key === "storages.backups"
      ? "Roll a storage back to one of its backups."
      : "Roll a storage back to one of its snapshots.",
  export: () => "Export a snapshot to an S3 bucket.",
  renewCredentials: () => "Renew the credentials of a PaaS service."
}

const verbName = (method: string) =>
  method === "power.get" ? "power" : method === "power.update" ? "set-power" : kebab(method)

const columnsOf = (f: Family) => {
  const item = definitions[f.listItem]?.properties ?? definitions[f.item]?.properties ?? {}
  const columns: Array<[string, string]> = [[f.idField, f.idField === "object_uuid" ? "ID" : f.idField.toUpperCase()]]
  for (
    const [field, title] of [
      ["name", "NAME"],
      ["status", "STATUS"],
      ["object_type", "TYPE"],
      ["change", "CHANGE"],
      ["initiator", "USER"],
      ["timestamp", "TIME"],
      ["location_name", "LOCATION"],
      ["create_time", "CREATED"]
    ] as const
  ) {
    if (field in item && field !== f.idField) columns.push([field, title])
  }
  return columns
}

const entries = families.map((f) => {
  const parent = f.parent === undefined ? undefined : familyByKey[f.parent.family]!
  const idOnly = f.title.startsWith("server ") && f.parent?.family === "servers"
  // The linked object's own name: "server storage" → "storage".
  const object = idOnly ? f.title.slice("server ".length) : f.title
  const verbs = Object.entries(f.operations)
    .filter(([method]) => method !== "listByLocation")
    .map(([method, operationId]) => {
      const op = byId.get(operationId)!
      const name = verbName(method)
      const summary = method === "list"
        ? `List the ${plural(object)}${parent ? ` of ${withArticle(parent.title)}` : ""}${
          f.operations["listByLocation"] ? " (of one location with --location)" : ""
        }.`
        : idOnly && method === "get"
        ? `Show how ${withArticle(object)} is attached to a server.`
        : idOnly && method === "update"
        ? `Change how ${withArticle(object)} is attached to a server; only the fields given change.`
        : summaries[method]?.(f, object) ?? `${name}.`
      const leaveOut = method === "attach" ? ["object_uuid"] : []
      return {
        name,
        method,
        http: op.method,
        path: op.path,
        pathParams: op.pathParams,
        body: op.body?.definition,
        fields: fieldsOf(op.body?.definition, leaveOut),
        summary
      }
    })
  return {
    cli: f.cli,
    key: f.key,
    title: object,
    titles: plural(object),
    doc: f.doc,
    parent: f.parent === undefined ? undefined : { title: parent!.title, param: f.parent.param },
    idParam: f.idParam,
    idField: f.idField,
    byLocation: f.operations["listByLocation"] !== undefined,
    columns: columnsOf(f),
    verbs
  }
})

const text = `/**
 * The CLI's commands, one per family of the API, as data.
 *
 * Generated by packages/cli/scripts/generate.ts from the library's family overlay and its
 * generated operation and definition tables. Do not edit: run
 * \`npx tsx packages/cli/scripts/generate.ts\`.
 */

/** A flag for one top-level field of a request body. */
export interface Field {
  readonly property: string
  readonly flag: string
  readonly type: "string" | "integer" | "number" | "boolean" | "choice" | "strings"
  readonly choices?: ReadonlyArray<string>
  readonly required: boolean
}

/** One verb: the driver method it calls and the operation behind it. */
export interface GeneratedVerb {
  /** The CLI verb: \`list\`, \`attach\`, \`renew-credentials\`. */
  readonly name: string
  /** The driver method within the family: \`list\`, \`power.update\`. */
  readonly method: string
  readonly http: "GET" | "POST" | "PATCH" | "DELETE"
  readonly path: string
  readonly pathParams: ReadonlyArray<string>
  /** The definition of the request body, if any. */
  readonly body?: string
  readonly fields: ReadonlyArray<Field>
  readonly summary: string
}

/** One family's command. */
export interface GeneratedFamily {
  readonly cli: string
  /** The driver property path: \`loadBalancers\`, \`paas.services\`. */
  readonly key: string
  readonly title: string
  readonly titles: string
  readonly doc: string
  readonly parent?: { readonly title: string; readonly param: string }
  readonly idParam?: string
  readonly idField: string
  readonly byLocation: boolean
  /** The table of \`list\`: field and heading. */
  readonly columns: ReadonlyArray<readonly [string, string]>
  readonly verbs: ReadonlyArray<GeneratedVerb>
}

/** Every family, in the overlay's order. */
export const families: ReadonlyArray<GeneratedFamily> = ${JSON.stringify(entries, null, 2)}
`

const index = entries.map((f) => ({ cli: f.cli, doc: f.doc }))
const indexText = `/**
 * The CLI's generated commands by name, with a line about each: what start-up and the help read
 * (the commands themselves are in ./families.ts, loaded when one runs).
 *
 * Generated by packages/cli/scripts/generate.ts. Do not edit.
 */

/** Every generated command and its summary, in the overlay's order. */
export const commands: ReadonlyArray<{ readonly cli: string; readonly doc: string }> = ${JSON.stringify(index, null, 2)}
`

if (process.argv.includes("--check")) {
  // Compared as data: the committed files are formatted by the linter.
  const committed = Fs.existsSync(out) ? (await import(out)).families : undefined
  const committedIndex = Fs.existsSync(indexOut) ? (await import(indexOut)).commands : undefined
  if (
    JSON.stringify(committed) !== JSON.stringify(entries) || JSON.stringify(committedIndex) !== JSON.stringify(index)
  ) {
    console.error(`${out} is stale: run npx tsx packages/cli/scripts/generate.ts`)
    process.exit(1)
  }
} else {
  Fs.mkdirSync(Path.dirname(out), { recursive: true })
  Fs.writeFileSync(out, text)
  Fs.writeFileSync(indexOut, indexText)
}
