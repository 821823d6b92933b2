// TypeDoc plugin. 1. The comment that opens each module file (written for Effect's docgen, with
// `@since` and no `@module` tag) becomes the module's description in the API reference. TypeDoc
// itself takes a file's first comment as the module's only when it carries `@module`.
import * as Fs from "node:fs"
import { Comment, CommentTag, Converter, MarkdownEvent, ReflectionKind } from "typedoc"

/** The first doc comment of a file, if the file opens with one: its text and its `@since`. */
const openingComment = (file) => {
  const match = /^\s*\/\*\*([\s\S]*?)\*\//.exec(Fs.readFileSync(file, "utf8"))
  if (!match) return undefined
  const lines = match[1].split("\n").map((line) => line.replace(/^\s*\* ?/, "").trimEnd())
  const since = lines.find((line) => line.startsWith("@since"))?.slice("@since".length).trim()
  const text = lines.filter((line) => !line.startsWith("@")).join("\n").trim()
  return text ? { text, since } : undefined
}

/** @param {import("typedoc").Application} app */
export const load = (app) => {
  loadHeadings(app)
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module) || reflection.comment) return
    const symbol = context.getSymbolFromReflection(reflection)
    const file = symbol?.declarations?.find((d) => d.getSourceFile)?.getSourceFile().fileName
    const found = file ? openingComment(file) : undefined
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
