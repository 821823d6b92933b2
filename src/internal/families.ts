/**
 * The hand-written overlay on the generated operations: how the API's operations group into the
 * families users reach (`Gridscale.servers`, `Gridscale.paas.services`), the names they reach them
 * by, and what the spec states only in prose or gets wrong. The spec's tags are too uneven to
 * derive any of this (one tag holds PaaS services, templates and security zones; snapshots and
 * backups hang under storages), so it is written once here and read by the generator, the driver,
 * the simulator and the CLI.
 *
 * Plain data, no imports: loading it costs nothing.
 */

/** One family of objects: where its operations live and how its replies are wrapped. */
export interface Family {
  /** The property path on the driver: `servers`, `loadBalancers`, `paas.services`. */
  readonly key: string
  /** A singular noun for messages, docs and CLI help: `load balancer`. */
  readonly title: string
  /** The CLI command: `load-balancers`. */
  readonly cli: string
  /** The collection path, with the parent's placeholder for a sub-family: `/objects/storages/{storage_uuid}/snapshots`. */
  readonly path: string
  /** The path placeholder of one object's id (`loadbalancer_uuid`); undefined when objects have no path of their own. */
  readonly idParam: string | undefined
  /** The key of a list reply (`loadbalancers`); empty when the family has no list. */
  readonly plural: string
  /** The key of a single-object reply (`loadbalancer`); undefined when there is no such reply. */
  readonly singular: string | undefined
  /** The definition of one object as a single-object reply holds it: `Loadbalancer`. */
  readonly item: string
  /** The definition of a create's body: `LoadbalancerCreate`. */
  readonly create: string | undefined
  /** The definition of an update's body: `LoadbalancerUpdate`. */
  readonly update: string | undefined
  /** For a family under another one: the parent family's key and the parent id's placeholder. */
  readonly parent: { readonly family: string; readonly param: string } | undefined
  /** The field of an object holding its id: `object_uuid` for most families. */
  readonly idField: string
  /** The definition of one entry of a list reply, where it differs from `item` (`IpBrief`). */
  readonly listItem: string
  /** How a list reply holds its entries: a map keyed by id, an array, or no list at all. */
  readonly list: "map" | "array" | undefined
  /** The family's operations: method name (`list`, `power.update`) to the spec's operationId. */
  readonly operations: Readonly<Record<string, string>>
  /** For a list of deleted objects (`deleted.servers`): the key of the family whose objects it lists. */
  readonly deletedOf: string | undefined
  /** One short sentence about the family, used in generated doc comments and CLI help. */
  readonly doc: string
}

type FamilyInput =
  & Pick<Family, "key" | "title" | "cli" | "path" | "plural" | "item" | "operations" | "doc">
  & Partial<Omit<Family, "key" | "title" | "cli" | "path" | "plural" | "item" | "operations" | "doc">>

const family = (input: FamilyInput): Family => ({
  idParam: undefined,
  singular: undefined,
  create: undefined,
  update: undefined,
  parent: undefined,
  idField: "object_uuid",
  listItem: input.item,
  list: "map",
  deletedOf: undefined,
  ...input
})

const serverParent = { family: "servers", param: "server_uuid" } as const
const storageParent = { family: "storages", param: "storage_uuid" } as const

/** A list of deleted objects of one family, under `/objects/deleted`. */
const deleted = (
  key: string,
  of: string,
  title: string,
  titles: string,
  segment: string,
  item: string,
  operationId: string
) =>
  family({
    key: `deleted.${key}`,
    title: `deleted ${title}`,
    cli: `deleted-${segment.replace(/_/g, "-")}`,
    path: `/objects/deleted/${segment}`,
    plural: `deleted_${segment}`,
    item,
    deletedOf: of,
    operations: { list: operationId },
    doc: `The ${titles} deleted from the account, as they were when deleted.`
  })

