/**
 * The figures of the last run (`bench/results.json`) as the Markdown table of
 * docs/performance.md: `npx tsx bench/report.ts`.
 */
import { readFileSync } from "node:fs"

interface Result {
  readonly date: string
  readonly node: string
  readonly quick: boolean
  readonly elapsedSeconds: number
  readonly errors: ReadonlyArray<string>
  readonly figures: ReadonlyArray<{
    readonly figure: string
    readonly name: string
    readonly text?: string
    readonly target?: string
    readonly targets: Record<string, string>
    readonly pass: boolean | null
  }>
}

const results: Result = JSON.parse(readFileSync(new URL("./results.json", import.meta.url), "utf8"))
const cell = (text: string) => text.replace(/\|/g, "\\|")

console.log(
  `A run of ${results.date.slice(0, 16).replace("T", " ")} UTC, Node ${results.node}${
    results.quick ? " (--quick)" : ""
  }, ${results.elapsedSeconds} s${results.errors.length > 0 ? `, ${results.errors.length} error(s)` : ""}.\n`
)
console.log("| # | figure | result | target | |\n| --- | --- | --- | --- | --- |")
for (const f of results.figures) {
  const target = f.target ?? Object.entries(f.targets).map(([k, v]) => `${k} ${v}`).join(", ")
  const verdict = f.pass === null ? "" : f.pass ? "ok" : "**missed**"
  console.log(`| ${f.figure} | ${cell(f.name)} | ${cell(f.text ?? "")} | ${cell(target || "—")} | ${verdict} |`)
}
