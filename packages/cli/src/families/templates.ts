/**
 * `gridscale templates`: operating system images to install on storages.
 */
import * as Options from "@effect/cli/Options"
import * as Template from "effect-gridscale/Template"
import {
  createVerb,
  deleteVerb,
  type Family,
  getVerb,
  labelsOption,
  listVerb,
  present,
  text,
  type Verb
} from "../commands.js"
import { family } from "../generated/families/templates.js"
import { field } from "../output.js"
import { verbsOf } from "./generic.js"

/** Templates as the CLI shows them. */
export const templates: Family<Template.Template> = {
  cli: "templates",
  title: "template",
  schema: Template.Template,
  path: "/objects/templates",
  columns: [
    field("object_uuid", "ID"),
    field("name"),
    field("ostype", "OS"),
    field("version"),
    field("capacity", "CAPACITY (GB)"),
    field("private")
  ]
}

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  listVerb(templates, (g) => g.templates.list(), (g, l) => g.templates.listByLocation(l)),
  getVerb(templates, (g, id) => g.templates.get(id)),
  createVerb(templates, {
    name: text("name", "NAME").pipe(Options.withDescription("The template's name.")),
    snapshot: text("snapshot", "ID").pipe(Options.withDescription("The snapshot's object_uuid to make it from.")),
    labels: labelsOption
  }, {
    input: Template.TemplateCreate,
    build: (o) => present({ name: o.name, snapshot_uuid: o.snapshot, labels: o.labels }),
    read: (g, _, id) => g.templates.get(id)
  }),
  deleteVerb(templates, (g, id, jobOptions) => g.templates.delete(id, jobOptions))
]

/** The verbs of `gridscale templates`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated)
