/**
 * `gridscale ips`: public IPv4 and IPv6 addresses.
 */
import * as Options from "@effect/cli/Options"
import * as Ip from "effect-gridscale/Ip"
import {
  createVerb,
  deleteVerb,
  type Family,
  getVerb,
  labelsOption,
  listVerb,
  locationOption,
  orUndefined,
  present,
  text,
  type Verb
} from "../commands.js"
import { family } from "../generated/families/ips.js"
import { field } from "../output.js"
import { verbsOf } from "./generic.js"

/** IP addresses as the CLI shows them. */
export const ips: Family<Ip.Ip> = {
  cli: "ips",
  title: "IP address",
  schema: Ip.Ip,
  path: "/objects/ips",
  columns: [
    field("object_uuid", "ID"),
    field("ip", "ADDRESS"),
    field("prefix"),
    field("family"),
    field("name"),
    field("status"),
    field("location_name", "LOCATION")
  ]
}

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  listVerb(ips, (g) => g.ips.list(), (g, l) => g.ips.listByLocation(l)),
  getVerb(ips, (g, id) => g.ips.get(id)),
  createVerb(ips, {
    family: Options.choice("family", ["4", "6"]).pipe(
      Options.withDescription("4 for IPv4, 6 for IPv6. Default 4."),
      Options.withDefault("4" as const)
    ),
    name: text("name", "NAME").pipe(Options.withDescription("A name for the address."), Options.optional),
    location: locationOption,
    failover: Options.boolean("failover").pipe(Options.withDescription("A failover address.")),
    reverseDns: text("reverse-dns", "PTR").pipe(Options.withDescription("The PTR record."), Options.optional),
    labels: labelsOption
  }, {
    input: Ip.IpCreate,
    build: (o) =>
      present({
        family: Number(o.family),
        name: orUndefined(o.name),
        location_uuid: orUndefined(o.location),
        failover: o.failover ? true : undefined,
        reverse_dns: orUndefined(o.reverseDns),
        labels: o.labels
      }),
    read: (g, _, id) => g.ips.get(id)
  }),
  deleteVerb(ips, (g, id, jobOptions) => g.ips.delete(id, jobOptions))
]

/** The verbs of `gridscale ips`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated)