/** Every family of the API, parents before their sub-families. */
export const families: ReadonlyArray<Family> = [
  family({
    key: "requests",
    title: "request",
    cli: "requests",
    path: "/requests",
    idParam: "request_uuid",
    plural: "",
    item: "Request",
    list: undefined,
    operations: { get: "getRequest" },
    doc: "The status of an asynchronous job, by the request id a write answered with."
  }),
  family({
    key: "servers",
    title: "server",
    cli: "servers",
    path: "/objects/servers",
    idParam: "server_uuid",
    plural: "servers",
    singular: "server",
    item: "Server",
    create: "ServerCreate",
    update: "ServerUpdate",
    operations: {
      list: "getServers",
      create: "createServer",
      get: "getServer",
      update: "updateServer",
      delete: "deleteServer",
      events: "getServerEvents",
      metrics: "getServerMetrics",
      "power.get": "getServerPower",
      "power.update": "updateServerPower",
      shutdown: "ServerPowerShutdown",
      listByLocation: "getLocationServers"
    },
    doc: "Virtual machines: cores and memory, with storages, IP addresses, networks and ISO images attached."
  }),
  family({
    key: "servers.storages",
    title: "server storage",
    cli: "server-storages",
    path: "/objects/servers/{server_uuid}/storages",
    idParam: "storage_uuid",
    plural: "storage_relations",
    singular: "storage_relation",
    item: "LinkedStorage",
    listItem: "LinkedStorageBrief",
    list: "array",
    create: "LinkStorage",
    update: "LinkedStorageUpdate",
    parent: serverParent,
    operations: {
      list: "getServerLinkedStorages",
      attach: "linkStorageToServer",
      get: "getServerLinkedStorage",
      update: "updateServerLinkedStorage",
      detach: "unlinkStorageFromServer"
    },
    doc: "The storages attached to a server, with their boot order."
  }),
  family({
    key: "servers.ips",
    title: "server IP address",
    cli: "server-ips",
    path: "/objects/servers/{server_uuid}/ips",
    idParam: "ip_uuid",
    plural: "ip_relations",
    singular: "ip_relation",
    item: "LinkedIp",
    listItem: "LinkedIpBrief",
    list: "array",
    create: "LinkIp",
    update: undefined,
    parent: serverParent,
    operations: {
      list: "getServerLinkedIps",
      attach: "linkIpToServer",
      get: "getServerLinkedIp",
      detach: "unlinkIpFromServer"
    },
    doc: "The IP addresses attached to a server."
  }),
  family({
    key: "servers.networks",
    title: "server network",
    cli: "server-networks",
    path: "/objects/servers/{server_uuid}/networks",
    idParam: "network_uuid",
    plural: "network_relations",
    singular: "network_relation",
    item: "LinkedNetwork",
    listItem: "LinkedNetworkBrief",
    list: "array",
    create: "LinkNetwork",
    update: "LinkedNetworkUpdate",
    parent: serverParent,
    operations: {
      list: "getServerLinkedNetworks",
      attach: "linkNetworkToServer",
      get: "getServerLinkedNetwork",
      update: "updateServerLinkedNetwork",
      detach: "unlinkNetworkFromServer"
    },
    doc: "The networks a server is connected to, with their order and firewall."
  }),
  family({
    key: "servers.isoImages",
    title: "server ISO image",
    cli: "server-iso-images",
    path: "/objects/servers/{server_uuid}/isoimages",
    idParam: "isoimage_uuid",
    plural: "isoimage_relations",
    singular: "isoimage_relation",
    item: "LinkedIsoimage",
    listItem: "LinkedIsoimageBrief",
    list: "array",
    create: "LinkIsoimage",
    update: "LinkedIsoimageUpdate",
    parent: serverParent,
    operations: {
      list: "getServerLinkedIsoimages",
      attach: "linkIsoimageToServer",
      get: "getServerLinkedIsoimage",
      update: "updateServerLinkedIsoimage",
      detach: "unlinkIsoimageFromServer"
    },
    doc: "The ISO image inserted in a server."
  }),
  family({
    key: "storages",
    title: "storage",
    cli: "storages",
    path: "/objects/storages",
    idParam: "storage_uuid",
    plural: "storages",
    singular: "storage",
    item: "Storage",
    create: "StorageCreate",
    update: "StorageUpdate",
    operations: {
      list: "getStorages",
      create: "createStorage",
      get: "getStorage",
      update: "updateStorage",
      delete: "deleteStorage",
      events: "getStorageEvents",
      clone: "storageClone",
      import: "storageImport",
      listByLocation: "getLocationStorages"
    },
    doc: "Block storages, created empty, from a template or from a backup, and attached to servers."
  }),
  family({
    key: "storages.snapshots",
    title: "snapshot",
    cli: "snapshots",
    path: "/objects/storages/{storage_uuid}/snapshots",
    idParam: "snapshot_uuid",
    plural: "snapshots",
    singular: "snapshot",
    item: "Snapshot",
    create: "SnapshotCreate",
    update: "SnapshotUpdate",
    parent: storageParent,
    operations: {
      list: "getSnapshots",
      create: "createSnapshot",
      get: "getSnapshot",
      update: "updateSnapshot",
      delete: "deleteSnapshot",
      rollback: "StorageRollback",
      export: "SnapshotExportToS3",
      listByLocation: "getLocationSnapshots"
    },
    doc: "Point-in-time copies of a storage, to roll it back to or export to object storage."
  }),
  family({
    key: "storages.snapshotSchedules",
    title: "snapshot schedule",
    cli: "snapshot-schedules",
    path: "/objects/storages/{storage_uuid}/snapshot_schedules",
    idParam: "snapshot_schedule_uuid",
    plural: "snapshot_schedules",
    singular: "snapshot_schedule",
    item: "SnapshotSchedule",
    create: "SnapshotScheduleCreate",
    update: "SnapshotScheduleUpdate",
    parent: storageParent,
    operations: {
      list: "getSnapshotSchedules",
      create: "createSnapshotSchedule",
      get: "getSnapshotSchedule",
      update: "updateSnapshotSchedule",
      delete: "deleteSnapshotSchedule"
    },
    doc: "Schedules that take snapshots of a storage at a fixed interval and keep the latest ones."
  }),
  family({
    key: "storages.backups",
    title: "backup",
    cli: "backups",
    path: "/objects/storages/{storage_uuid}/backups",
    idParam: "backup_uuid",
    plural: "backups",
    item: "StorageBackup",
    parent: storageParent,
    operations: {
      list: "getStorageBackups",
      delete: "deleteStorageBackup",
      rollback: "rollbackStorageBackup"
    },
    doc: "Backups of a storage, kept apart from it, to roll it back to or import as a new storage."
  }),
  family({
    key: "storages.backupSchedules",
    title: "backup schedule",
    cli: "backup-schedules",
    path: "/objects/storages/{storage_uuid}/backup_schedules",
    idParam: "schedule_uuid",
    plural: "schedule_storage_backups",
    singular: "schedule_storage_backup",
    item: "StorageBackupSchedule",
    create: "StorageBackupScheduleCreate",
    update: "StorageBackupScheduleUpdate",
    parent: storageParent,
    operations: {
      list: "getStorageBackupSchedules",
      create: "createStorageBackupSchedule",
      get: "getStorageBackupSchedule",
      update: "updateStorageBackupSchedule",
      delete: "deleteStorageBackupSchedule"
    },
    doc: "Schedules that back a storage up at a fixed interval and keep the latest backups."
  }),
  family({
    key: "networks",
    title: "network",
    cli: "networks",
    path: "/objects/networks",
    idParam: "network_uuid",
    plural: "networks",
    singular: "network",
    item: "Network",
    create: "NetworkCreate",
    update: "NetworkUpdate",
    operations: {
      list: "getNetworks",
      create: "createNetwork",
      get: "getNetwork",
      update: "updateNetwork",
      delete: "deleteNetwork",
      events: "getNetworkEvents",
      listByLocation: "getLocationNetworks"
    },
    doc: "Private layer-2 networks, and the public network, that servers connect to."
  }),
  family({
    key: "ips",
    title: "IP address",
    cli: "ips",
    path: "/objects/ips",
    idParam: "ip_uuid",
    plural: "ips",
    singular: "ip",
    item: "Ip",
    listItem: "IpBrief",
    create: "IpCreate",
    update: "IpUpdate",
    operations: {
      list: "getIps",
      create: "createIp",
      get: "getIp",
      update: "updateIp",
      delete: "deleteIp",
      events: "getIpEvents",
      listByLocation: "getLocationIps"
    },
    doc: "Public IPv4 and IPv6 addresses, attached to servers or load balancers."
  }),
  family({
    key: "firewalls",
    title: "firewall",
    cli: "firewalls",
    path: "/objects/firewalls",
    idParam: "firewall_uuid",
    plural: "firewalls",
    singular: "firewall",
    item: "Firewall",
    create: "FirewallCreate",
    update: "FirewallUpdate",
    operations: {
      list: "getFirewalls",
      create: "createFirewall",
      get: "getFirewall",
      update: "updateFirewall",
      delete: "deleteFirewall",
      events: "getFirewallEvents"
    },
    doc: "Firewall templates: rule sets applied where a server connects to a network."
  }),
  family({
    key: "loadBalancers",
    title: "load balancer",
    cli: "load-balancers",
    path: "/objects/loadbalancers",
    idParam: "loadbalancer_uuid",
    plural: "loadbalancers",
    singular: "loadbalancer",
    item: "Loadbalancer",
    create: "LoadbalancerCreate",
    update: "LoadbalancerUpdate",
    operations: {
      list: "getLoadbalancers",
      create: "createLoadbalancer",
      get: "getLoadbalancer",
      update: "updateLoadbalancer",
      delete: "deleteLoadbalancer",
      events: "getLoadbalancerEvents"
    },
    doc: "Load balancers that forward ports of their public IP addresses to servers."
  }),
  family({
    key: "sshKeys",
    title: "SSH key",
    cli: "ssh-keys",
    path: "/objects/sshkeys",
    idParam: "ssh_key_uuid",
    plural: "sshkeys",
    singular: "sshkey",
    item: "Sshkey",
    create: "SshkeyCreate",
    update: "SshkeyUpdate",
    operations: {
      list: "getSshKeys",
      create: "createSshKey",
      get: "getSshKey",
      update: "updateSshKey",
      delete: "deleteSshKey",
      events: "getSshKeyEvents"
    },
    doc: "Public SSH keys, installed on storages created from a template."
  }),
  family({
    key: "templates",
    title: "template",
    cli: "templates",
    path: "/objects/templates",
    idParam: "template_uuid",
    plural: "templates",
    singular: "template",
    item: "Template",
    create: "StorageTemplateCreate",
    update: "TemplateUpdate",
    operations: {
      list: "getTemplates",
      create: "createTemplate",
      get: "getTemplate",
      update: "updateTemplate",
      delete: "deleteTemplate",
      events: "getTemplateEvents",
      listByLocation: "getLocationTemplates"
    },
    doc: "Operating system images, public or made from a snapshot, to create storages from."
  }),
  family({
    key: "isoImages",
    title: "ISO image",
    cli: "iso-images",
    path: "/objects/isoimages",
    idParam: "iso_image_uuid",
    plural: "isoimages",
    singular: "isoimage",
    item: "Isoimage",
    create: "IsoimageCreate",
    update: "IsoimageUpdate",
    operations: {
      list: "getIsoimages",
      create: "createIsoimage",
      get: "getIsoimage",
      update: "updateIsoimage",
      delete: "deleteIsoimage",
      events: "getIsoimageEvents",
      listByLocation: "getLocationIsoimages"
    },
    doc: "Bootable ISO images, public or downloaded from a URL, to insert in servers."
  }),
  family({
    key: "locations",
    title: "location",
    cli: "locations",
    path: "/objects/locations",
    idParam: "location_uuid",
    plural: "locations",
    singular: "location",
    item: "Location",
    create: "LocationCreate",
    update: "LocationUpdate",
    operations: {
      list: "getLocations",
      create: "createLocation",
      get: "getLocation",
      update: "updateLocation",
      delete: "deleteLocation"
    },
    doc: "Data centre locations, and private locations made from dedicated hardware."
  }),
  family({
    key: "paas.services",
    title: "PaaS service",
    cli: "paas-services",
    path: "/objects/paas/services",
    idParam: "paas_service_uuid",
    plural: "paas_services",
    singular: "paas_service",
    item: "PaasService",
    create: "PaasServiceCreate",
    update: "PaasServiceUpdate",
    operations: {
      list: "getPaasServices",
      create: "createPaasService",
      get: "getPaasService",
      update: "updatePaasService",
      delete: "deletePaasService",
      metrics: "getPaasServiceMetrics",
      renewCredentials: "renewPaasServiceCredentials"
    },
    doc: "Managed services (databases, caches, Kubernetes) run from a PaaS template."
  }),
  family({
    key: "paas.templates",
    title: "PaaS template",
    cli: "paas-templates",
    path: "/objects/paas/service_templates",
    plural: "paas_service_templates",
    item: "PaasServiceTemplate",
    operations: { list: "getPaasServiceTemplates" },
    doc: "The kinds of managed service a PaaS service can be created from."
  }),
  family({
    key: "paas.securityZones",
    title: "PaaS security zone",
    cli: "paas-security-zones",
    path: "/objects/paas/security_zones",
    idParam: "paas_security_zone_uuid",
    plural: "paas_security_zones",
    singular: "paas_security_zone",
    item: "PaasSecurityZone",
    listItem: "PaasSecurityZones",
    create: "PaasSecurityZoneCreate",
    update: "PaasSecurityZoneUpdate",
    operations: {
      list: "getPaasSecurityZones",
      create: "createPaasSecurityZone",
      get: "getPaasSecurityZone",
      update: "updatePaasSecurityZone",
      delete: "deletePaasSecurityZone"
    },
    doc: "Isolated networks that PaaS services run in."
  }),
  family({
    key: "objectStorage.accessKeys",
    title: "object storage access key",
    cli: "access-keys",
    path: "/objects/objectstorages/access_keys",
    idParam: "accesskey",
    plural: "access_keys",
    singular: "access_key",
    item: "AccessKey",
    idField: "access_key",
    list: "array",
    operations: {
      list: "getAccessKeys",
      create: "createAccessKey",
      get: "getAccessKey",
      delete: "deleteAccessKey"
    },
    doc: "S3 access keys of the object storage; a key's secret is shown only when it is created."
  }),
  family({
    key: "objectStorage.buckets",
    title: "object storage bucket",
    cli: "buckets",
    path: "/objects/objectstorages/buckets",
    plural: "Buckets",
    item: "Bucket",
    idField: "name",
    list: "array",
    operations: { list: "getBuckets" },
    doc: "The buckets of the object storage, with their size and object count."
  }),
  family({
    key: "marketplace.applications",
    title: "marketplace application",
    cli: "marketplace-applications",
    path: "/objects/marketplace/applications",
    idParam: "application_uuid",
    plural: "applications",
    singular: "application",
    item: "MarketplaceApplication",
    create: "CreateMarketplaceApplicationPayload",
    update: "MarketplaceApplicationUpdate",
    operations: {
      list: "getMarketplaceApplications",
      create: "createMarketplaceApplication",
      get: "getMarketplaceApplication",
      update: "updateMarketplaceApplication",
      delete: "deleteMarketplaceApplication",
      events: "getMarketplaceApplicationEvents"
    },
    doc: "Applications of the marketplace: published, or made from a snapshot and imported by hash."
  }),
  family({
    key: "labels",
    title: "label",
    cli: "labels",
    path: "/objects/labels",
    idParam: "label",
    plural: "labels",
    singular: "label",
    item: "Label",
    idField: "label",
    operations: { list: "GetLabels", get: "GetLabel" },
    doc: "The labels in use on the account, each with the objects carrying it."
  }),
  family({
    key: "events",
    title: "event",
    cli: "events",
    path: "/objects/events",
    plural: "events",
    item: "Event",
    list: "array",
    operations: { list: "EventGetAll" },
    doc: "The account's event log: every change to every object, with the request that made it."
  }),
  deleted("servers", "servers", "server", "servers", "servers", "Server", "getDeletedServers"),
  deleted("storages", "storages", "storage", "storages", "storages", "Storage", "getDeletedStorages"),
  deleted("snapshots", "storages.snapshots", "snapshot", "snapshots", "snapshots", "Snapshot", "getDeletedSnapshots"),
  deleted("networks", "networks", "network", "networks", "networks", "Network", "getDeletedNetworks"),
  deleted("ips", "ips", "IP address", "IP addresses", "ips", "IpBrief", "getDeletedIps"),
  deleted("isoImages", "isoImages", "ISO image", "ISO images", "isoimages", "Isoimage", "getDeletedIsoimages"),
  deleted("templates", "templates", "template", "templates", "templates", "Template", "getDeletedTemplates"),
  deleted(
    "paasServices",
    "paas.services",
    "PaaS service",
    "PaaS services",
    "paas_services",
    "PaasService",
    "getDeletedPaasServices"
  ),
  deleted(
    "loadBalancers",
    "loadBalancers",
    "load balancer",
    "load balancers",
    "loadbalancers",
    "Loadbalancer",
    "getDeletedLoadbalancers"
  )
]

