/**
 * `gridscale locations`: the data centres.
 */
import * as Location from "effect-gridscale/Location"
import { type Family, getVerb, listVerb, type Verb } from "../commands.js"
import { family } from "../generated/families/locations.js"
import { field } from "../output.js"
import { verbsOf } from "./generic.js"

/** Locations as the CLI shows them. */
export const locations: Family<Location.Location> = {
  cli: "locations",
  title: "location",
  schema: Location.Location,
  path: "/objects/locations",
  columns: [field("object_uuid", "ID"), field("name"), field("iata", "IATA"), field("country")]
}

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  listVerb(locations, (g) => g.locations.list()),
  getVerb(locations, (g, id) => g.locations.get(id))
]

/** The verbs of `gridscale locations`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated)
