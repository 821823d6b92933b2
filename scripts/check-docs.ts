/**
 * Typechecks every ```ts block of README.md and docs/**\/*.md against the package's source:
 * `npm run check:docs`.
 *
 * Each block is a module of its own, in `.docs-check/` (git-ignored), where `effect-gridscale`
 * and `effect-gridscale/<Module>` resolve to `src/` through tsconfig `paths`. A block whose info
 * string says `continues` (```ts continues) is checked together with the blocks before it on the
 * same page (their imports merged), for examples that build on an earlier one. A block whose info
 * string says `fragment` is a few statements taken out of a program: it is checked inside
 * `Effect.gen`, with the library's namespaces, effect's common modules and
 * `const gridscale = yield* Gridscale.Gridscale` in scope. Names a block uses but does not show can
 * be declared in an HTML comment right before it, which readers do not see:
 *
 *     <!-- check-docs
 *     declare const templateId: string
 *     -->
 *
 * A block whose info string says `no-check` is skipped: keep it for what is not TypeScript at all.
 *
 * Relative links between the pages are checked too: the file must exist, and an `#anchor` must be
 * a heading of it.
 *
 * Errors are reported at the page and line they come from. On success `.docs-check/` is removed.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import ts from "typescript"

const root = Path.resolve(import.meta.dirname, "..")
const outDir = Path.join(root, ".docs-check")

interface Block {
  readonly page: string
  /** 1-based line of the block's first code line in the page. */
  readonly line: number
  readonly code: string
  readonly continues: boolean
  readonly fragment: boolean
  /** Code from a `<!-- check-docs ... -->` comment before the block, put before it at the top level. */
  readonly hidden: ReadonlyArray<string>
}

/** What a `fragment` block can use without importing it. */
const fragmentPrelude = [
  `import { Cause, Chunk, Duration, Effect, Exit, Fiber, Layer, Option, Redacted, Schedule, Schema, Stream, ` +
  `TestClock } ` +
  `from "effect"`,
  `import { FetchHttpClient, HttpClient } from "@effect/platform"`,
  `import { Gridscale, GridscaleConfig, GridscaleConnection, GridscaleError, GridscalePolling, GridscaleResponse, ` +
  `GridscaleSimulator, GridscaleTest, Ip, IsoImage, Location, Network, Server, Snapshot, SshKey, Storage, Template } ` +
  `from "effect-gridscale"`
]

const markdownFiles = (): Array<string> => {
  const found: Array<string> = [Path.join(root, "README.md")]
  const walk = (dir: string) => {
    for (const entry of Fs.readdirSync(dir, { withFileTypes: true })) {
      const full = Path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (full !== Path.join(root, "docs", "api")) walk(full)
      } else if (entry.name.endsWith(".md")) found.push(full)
    }
  }
  walk(Path.join(root, "docs"))
  const cli = Path.join(root, "packages", "cli", "README.md")
  if (Fs.existsSync(cli)) found.push(cli)
  return found.sort()
}

const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/

const blocksOf = (file: string): Array<Block> => {
  const page = Path.relative(root, file)
  const lines = Fs.readFileSync(file, "utf8").split("\n")
  const blocks: Array<Block> = []
  let hidden: Array<string> = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim().startsWith("<!-- check-docs")) {
      const body: Array<string> = []
      while (i + 1 < lines.length && !lines[i + 1]!.includes("-->")) body.push(lines[++i]!)
      i++
      hidden = body
      continue
    }
    const open = fence.exec(lines[i]!)
    if (!open) {
      if (lines[i]!.trim() !== "") hidden = []
      continue
    }
    const [, indent, marks, lang, rest] = open
    const start = i + 1
    let end = start
    while (end < lines.length && !lines[end]!.trimStart().startsWith(marks!)) end++
    i = end
    if (lang !== "ts" && lang !== "typescript") continue
    const flags = rest!.split(/[\s,]+/)
    const before = hidden
    hidden = []
    if (flags.includes("no-check")) continue
    const code = lines.slice(start, end).map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l)).join("\n")
    blocks.push({
      page,
      line: start + 1,
      code,
      continues: flags.includes("continues"),
      fragment: flags.includes("fragment"),
      hidden: before
    })
  }
  return blocks
}

/** A generated module: its text and, per line, where that line came from. */
interface Unit {
  readonly name: string
  readonly text: string
  readonly origin: ReadonlyArray<{ readonly page: string; readonly line: number } | undefined>
}