/** The driver name of one operation. */
export interface OperationName {
  /** The family's key: `servers`, `storages.snapshots`. */
  readonly family: string
  /** The full dotted driver name, also the span name after `Gridscale.`: `servers.power.update`. */
  readonly name: string
  /** The method within its family: `power.update`. */
  readonly method: string
}

/**
 * Every operation of the spec by operationId, with its family and driver name
 * (`updateServerPower` → `servers.power.update`, `StorageRollback` → `storages.snapshots.rollback`).
 */
export const operationNames: Readonly<Record<string, OperationName>> = Object.fromEntries(
  families.flatMap((f) =>
    Object.entries(f.operations).map(([method, operationId]) => [
      operationId,
      { family: f.key, name: `${f.key}.${method}`, method }
    ])
  )
)

/** The family with the given key. */
export const familyByKey: Readonly<Record<string, Family>> = Object.fromEntries(families.map((f) => [f.key, f]))

// ---------------------------------------------------------------------------------------------
// Corrections to the spec, applied by the generator before anything is generated from it

/** A change to one spec definition: `value` (a Swagger schema fragment) replaces what is `at` the path. */
export interface Correction {
  readonly definition: string
  /** The path inside the definition: `["properties", "ordering"]`. */
  readonly at: ReadonlyArray<string>
  /** The replacement; `undefined` removes the entry. */
  readonly value: unknown
  /** Why the spec is wrong here, in a few words. */
  readonly why: string
}

