/**
 * The CLI's commands by name, each loaded only when it runs: start-up reads this table, not the
 * commands, so it does not grow with the number of families.
 */
import type { Verb } from "./commands.js"

/** One command of `gridscale`: its name, other names it answers to, a summary, and its verbs. */
export interface Entry {
  readonly cli: string
  readonly aliases: ReadonlyArray<string>
  readonly summary: string
  readonly load: () => Promise<{ readonly verbs: ReadonlyArray<Verb> }>
}

/** Every command, in the order the help lists them. */
export const entries: ReadonlyArray<Entry> = [
  {
    cli: "servers",
    aliases: [],
    summary: "Virtual machines: create, change, power on and off, provision.",
    load: () => import("./families/servers.js")
  },
  {
    cli: "storages",
    aliases: [],
    summary: "Block storages, empty or installed from a template.",
    load: () => import("./families/storages.js")
  },
  {
    cli: "snapshots",
    aliases: [],
    summary: "Point-in-time copies of a storage.",
    load: () => import("./families/snapshots.js")
  },
  {
    cli: "ips",
    aliases: [],
    summary: "Public IPv4 and IPv6 addresses.",
    load: () => import("./families/ips.js")
  },
  {
    cli: "networks",
    aliases: [],
    summary: "The public network and private networks.",
    load: () => import("./families/networks.js")
  },
  {
    cli: "ssh-keys",
    aliases: ["sshkeys"],
    summary: "Public SSH keys to install on storages made from a template.",
    load: () => import("./families/sshKeys.js")
  },
  {
    cli: "templates",
    aliases: [],
    summary: "Operating system images to install on storages.",
    load: () => import("./families/templates.js")
  },
  {
    cli: "iso-images",
    aliases: ["isoimages"],
    summary: "Bootable ISO images to insert in servers.",
    load: () => import("./families/isoImages.js")
  },
  {
    cli: "locations",
    aliases: [],
    summary: "The data centres.",
    load: () => import("./families/locations.js")
  },
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