/** Joins blocks into one module, merging their imports so that names are imported once. */
const unitOf = (name: string, blocks: ReadonlyArray<Block>): Unit => {
  if (blocks.length === 1 && blocks[0]!.fragment) {
    const block = blocks[0]!
    const head = [
      ...fragmentPrelude,
      ...block.hidden,
      "export const fragment = Effect.gen(function*() {",
      "const gridscale = yield* Gridscale.Gridscale"
    ]
    const lines = block.code.split("\n")
    return {
      name,
      text: [...head, ...lines, "})"].join("\n") + "\n",
      origin: [...head.map(() => undefined), ...lines.map((_, i) => ({ page: block.page, line: block.line + i }))]
    }
  }
  if (blocks.length === 1) {
    const block = blocks[0]!
    const lines = [...block.hidden, ...block.code.split("\n")]
    return {
      name,
      text: lines.join("\n") + "\n",
      origin: [
        ...block.hidden.map(() => undefined),
        ...block.code.split("\n").map((_, i) => ({ page: block.page, line: block.line + i }))
      ]
    }
  }
  const named = new Map<string, Set<string>>()
  const other: Array<string> = []
  const body: Array<string> = []
  const origin: Array<{ page: string; line: number } | undefined> = []
  for (const block of blocks) {
    const source = ts.createSourceFile("block.ts", block.code, ts.ScriptTarget.Latest, true)
    const importLines = new Set<number>()
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement)) continue
      const from = (statement.moduleSpecifier as ts.StringLiteral).text
      const first = source.getLineAndCharacterOfPosition(statement.getStart()).line
      const last = source.getLineAndCharacterOfPosition(statement.getEnd()).line
      for (let l = first; l <= last; l++) importLines.add(l)
      const clause = statement.importClause
      const bindings = clause?.namedBindings
      if (clause && !clause.name && !clause.isTypeOnly && bindings && ts.isNamedImports(bindings)) {
        const set = named.get(from) ?? new Set<string>()
        for (const element of bindings.elements) set.add(element.getText(source))
        named.set(from, set)
      } else {
        const text = statement.getText(source)
        if (!other.includes(text)) other.push(text)
      }
    }
    block.code.split("\n").forEach((text, i) => {
      if (importLines.has(i)) return
      body.push(text)
      origin.push({ page: block.page, line: block.line + i })
    })
  }
  const header = [
    ...other,
    ...[...named].map(([from, names]) => `import { ${[...names].join(", ")} } from ${JSON.stringify(from)}`)
  ]
  return {
    name,
    text: [...header, ...body].join("\n") + "\n",
    origin: [...header.map(() => undefined), ...origin]
  }
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")

const anchorsOf = (file: string): Set<string> => {
  const anchors = new Set<string>()
  let inFence = false
  for (const line of Fs.readFileSync(file, "utf8").split("\n")) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence
    const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line)
    if (heading) anchors.add(slug(heading[1]!))
  }
  return anchors
}

/** Relative links of every page must lead to a file that exists, and to a heading in it. */
const brokenLinks: Array<string> = []
for (const file of markdownFiles()) {
  const text = Fs.readFileSync(file, "utf8").replace(/^(`{3,}|~{3,})[\s\S]*?^\1/gm, "")
  for (const [, target] of text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z+.-]*:/i.test(target!)) continue
    const [path, anchor] = target!.split("#") as [string, string | undefined]
    const resolved = path === "" ? file : Path.resolve(Path.dirname(file), path)
    const where = `${Path.relative(root, file)}: link ${target}`
    if (!Fs.existsSync(resolved)) brokenLinks.push(`${where}: no such file`)
    else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) {
      brokenLinks.push(`${where}: no such heading`)
    }
  }
}
for (const broken of brokenLinks) console.error(broken)

const units: Array<Unit> = []
let count = 0
for (const file of markdownFiles()) {
  const blocks = blocksOf(file)
  const slug = Path.relative(root, file).replace(/\.md$/, "").replace(/[^A-Za-z0-9]+/g, "-")
  count += blocks.length
  let chain: Array<Block> = []
  blocks.forEach((block, index) => {
    chain = block.continues ? [...chain, block] : [block]
    const next = blocks[index + 1]
    if (next?.continues) return
    units.push(unitOf(`${slug}-${index + 1}.ts`, chain))
  })
}

Fs.rmSync(outDir, { recursive: true, force: true })
Fs.mkdirSync(outDir, { recursive: true })
for (const unit of units) Fs.writeFileSync(Path.join(outDir, unit.name), unit.text)
const tsconfig = {
  extends: "../tsconfig.json",
  compilerOptions: {
    noEmit: true,
    // Examples may leave a helper unused; that is not an error in a page.
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths: {
      "effect-gridscale": ["../src/index.ts"],
      "effect-gridscale/*": ["../src/*.ts"]
    }
  },
  include: ["*.ts"]
}
Fs.writeFileSync(Path.join(outDir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n")

const configPath = Path.join(outDir, "tsconfig.json")
const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
  }
})!
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options })
const diagnostics = ts.getPreEmitDiagnostics(program)
const byName = new Map(units.map((u) => [Path.join(outDir, u.name), u]))

let errors = 0
for (const d of diagnostics) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n  ")
  if (!d.file || d.start === undefined) {
    errors++
    console.error(`error TS${d.code}: ${message}`)
    continue
  }
  const { character, line } = d.file.getLineAndCharacterOfPosition(d.start)
  const unit = byName.get(Path.resolve(d.file.fileName))
  const from = unit?.origin[line]
  const where = from
    ? `${from.page}:${from.line}:${character + 1}`
    : `${Path.relative(root, d.file.fileName)}:${line + 1}:${character + 1}`
  errors++
  console.error(`${where} - error TS${d.code}: ${message}`)
}

errors += brokenLinks.length
if (errors > 0) {
  console.error(`check-docs: ${errors} error(s) in ${count} examples (generated modules kept in .docs-check/)`)
  process.exit(1)
}
Fs.rmSync(outDir, { recursive: true, force: true })
console.log(`check-docs: ${count} examples in ${units.length} modules typecheck; every relative link resolves`)