/** The largest name the API accepts, in characters (stated in the spec's prose only). */
export const nameMaxLength = 64

/** Storage capacity bounds in GB (prose only), and the cap of a local (NVMe) storage. */
export const capacityBounds = { minimum: 1, maximum: 4096, localMaximum: 500 } as const

/** How many storages (of them local ones) and ISO images one server takes (prose only). */
export const serverLimits = { storages: 8, localStorages: 1, isoImages: 1 } as const

const numberOrString = { anyOf: [{ type: "integer" }, { type: "string" }] }
const ipFamily = { anyOf: [{ type: "integer", enum: [4, 6] }, { type: "string", enum: ["4", "6"] }] }
const timestamp = { type: "string", format: "date-time" }
const boundedName = { type: "string", minLength: 1, maxLength: nameMaxLength }
const capacity = { type: "integer", minimum: capacityBounds.minimum, maximum: capacityBounds.maximum }

/** Input definitions whose `name` the API bounds to 64 characters. */
const namedInputs = [
  "ServerCreate",
  "ServerUpdate",
  "StorageCreate",
  "StorageUpdate",
  "NetworkCreate",
  "NetworkUpdate",
  "IpCreate",
  "IpUpdate",
  "FirewallCreate",
  "FirewallUpdate",
  "IsoimageCreate",
  "IsoimageUpdate",
  "SshkeyCreate",
  "SshkeyUpdate",
  "LocationCreate",
  "LocationUpdate",
  "TemplateUpdate",
  "StorageTemplateCreate",
  "PaasServiceCreate",
  "PaasServiceUpdate",
  "PaasSecurityZoneCreate",
  "PaasSecurityZoneUpdate",
  "LoadbalancerCreate",
  "LoadbalancerUpdate",
  "SnapshotCreate",
  "SnapshotUpdate",
  "SnapshotScheduleCreate",
  "SnapshotScheduleUpdate",
  "StorageBackupScheduleCreate",
  "StorageBackupScheduleUpdate",
  "MarketplaceApplicationCreate",
  "MarketplaceApplicationUpdate",
  "LinkedIsoimageUpdate"
]

