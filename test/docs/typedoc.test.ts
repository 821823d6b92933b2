/**
 * The API reference's configuration (typedoc.json), checked without running TypeDoc (CI's
 * `npm run docs` builds it): every guide the reference's index links to is one of its rendered
 * documents (a guide TypeDoc does not know is copied raw into `media/`), and every public module
 * has its page.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))
const config = JSON.parse(Fs.readFileSync(Path.join(root, "typedoc.json"), "utf8")) as {
  readonly readme: string
  readonly entryPoints: ReadonlyArray<string>
  readonly projectDocuments?: ReadonlyArray<string>
}

/** A glob of the forms typedoc.json uses (`*`, `[a-z]`), as a regular expression. */
const globRegExp = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`)

const isDocument = (file: string) => (config.projectDocuments ?? []).some((glob) => globRegExp(glob).test(file))

/** Relative links to markdown files in a page, resolved against the repository root. */
const guideLinks = (page: string): Array<string> => {
  const text = Fs.readFileSync(Path.join(root, page), "utf8").replace(/^```[\s\S]*?^```/gm, "")
  return [...text.matchAll(/\]\(([^)\s#]+\.md)(#[^)]*)?\)/g)]
    .filter((match) => !/^[a-z]+:/i.test(match[1]!))
    .map((match) => Path.relative(root, Path.resolve(Path.dirname(Path.join(root, page)), match[1]!)))
}

describe("typedoc.json", () => {
  it("renders every guide the index and the guides link to", () => {
    const pages = [
      config.readme,
      ...Fs.readdirSync(Path.join(root, "docs")).filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`)
    ]
    const linked = new Set(pages.flatMap(guideLinks))
    expect(linked.size).toBeGreaterThan(10)
    const notRendered = [...linked].filter((file) => file !== config.readme && !isDocument(file))
    expect(notRendered).toEqual([])
    // The index itself is the reference's front page, not a second document.
    expect(isDocument(config.readme)).toBe(false)
  })

  it("has a page for every module the package exports", () => {
    const index = Fs.readFileSync(Path.join(root, "src/index.ts"), "utf8")
    const exported = [...index.matchAll(/export \* as \w+ from "\.\/([\w/]+)\.js"/g)].map((match) =>
      `src/${match[1]}.ts`
    )
    expect(exported).toContain("src/GridscaleTest.ts")
    expect(exported.filter((file) => !config.entryPoints.includes(file))).toEqual([])
  })
})
