/**
 * `gridscale networks`: the public network and private networks.
 */
import * as Options from "@effect/cli/Options"
import * as Network from "effect-gridscale/Network"
import {
  createVerb,
  deleteVerb,
  type Family,
  getVerb,
  labelsOption,
  listVerb,
  locationOption,
  optionalName,
  orUndefined,
  present,
  text,
  updateVerb,
  type Verb
} from "../commands.js"
import { family } from "../generated/families/networks.js"
import { field } from "../output.js"
import { verbsOf } from "./generic.js"

/** Networks as the CLI shows them. */
export const networks: Family<Network.Network> = {
  cli: "networks",
  title: "network",
  schema: Network.Network,
  path: "/objects/networks",
  columns: [
    field("object_uuid", "ID"),
    field("name"),
    field("public_net", "PUBLIC"),
    field("l2security", "L2SECURITY"),
    field("status"),
    field("location_name", "LOCATION")
  ]
}

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  listVerb(networks, (g) => g.networks.list(), (g, l) => g.networks.listByLocation(l)),
  getVerb(networks, (g, id) => g.networks.get(id)),
  createVerb(networks, {
    name: text("name", "NAME").pipe(Options.withDescription("The network's name.")),
    location: locationOption,
    l2security: Options.boolean("l2security").pipe(Options.withDescription("Turn on MAC spoofing protection.")),
    labels: labelsOption
  }, {
    input: Network.NetworkCreate,
    build: (o) =>
      present({
        name: o.name,
        location_uuid: orUndefined(o.location),
        l2security: o.l2security ? true : undefined,
        labels: o.labels
      }),
    read: (g, _, id) => g.networks.get(id)
  }),
  updateVerb(networks, { name: optionalName }, {
    input: Network.NetworkUpdate,
    build: (o) => present({ name: orUndefined(o.name) }),
    update: (g, id, patch, jobOptions) => g.networks.update(id, patch, jobOptions)
  }),
  deleteVerb(networks, (g, id, jobOptions) => g.networks.delete(id, jobOptions))
]

/** The verbs of `gridscale networks`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated)