/** Where the spec contradicts itself or the API, and what it states only in prose. */
export const corrections: ReadonlyArray<Correction> = [
  ...["LinkedNetwork", "LinkedNetworkBrief"].map((definition) => ({
    definition,
    at: ["properties", "ordering"],
    value: numberOrString,
    why: "typed string, sent as a number (and as a number in link inputs)"
  })),
  ...["Ip", "IpBrief"].map((definition) => ({
    definition,
    at: ["properties", "family"],
    value: ipFamily,
    why: "typed string with numeric enum values; sent as a number"
  })),
  {
    definition: "Storage",
    at: ["properties", "snapshots", "items", "properties", "create_time"],
    value: timestamp,
    why: "a timestamp, not a uuid"
  },
  {
    definition: "SnapshotSchedulesinStorage",
    at: ["items", "properties", "create_time"],
    value: timestamp,
    why: "a timestamp without its format, as every other create_time has"
  },
  ...["create_time", "change_time"].map((field) => ({
    definition: "Label",
    at: ["properties", field],
    value: timestamp,
    why: "format misspelt (datetime, dattime)"
  })),
  {
    definition: "LinkedIsoimageBrief",
    at: ["properties", "private", "format"],
    value: undefined,
    why: "a boolean with a date-time format"
  },
  ...["SnapshotSchedule", "StorageBackupSchedule"].map((definition) => ({
    definition,
    at: ["properties", "relations", "format"],
    value: undefined,
    why: "an object with a uuid format"
  })),
  {
    definition: "SshkeyCreate",
    at: ["required"],
    value: ["name", "sshkey"],
    why: "requires 'ssh key', a typo for the sshkey property"
  },
  {
    definition: "StorageUpdate",
    at: ["properties", "capacity"],
    value: capacity,
    why: "typed string; an integer like StorageCreate's"
  },
  {
    definition: "StorageCreate",
    at: ["properties", "capacity"],
    value: capacity,
    why: "bounds stated in prose only"
  },
  {
    definition: "StorageCreate",
    at: ["properties", "storage_variant"],
    value: { type: "string", enum: ["distributed", "local"] },
    why: "documented in prose only"
  },
  {
    definition: "Storage",
    at: ["properties", "storage_variant"],
    value: { type: "string" },
    why: "documented in prose only"
  },
  {
    definition: "ServerMetricsGetResponse",
    at: ["properties", "server_metrics"],
    value: { $ref: "#/definitions/ServerMetricsList" },
    why: "refers to the PaaS metrics list"
  },
  ...[
    ["SnapshotScheduleUpdate", "keep_snapshots"],
    ["StorageBackupScheduleCreate", "keep_backups"],
    ["StorageBackupScheduleUpdate", "keep_backups"]
  ].map(([definition, field]) => ({
    definition: definition!,
    at: ["properties", field!, "minimum"],
    value: 1,
    why: "the run interval's minimum swapped in (the create states keep >= 1)"
  })),
  ...["SnapshotScheduleUpdate", "StorageBackupScheduleCreate", "StorageBackupScheduleUpdate"].map((definition) => ({
    definition,
    at: ["properties", "run_interval", "minimum"],
    value: 60,
    why: "the keep count's minimum swapped in (the create states run_interval >= 60)"
  })),
  ...["ServerCreate", "ServerUpdate"].map((definition) => ({
    definition,
    at: ["properties", "auto_recovery"],
    value: { type: "boolean" },
    why: "typed string; the API takes and returns a boolean"
  })),
  ...["ServerCreate", "StorageCreate", "NetworkCreate", "IpCreate", "IsoimageCreate", "LoadbalancerCreate"].map((
    definition
  ) => ({
    definition,
    at: ["properties", "location_uuid"],
    value: { type: "string", format: "uuid" },
    why: "the location of a new object: in the spec's examples and code samples, not its definition"
  })),
  {
    definition: "LocationUpdate",
    at: ["properties", "cpunode_count"],
    value: { type: "integer" },
    why: "typed string; a count, an integer in LocationCreate"
  },
  {
    definition: "RulesProperties",
    at: ["properties", "order"],
    value: numberOrString,
    why: "typed string; a rule's position is a number"
  },
  ...namedInputs.map((definition) => ({
    definition,
    at: ["properties", "name"],
    value: boundedName,
    why: "names are 1 to 64 characters (prose only)"
  }))
]

