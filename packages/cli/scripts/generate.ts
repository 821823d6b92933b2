/**
 * Writes the CLI's commands, one per family, from the library's family overlay
 * (`src/internal/families.ts`) and generated operation and definition tables:
 * `src/generated/families/<command>.ts` (one family's command as data, loaded only when that
 * command runs), `src/generated/families.ts` (the types, and every family in one table) and
 * `src/generated/index.ts` (names, summaries and loaders: what start-up reads). Run from the
 * repository root after `npm run generate`: `npx tsx packages/cli/scripts/generate.ts`
 * (`--check` fails when the committed files are stale instead of writing them).
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
const familyDir = Path.resolve(import.meta.dirname, "../src/generated/families")
const familyOut = (cli: string) => Path.join(familyDir, `${cli}.ts`)
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

/** A JavaScript name for a command: \`load-balancers\` → \`loadBalancers\`. */
const camel = (cli: string) => cli.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

const text = `/**
 * The CLI's commands, one per family of the API, as data: the types, and every family in one
 * table (for tests and the completion scripts; a command that runs loads its own family's module
 * from ./families/ instead).
 *
 * Generated by packages/cli/scripts/generate.ts from the library's family overlay and its
 * generated operation and definition tables. Do not edit: run
 * \`npx tsx packages/cli/scripts/generate.ts\`.
 */
${entries.map((f) => `import { family as ${camel(f.cli)} } from "./families/${f.cli}.js"`).join("\n")}

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
export const families: ReadonlyArray<GeneratedFamily> = [${entries.map((f) => camel(f.cli)).join(", ")}]
`

const familyText = (f: (typeof entries)[number]) =>
  `/**
 * The \`gridscale ${f.cli}\` command as data. Generated by packages/cli/scripts/generate.ts. Do not edit.
 */
import type { GeneratedFamily } from "../families.js"

/** The family of \`gridscale ${f.cli}\`. */
export const family: GeneratedFamily = ${JSON.stringify(f, null, 2)}
`

const index = entries.map((f) => ({ cli: f.cli, doc: f.doc }))
const indexText = `/**
 * The CLI's generated commands by name, with a line about each and how to load it: what start-up
 * and the help read (a command's own data, in ./families/, is loaded when it runs).
 *
 * Generated by packages/cli/scripts/generate.ts. Do not edit.
 */
import type { GeneratedFamily } from "./families.js"

/** A generated command: its name, its summary, and its family's data, loaded on demand. */
export interface GeneratedCommand {
  readonly cli: string
  readonly doc: string
  readonly load: () => Promise<{ readonly family: GeneratedFamily }>
}

/** Every generated command, in the overlay's order. */
export const commands: ReadonlyArray<GeneratedCommand> = [
${
  index.map((c) =>
    `  { cli: ${JSON.stringify(c.cli)}, doc: ${JSON.stringify(c.doc)}, load: () => import("./families/${c.cli}.js") }`
  ).join(",\n")
}
]
`

const stale = Fs.existsSync(familyDir)
  ? Fs.readdirSync(familyDir).filter((name) => !entries.some((f) => `${f.cli}.ts` === name))
  : []

if (process.argv.includes("--check")) {
  // Compared as data: the committed files are formatted by the linter.
  const committed = Fs.existsSync(out) ? (await import(out)).families : undefined
  const committedIndex: ReadonlyArray<{ cli: string; doc: string; load: () => Promise<{ family: unknown }> }> =
    Fs.existsSync(indexOut) ? (await import(indexOut)).commands : []
  const loaded = await Promise.all(
    committedIndex.map((c) => c.load().then((m) => m.family, () => undefined))
  )
  if (
    JSON.stringify(committed) !== JSON.stringify(entries) ||
    JSON.stringify(committedIndex.map((c) => ({ cli: c.cli, doc: c.doc }))) !== JSON.stringify(index) ||
    JSON.stringify(loaded) !== JSON.stringify(entries) ||
    stale.length > 0
  ) {
    console.error(`${Path.dirname(out)} is stale: run npx tsx packages/cli/scripts/generate.ts`)
    process.exit(1)
  }
} else {
  Fs.mkdirSync(familyDir, { recursive: true })
  for (const name of stale) Fs.rmSync(Path.join(familyDir, name))
  for (const f of entries) Fs.writeFileSync(familyOut(f.cli), familyText(f))
  Fs.writeFileSync(out, text)
  Fs.writeFileSync(indexOut, indexText)
}
