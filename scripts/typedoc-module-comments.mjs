// TypeDoc plugin for the API reference.
//
// 1. Modules. A module's page is named as the package's root exports it (`export * as Generated
// from "./generated/schemas.js"` gives "Generated", not "generated/schemas"). Its description is the
// comment that opens its file (written for Effect's docgen, with `@since` and no `@module` tag:
// TypeDoc itself takes a file's first comment as the module's only with `@module`); a file whose
// opening comment has no `@since` (a generated one, addressed to maintainers) gets the comment of
// its export in src/index.ts instead.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { Comment, CommentTag, Converter, MarkdownEvent, ReflectionKind } from "typedoc"

/** A doc comment's body: its text and its `@since`. */
const parseComment = (body) => {
  const lines = body.split("\n").map((line) => line.replace(/^\s*\* ?/, "").trimEnd())
  const since = lines.find((line) => line.startsWith("@since"))?.slice("@since".length).trim()
  const text = lines.filter((line) => !line.startsWith("@")).join("\n").trim()
  return text ? { text, since } : undefined
}

/** The first doc comment of a file, if the file opens with one. */
const openingComment = (file) => {
  const match = /^\s*\/\*\*([\s\S]*?)\*\//.exec(Fs.readFileSync(file, "utf8"))
  return match ? parseComment(match[1]) : undefined
}

/** The modules src/index.ts exports, by absolute file path: the name and the export's comment. */
const exportsOfIndex = (srcDir) => {
  const found = new Map()
  const index = Path.join(srcDir, "index.ts")
  if (!Fs.existsSync(index)) return found
  const pattern = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?export \* as (\w+) from "\.\/([\w/.-]+)\.js"/g
  for (const [, body, name, file] of Fs.readFileSync(index, "utf8").matchAll(pattern)) {
    found.set(Path.join(srcDir, `${file}.ts`), { name, comment: body ? parseComment(body) : undefined })
  }
  return found
}

/** @param {import("typedoc").Application} app */
export const load = (app) => {
  loadHeadings(app)
  let exported
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return
    const symbol = context.getSymbolFromReflection(reflection)
    const file = symbol?.declarations?.find((d) => d.getSourceFile)?.getSourceFile().fileName
    if (!file) return
    exported ??= exportsOfIndex(Path.resolve("src"))
    const entry = exported.get(Path.resolve(file))
    if (entry) reflection.name = entry.name
    if (reflection.comment) return
    const opening = openingComment(file)
    const found = opening?.since ? opening : entry?.comment ?? opening
    if (!found) return
    const comment = new Comment([{ kind: "text", text: found.text }])
    if (found.since) comment.blockTags.push(new CommentTag("@since", [{ kind: "text", text: found.since }]))
    reflection.comment = comment
  })
}

// 2. The guides' headings: TypeDoc's anchor of a heading leaves out its code spans (the anchor of
// "## `servers.provision`" is "_"), GitHub's keeps their text ("serversprovision"), and the pages
// link GitHub's. Written as <code> elements, the text of the code counts for TypeDoc too, and the
// heading looks the same.
const escapeHtml = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** Rewrites code spans in the headings of a page, outside fenced blocks. */
export const headingCodeAsHtml = (markdown) => {
  let fence = undefined
  return markdown.split("\n").map((line) => {
    const open = /^\s*(`{3,}|~{3,})/.exec(line)
    if (open) {
      if (fence === undefined) fence = open[1][0]
      else if (open[1][0] === fence) fence = undefined
      return line
    }
    if (fence !== undefined || !/^#{1,6}\s/.test(line)) return line
    return line.replace(/`([^`]+)`/g, (_, code) => `<code>${escapeHtml(code)}</code>`)
  }).join("\n")
}

/** @param {import("typedoc").Application} app */
export const loadHeadings = (app) => {
  // Before TypeDoc's own listener (priority 0) turns the markdown into HTML.
  app.renderer.on(MarkdownEvent.PARSE, (event) => {
    event.parsedText = headingCodeAsHtml(event.parsedText)
  }, 100)
}