/** Inline objects given a definition of their own: `Event`, the entries of every events reply. */
export const extractedDefinitions: ReadonlyArray<{
  readonly name: string
  readonly from: string
  readonly at: ReadonlyArray<string>
}> = [{ name: "Event", from: "EventResponse", at: ["properties", "events", "items"] }]

/** Changes to an operation's generated facts where the spec leaves them out. */
export const operationCorrections: ReadonlyArray<{
  readonly operationId: string
  readonly set: { readonly response?: string }
  readonly why: string
}> = [
  {
    operationId: "getLocationSnapshots",
    set: { response: "SnapshotsGetResponse" },
    why: "documents no reply body; it lists snapshots as getSnapshots does"
  }
]

// ---------------------------------------------------------------------------------------------
// Reply models: what real replies taught, beyond the spec

/**
 * Reply fields, by name in any model, that real replies (and the spec's own examples) send in
 * more than the spec's type: `current_price: "Deprecated"`, `ordering` and `family` as numbers
 * or strings, `"true"` for a boolean, a template `version` as a number, a network link's
 * `firewall` as an object where the spec says string.
 */
export const replyFieldTypes: Readonly<Record<string, "number|string" | "boolean|string" | "unknown">> = {
  current_price: "number|string",
  ordering: "number|string",
  family: "number|string",
  cpunode_count: "number|string",
  auto_recovery: "boolean|string",
  publish_requested: "boolean|string",
  publish_global_requested: "boolean|string",
  version: "number|string",
  firewall: "unknown"
}

