/**
 * What the CLI prints: JSON for machines (objects as the API shows them), aligned tables and
 * indented field lists for people, ids only for scripts, and a live progress line on a terminal
 * while a job runs.
 */
import type { Progress } from "effect-gridscale/GridscalePolling"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { Streams } from "./streams.js"

/** A column of a table: its heading and how to read it from an object in its JSON form. */
export interface Column {
  readonly title: string
  readonly value: (item: Record<string, unknown>) => unknown
}

/** A column showing one field. */
export const field = (name: string, title: string = name.toUpperCase()): Column => ({
  title,
  value: (item) => item[name]
})

const cell = (value: unknown): string => {
  if (value === undefined || value === null) return "-"
  if (typeof value === "boolean") return value ? "yes" : "no"
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map(cell).join(",")
  if (typeof value === "object") return `(${Object.keys(value).length} fields)`
  return String(value)
}

/** Rows under headings (unless `header` is false), columns padded to their widest cell. */
export const renderTable = (
  columns: ReadonlyArray<Column>,
  items: ReadonlyArray<Record<string, unknown>>,
  options: { readonly header?: boolean } = {}
): string => {
  const body = items.map((item) => columns.map((c) => cell(c.value(item))))
  const rows = options.header === false ? body : [columns.map((c) => c.title), ...body]
  const widths = columns.map((_, i) => Math.max(0, ...rows.map((row) => row[i]!.length)))
  return rows.map((row) => row.map((text, i) => (i === row.length - 1 ? text : text.padEnd(widths[i]!))).join("  "))
    .join("\n")
}

const isPlain = (value: unknown) => value === null || typeof value !== "object"

const scalar = (value: unknown): string => {
  if (value === null || value === undefined) return "-"
  if (typeof value === "boolean") return value ? "yes" : "no"
  return String(value)
}

const isEmpty = (value: unknown) =>
  Array.isArray(value)
    ? value.length === 0
    : value !== null && typeof value === "object" && Object.keys(value).length === 0

const rank = (key: string) => (key === "object_uuid" ? 0 : key === "name" ? 1 : 2)

/** `key  value` lines, aligned; nested objects and lists indented under their key. */
const fieldLines = (item: Record<string, unknown>, indent: string): Array<string> => {
  // The id and the name first, where a person looks; the rest in the order the API sent them.
  const entries = Object.entries(item).filter(([, v]) => v !== undefined).sort(([a], [b]) => rank(a) - rank(b))
  const width = Math.max(0, ...entries.filter(([, v]) => isPlain(v) || isEmpty(v)).map(([k]) => k.length))
  return entries.flatMap(([key, value]) => {
    if (isPlain(value)) return [`${indent}${key.padEnd(width)}  ${scalar(value)}`]
    if (isEmpty(value)) return [`${indent}${key.padEnd(width)}  -`]
    return [`${indent}${key}`, ...nestedLines(value, `${indent}  `)]
  })
}

const nestedLines = (value: unknown, indent: string): Array<string> => {
  if (!Array.isArray(value)) return fieldLines(value as Record<string, unknown>, indent)
  return value.flatMap((entry) => {
    if (isPlain(entry)) return [`${indent}- ${scalar(entry)}`]
    // The first line of an entry carries the dash; the rest line up under it.
    const [first = "", ...rest] = nestedLines(entry, `${indent}  `)
    return [`${indent}- ${first.slice(indent.length + 2)}`, ...rest]
  })
}

/**
 * One object as `field  value` lines: plain fields aligned, nested objects and lists (relations,
 * say) indented under their field, one entry per block, so nothing turns into one long line.
 */
export const renderFields = (item: Record<string, unknown>): string => fieldLines(item, "").join("\n")

/** Prints a value as indented JSON. */
export const printJson = (value: unknown): Effect.Effect<void> => Console.log(JSON.stringify(value, null, 2))

/** How a list is printed. */
export interface ListFormat {
  readonly json: boolean
  /** Ids only, one a line. */
  readonly quiet: boolean
  /** The table without its heading line. */
  readonly noHeader: boolean
}

/**
 * Prints a list: JSON, ids, or a table. An empty list prints nothing on standard output (an
 * empty JSON array with `--json`); on a terminal, standard error says it was empty.
 */
export const printList = (
  format: ListFormat,
  items: ReadonlyArray<Record<string, unknown>>,
  table: { readonly columns: ReadonlyArray<Column>; readonly idOf: (item: Record<string, unknown>) => unknown },
  what: string
): Effect.Effect<void, never, Streams> =>
  Effect.gen(function*() {
    if (format.json) return yield* printJson(items)
    if (items.length === 0) {
      const streams = yield* Streams
      if (streams.stderrIsTTY) yield* Console.error(`no ${what}`)
      return
    }
    if (format.quiet) return yield* Console.log(items.map((item) => scalar(table.idOf(item))).join("\n"))
    yield* Console.log(renderTable(table.columns, items, { header: !format.noHeader }))
  })

/**
 * Runs `f` with an `onProgress` that draws one self-overwriting line on standard error when it is
 * a terminal (and nothing otherwise, so pipes and logs stay clean).
 */
export const withProgress = <A, E, R>(
  label: string,
  quiet: boolean,
  f: (onProgress: (progress: Progress) => Effect.Effect<void>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R | Streams> =>
  Effect.flatMap(Streams, (streams) => {
    const live = !quiet && streams.stderrIsTTY
    let drawn = false
    const onProgress = (p: Progress) =>
      Effect.sync(() => {
        if (!live) return
        drawn = true
        const seconds = (p.elapsedMillis / 1000).toFixed(1)
        const polls = `${p.polls} poll${p.polls === 1 ? "" : "s"}`
        streams.writeStderr(`\r\x1b[K${label}: job ${p.status} (${polls}, ${seconds} s)`)
      })
    return f(onProgress).pipe(
      Effect.ensuring(Effect.sync(() => {
        if (drawn) streams.writeStderr("\r\x1b[K")
      }))
    )
  })
