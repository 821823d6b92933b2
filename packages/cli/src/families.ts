/**
 * The CLI's commands by name, each loaded only when it runs: start-up reads this table (names and
 * one line each), not the commands, so it does not grow with the number of families. A family
 * with hand-written verbs (friendlier flags, `servers provision`) has a module of its own; every
 * other one is built from its generated description.
 */
import type { Verb } from "./commands.js"
import { commands, type GeneratedCommand } from "./generated/index.js"

/** One command of `gridscale`: its name, other names it answers to, a summary, and its verbs. */
export interface Entry {
  readonly cli: string
  readonly aliases: ReadonlyArray<string>
  readonly summary: string
  readonly load: () => Promise<{ readonly verbs: ReadonlyArray<Verb> }>
}

type Load = Entry["load"]

const curated: Readonly<Record<string, Load>> = {
  servers: () => import("./families/servers.js"),
  storages: () => import("./families/storages.js"),
  snapshots: () => import("./families/snapshots.js"),
  ips: () => import("./families/ips.js"),
  networks: () => import("./families/networks.js"),
  "ssh-keys": () => import("./families/sshKeys.js"),
  templates: () => import("./families/templates.js"),
  "iso-images": () => import("./families/isoImages.js"),
  locations: () => import("./families/locations.js")
}

/** Names the CLI answered to before the commands were generated. */
const aliases: Readonly<Record<string, ReadonlyArray<string>>> = {
  "ssh-keys": ["sshkeys"],
  "iso-images": ["isoimages"]
}

/** The verbs of a family without a module of its own: built from its generated data alone. */
const generic = (data: GeneratedCommand["load"]): Load => () =>
  Promise.all([import("./families/generic.js"), data()]).then(([generic, { family }]) => ({
    verbs: generic.verbsOf(family)
  }))

/** Every command, in the order the help lists them. */
export const entries: ReadonlyArray<Entry> = [
  ...commands.map((command) => ({
    cli: command.cli,
    aliases: aliases[command.cli] ?? [],
    summary: command.doc,
    load: curated[command.cli] ?? generic(command.load)
  })),
  {
    cli: "jobs",
    aliases: [],
    summary: "Wait for the job of a write sent with --no-wait.",
    load: () => import("./families/jobs.js")
  }
]

/** The command a name (or an older name) stands for. */
export const find = (name: string): Entry | undefined =>
  entries.find((entry) => entry.cli === name || entry.aliases.includes(name))