/**
 * The fields a reply model requires. The spec marks no reply field required, so a model requires
 * only its family's id field (`object_uuid`); these replace that where more or less is right.
 */
export const replyRequired: Readonly<Record<string, ReadonlyArray<string>>> = {
  Event: [],
  Request: ["status"],
  CreateResponse: ["request_uuid", "object_uuid"],
  ServerCreateResponse: ["request_uuid", "object_uuid"],
  IpCreateResponse: ["request_uuid", "object_uuid"],
  PaasServiceCreateResponse: ["request_uuid", "object_uuid"],
  PaasSecurityZoneCreateResponse: ["request_uuid"],
  MarketplaceApplicationCreateResponse: ["request_uuid", "object_uuid"],
  AccessKeyCreateResponse: ["request_uuid"]
}

/** Doc comments of models that are no family's item, input or list envelope. */
export const modelDocs: Readonly<Record<string, string>> = {
  CreateResponse: "The reply to a create: the job's request id and the new object's id.",
  ServerCreateResponse: "The reply to a server create, with the ids of what was created with it.",
  IpCreateResponse: "The reply to an IP address create, with the address given.",
  PaasServiceCreateResponse: "The reply to a PaaS service create, with its credentials and ports.",
  PaasSecurityZoneCreateResponse: "The reply to a PaaS security zone create.",
  MarketplaceApplicationCreateResponse: "The reply to a marketplace application create, with its hash.",
  AccessKeyCreateResponse: "The reply to an access key create: the only time the secret is shown.",
  ServerPowerStatus: "Whether a server is powered on.",
  ServerMetrics: "Usage figures of a server over a time span.",
  PaasServiceMetrics: "Usage figures of a PaaS service over a time span.",
  MetricsValue: "A measured value with its unit.",
  ServerRelation: "What is attached to a server.",
  StoragesRelation: "What a storage is attached to, and its snapshot schedules.",
  NetworkRelation: "The servers connected to a network.",
  IpRelation: "What an IP address is attached to.",
  FirewallRelation: "The networks a firewall is used on.",
  IsoimageRelation: "The servers an ISO image is inserted in.",
  FirewallRules: "A firewall's rule sets, by direction and IP version.",
  RulesProperties: "One firewall rule.",
  PaasServiceResourceLimit: "A limit on one resource of a PaaS service.",
  LocationChangeRequested: "A pending change to a private location.",
  RequestGetResponse: "The reply of a job status: the status keyed by its request id.",
  LinkStorage: "What attaching a storage to a server takes.",
  LinkIp: "What attaching an IP address to a server takes.",
  LinkNetwork: "What connecting a server to a network takes.",
  LinkIsoimage: "What inserting an ISO image in a server takes.",
  LinkedStorageUpdate: "What an update of a storage attachment may change.",
  LinkedNetworkUpdate: "What an update of a network connection may change.",
  LinkedIsoimageUpdate: "What an update of an ISO image attachment may change.",
  StorageImportFromBackup: "What creating a storage from a backup takes.",
  StorageRollback: "What a rollback takes.",
  SnapshotExportToS3Payload: "What exporting a snapshot to object storage takes: the bucket and its keys.",
  ServerPowerUpdate: "What powering a server on or off takes.",
  ServerPowerShutdownPayload: "The (empty) body of a shutdown.",
  RenewPaasServiceCredentialsPayload: "The (empty) body of a credential renewal.",
  CreateMarketplaceApplicationPayload: "What creating or importing a marketplace application takes.",
  PaasSecurityZonesRelation: "The PaaS services in a security zone.",
  PaasSecurityZoneRelation: "The PaaS services in a security zone.",
  MarketplaceApplicationMetadata: "What the marketplace shows about an application.",
  MarketplaceApplicationSetup: "What an application's server needs: cores, memory and storage."
}

