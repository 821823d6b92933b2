/**
 * `gridscale ssh-keys`: public SSH keys to install on storages made from a template.
 */
import * as Options from "@effect/cli/Options"
import * as SshKey from "effect-gridscale/SshKey"
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
import { family } from "../generated/families/ssh-keys.js"
import { field } from "../output.js"
import { verbsOf } from "./generic.js"

/** SSH keys as the CLI shows them. */
export const sshKeys: Family<SshKey.SshKey> = {
  cli: "ssh-keys",
  title: "SSH key",
  schema: SshKey.SshKey,
  path: "/objects/sshkeys",
  columns: [field("object_uuid", "ID"), field("name"), {
    title: "KEY",
    value: (k) => (typeof k.sshkey === "string" && k.sshkey.length > 40 ? `${k.sshkey.slice(0, 37)}...` : k.sshkey)
  }]
}

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  listVerb(sshKeys, (g) => g.sshKeys.list()),
  getVerb(sshKeys, (g, id) => g.sshKeys.get(id)),
  createVerb(sshKeys, {
    name: text("name", "NAME").pipe(Options.withDescription("The key's name.")),
    key: text("key", "KEY").pipe(
      Options.withDescription("The public key, as in ~/.ssh/id_ed25519.pub."),
      Options.orElse(
        Options.fileText("key-file").pipe(
          Options.withDescription("A file holding the public key."),
          Options.map(([, content]) => content)
        )
      )
    ),
    labels: labelsOption
  }, {
    input: SshKey.SshKeyCreate,
    build: (o) => present({ name: o.name, sshkey: o.key.trim(), labels: o.labels }),
    read: (g, _, id) => g.sshKeys.get(id)
  }),
  deleteVerb(sshKeys, (g, id, jobOptions) => g.sshKeys.delete(id, jobOptions))
]

/** The verbs of `gridscale ssh-keys`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated)
