/**
 * What the CLI prints: JSON for machines (objects as the API shows them), aligned tables and
 * field lists for people, and a live progress line on a terminal while a job runs.
 */
import type { JobOptions } from "effect-gridscale/Gridscale"
import type { Progress } from "effect-gridscale/GridscalePolling"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

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
  if (typeof value === "object") return JSON.stringify(value)
  return String(value)
}

/** Rows under headings, columns padded to their widest cell. */
export const renderTable = (columns: ReadonlyArray<Column>, items: ReadonlyArray<Record<string, unknown>>): string => {
  const rows = [columns.map((c) => c.title), ...items.map((item) => columns.map((c) => cell(c.value(item))))]
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row) => row.map((text, i) => (i === row.length - 1 ? text : text.padEnd(widths[i]!))).join("  "))
    .join("\n")
}

/** One object as `field  value` lines: its plain fields, then any lists or nested objects as JSON. */
export const renderFields = (item: Record<string, unknown>): string => {
  const entries = Object.entries(item).filter(([, v]) => v !== undefined)
  const width = Math.max(0, ...entries.map(([k]) => k.length))
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join("\n")
}

/** Turns decoded objects back into their JSON form (timestamps as ISO strings), by their schema. */
export const encoder = <A, I>(schema: Schema.Schema<A, I, never>) => {
  const encode = Schema.encodeSync(schema)
  return (a: A): Record<string, unknown> => encode(a) as Record<string, unknown>
}

/** Prints a value as indented JSON. */
export const printJson = (value: unknown): Effect.Effect<void> => Console.log(JSON.stringify(value, null, 2))

/**
 * Runs `f` with job options whose `onProgress` draws one self-overwriting line on standard error
 * when it is a terminal (and nothing otherwise, so pipes and logs stay clean).
 */
export const withProgress = <A, E, R>(
  label: string,
  options: { readonly quiet: boolean; readonly timeoutSeconds?: number | undefined },
  f: (jobOptions: JobOptions) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const live = !options.quiet && process.stderr.isTTY === true
  let drawn = false
  const onProgress = (p: Progress) =>
    Effect.sync(() => {
      if (!live) return
      drawn = true
      const seconds = (p.elapsedMillis / 1000).toFixed(1)
      const polls = `${p.polls} poll${p.polls === 1 ? "" : "s"}`
      process.stderr.write(`\r\x1b[K${label}: job ${p.status} (${polls}, ${seconds} s)`)
    })
  const jobOptions: JobOptions = {
    onProgress,
    ...(options.timeoutSeconds === undefined ? {} : { timeout: options.timeoutSeconds * 1000 })
  }
  return f(jobOptions).pipe(
    Effect.ensuring(Effect.sync(() => {
      if (drawn) process.stderr.write("\r\x1b[K")
    }))
  )
}
