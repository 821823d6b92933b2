/**
 * `gridscale locations`: the data centres.
 */
import * as Location from "effect-gridscale/Location"
import { type Family, getVerb, listVerb, type Verb } from "../commands.js"
import { field } from "../output.js"

/** Locations as the CLI shows them. */
export const locations: Family<Location.Location> = {
  cli: "locations",
  title: "location",
  schema: Location.Location,
  path: "/objects/locations",
  columns: [field("object_uuid", "ID"), field("name"), field("iata", "IATA"), field("country")]
}

/** The verbs of `gridscale locations`. */
export const verbs: ReadonlyArray<Verb> = [
  listVerb(locations, (g) => g.locations.list()),
  getVerb(locations, (g, id) => g.locations.get(id))
]
