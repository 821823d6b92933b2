// TypeDoc plugin: the comment that opens each module file (written for Effect's docgen, with
// `@since` and no `@module` tag) becomes the module's description in the API reference. TypeDoc
// itself takes a file's first comment as the module's only when it carries `@module`.
import * as Fs from "node:fs"
import { Comment, CommentTag, Converter, ReflectionKind } from "typedoc"

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