/** Doc comments of operations whose method name alone does not say what they do. */
export const methodDocs: Readonly<Record<string, string>> = {
  "requests.get": "Gets the status of a job by its request id.",
  "events.list": "Lists the events of every object of the account.",
  "servers.metrics": "Gets a server's usage figures.",
  "servers.power.get": "Tells whether a server is powered on.",
  "servers.power.update": "Powers a server on or off (a hard stop).",
  "servers.shutdown": "Shuts a server down through its operating system (ACPI).",
  "servers.storages.list": "Lists the storages attached to a server.",
  "servers.storages.attach": "Attaches a storage to a server.",
  "servers.storages.get": "Gets one storage attachment of a server.",
  "servers.storages.update": "Changes a storage attachment (boot device, order).",
  "servers.storages.detach": "Detaches a storage from a server.",
  "servers.ips.list": "Lists the IP addresses attached to a server.",
  "servers.ips.attach": "Attaches an IP address to a server.",
  "servers.ips.get": "Gets one IP address attachment of a server.",
  "servers.ips.detach": "Detaches an IP address from a server.",
  "servers.networks.list": "Lists the networks a server is connected to.",
  "servers.networks.attach": "Connects a server to a network.",
  "servers.networks.get": "Gets one network connection of a server.",
  "servers.networks.update": "Changes a network connection (order, firewall, boot device).",
  "servers.networks.detach": "Disconnects a server from a network.",
  "servers.isoImages.list": "Lists the ISO images inserted in a server.",
  "servers.isoImages.attach": "Inserts an ISO image in a server.",
  "servers.isoImages.get": "Gets one ISO image attachment of a server.",
  "servers.isoImages.update": "Changes an ISO image attachment (boot device).",
  "servers.isoImages.detach": "Removes an ISO image from a server.",
  "storages.clone": "Creates a copy of a storage.",
  "storages.import": "Creates a storage from a backup.",
  "storages.snapshots.rollback": "Rolls a storage back to one of its snapshots.",
  "storages.snapshots.export": "Exports a snapshot to an object storage bucket.",
  "storages.backups.rollback": "Rolls a storage back to one of its backups.",
  "paas.services.metrics": "Gets a PaaS service's usage figures.",
  "paas.services.renewCredentials": "Replaces a PaaS service's credentials with new ones."
}
