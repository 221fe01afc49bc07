/**
 * A deterministic synthetic API tree for the benchmark: `groups × versions` API packages
 * (`api/<group>/<version>/groupversion-info.ts`) holding `kinds` kinds between them, one
 * `<kind>-types.ts` each, and one controller with RBAC markers per kind under
 * `src/controllers/<group>/`. Every kind looks like a hand-written one: a Spec of 12
 * marker-annotated fields (validation, defaults, optional/required, a CEL rule, list
 * types), nested types (an interface, an array of objects, a Record), a string literal
 * union, kubebuilder-ts scalars and a client-node type, a Status with conditions, and root
 * markers with print columns.
 *
 * The tree type-checks on its own (`tsc --noEmit -p <dir>`): it has a tsconfig.json and a
 * `node_modules` that needs no network: `kubebuilder-ts` is this project's package.json
 * with a symlink to its built `dist/` (run `npm run build` before type-checking the tree),
 * and `@kubernetes/client-node` and `@types/node` are symlinks to this project's copies.
 *
 * Same options, same bytes: nothing depends on the clock, the machine or randomness.
 *
 * Run it on its own with `tsx bench/synthetic-tree.ts [dir] [--kinds N]`.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultPlural } from "../src/generator/crd/plural.js";

/** This project's root: what `kubebuilder-ts` resolves to inside the tree. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where `npm run bench` writes the tree (git-ignored). */
export const DEFAULT_TREE_DIR = join(PROJECT_ROOT, "bench/.work/tree");

export interface SyntheticTreeOptions {
  /** The directory to write; it is emptied first. */
  readonly dir: string;
  /** How many kinds, spread evenly over the packages (default 500). */
  readonly kinds?: number;
  /** How many API groups (default 10, at most 26). */
  readonly groups?: number;
  /** How many versions each group has (default 2, at most 4). */
  readonly versions?: number;
  /**
   * Whether to write the tsconfig.json, package.json and node_modules symlinks that let
   * `tsc` check the tree (default true). `kb generate` needs none of them.
   */
  readonly typecheckable?: boolean;
  /**
   * Whether kinds use a type from `@kubernetes/client-node` (default true), as most
   * operators do. Without it, `credentialsRef` is a local interface and nothing imports
   * client-node, whose declarations are most of what `tsc` reads.
   */
  readonly clientNode?: boolean;
}

/** What was written. */
export interface SyntheticTree {
  readonly dir: string;
  /** `<dir>/api`: the API packages. */
  readonly apiDir: string;
  /** `<dir>/src`: the controllers with RBAC markers. */
  readonly srcDir: string;
  /** The kinds, in the order they were written. */
  readonly kinds: readonly KindInfo[];
  /** The API packages (group-versions) that hold at least one kind. */
  readonly packages: number;
  /** How many .ts files were written. */
  readonly tsFiles: number;
  /** How many bytes of TypeScript were written. */
  readonly tsBytes: number;
}

export interface KindInfo {
  readonly name: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

const GROUP_WORDS = [
  "apps", "batch", "cache", "data", "edge", "fleet", "gate", "hub", "infra", "jobs",
  "keys", "logs", "mesh", "net", "ops", "pay", "queue", "relay", "store", "trace",
  "users", "vault", "web", "xfer", "yard", "zone",
] as const;
const VERSION_NAMES = ["v1", "v1beta1", "v1alpha1", "v2"] as const;
const ADJECTIVES = [
  "Amber", "Brisk", "Cobalt", "Dusky", "Eager", "Fabled", "Gilded", "Hollow", "Ivory", "Jolly",
  "Keen", "Lunar", "Mellow", "Nimble", "Opal", "Polar", "Quiet", "Rapid", "Silent", "Tidal",
  "Umber", "Vivid", "Woven", "Young", "Zesty",
] as const;
// Nouns whose plural is the noun and "s" (no -y, -s, -x, -ch endings), like most kinds.
const NOUNS = [
  "Agent", "Bucket", "Channel", "Deployer", "Engine", "Filter", "Gateway", "Handler", "Index", "Job",
  "Ledger", "Monitor", "Node", "Operator", "Pipeline", "Queue", "Router", "Scheduler", "Tunnel", "Volume",
] as const;

/** The name of kind number `i`: an adjective and a noun, unique up to 500 kinds, then numbered. */
export function kindName(i: number): string {
  const a = ADJECTIVES[i % ADJECTIVES.length]!;
  const n = NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length]!;
  const round = Math.floor(i / (ADJECTIVES.length * NOUNS.length));
  return round === 0 ? `${a}${n}` : `${a}${n}${round + 1}`;
}

/** `AmberAgent` → `amber-agent`. */
function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** Writes the tree and says what is in it. */
export function writeSyntheticTree(options: SyntheticTreeOptions): SyntheticTree {
  const dir = resolve(options.dir);
  const kindCount = options.kinds ?? 500;
  const groupCount = options.groups ?? 10;
  const versionCount = options.versions ?? 2;
  if (!Number.isInteger(kindCount) || kindCount < 1) throw new Error(`kinds: expected a whole number ≥ 1, got ${kindCount}`);
  if (!Number.isInteger(groupCount) || groupCount < 1 || groupCount > GROUP_WORDS.length) {
    throw new Error(`groups: expected 1 to ${GROUP_WORDS.length}, got ${groupCount}`);
  }
  if (!Number.isInteger(versionCount) || versionCount < 1 || versionCount > VERSION_NAMES.length) {
    throw new Error(`versions: expected 1 to ${VERSION_NAMES.length}, got ${versionCount}`);
  }
  // Refuse to empty something that is plainly not a scratch directory.
  if (dir === "/" || dir === PROJECT_ROOT || PROJECT_ROOT.startsWith(`${dir}/`)) {
    throw new Error(`refusing to write a synthetic tree over ${dir}`);
  }
  rmSync(dir, { recursive: true, force: true });

  let tsFiles = 0;
  let tsBytes = 0;
  const write = (path: string, content: string) => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    if (path.endsWith(".ts")) {
      tsFiles++;
      tsBytes += Buffer.byteLength(content);
    }
  };

  // Kinds go to the packages in contiguous blocks, as evenly as possible.
  const packageCount = groupCount * versionCount;
  const kinds: (KindInfo & { pkg: number; short: string })[] = [];
  for (let i = 0; i < kindCount; i++) {
    const pkg = Math.floor((i * packageCount) / kindCount);
    const short = GROUP_WORDS[Math.floor(pkg / versionCount)]!;
    const name = kindName(i);
    kinds.push({
      name,
      group: `${short}.bench.example.com`,
      version: VERSION_NAMES[pkg % versionCount]!,
      plural: defaultPlural(name),
      pkg,
      short,
    });
  }

  const usedPackages = new Set<number>();
  for (const k of kinds) {
    const pkgDir = `api/${k.short}/${k.version}`;
    if (!usedPackages.has(k.pkg)) {
      usedPackages.add(k.pkg);
      write(`${pkgDir}/groupversion-info.ts`, groupVersionInfo(k.group, k.version));
    }
    write(`${pkgDir}/${kebab(k.name)}-types.ts`, kindTypes(k.name, options.clientNode ?? true));
    write(`src/controllers/${k.short}/${kebab(k.name)}-controller.ts`, controller(k, `../../../${pkgDir}/${kebab(k.name)}-types.js`));
  }

  if (options.typecheckable ?? true) writeTypecheckSupport(dir, write);

  return {
    dir,
    apiDir: join(dir, "api"),
    srcDir: join(dir, "src"),
    kinds: kinds.map(({ name, group, version, plural }) => ({ name, group, version, plural })),
    packages: usedPackages.size,
    tsFiles,
    tsBytes,
  };
}

/** tsconfig.json, package.json and node_modules symlinks, so `tsc -p <dir>` works offline. */
function writeTypecheckSupport(dir: string, write: (path: string, content: string) => void): void {
  write(
    "package.json",
    `${JSON.stringify({ name: "synthetic-operator", private: true, type: "module" }, null, 2)}\n`,
  );
  write(
    "tsconfig.json",
    `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023"],
          types: ["node"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          forceConsistentCasingInFileNames: true,
        },
        include: ["api", "src"],
      },
      null,
      2,
    )}\n`,
  );
  const link = (name: string, target: string) => {
    const at = join(dir, "node_modules", name);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(relative(dirname(at), target), at, "dir");
  };
  // kubebuilder-ts as an installed package: its package.json and its built dist/. Not a
  // link to the project root, which holds this tree: that would be a directory cycle.
  const own = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as Record<string, unknown>;
  const manifest = Object.fromEntries(
    ["name", "version", "type", "main", "types", "exports"].filter((k) => k in own).map((k) => [k, own[k]]),
  );
  write("node_modules/kubebuilder-ts/package.json", `${JSON.stringify(manifest, null, 2)}\n`);
  link("kubebuilder-ts/dist", join(PROJECT_ROOT, "dist"));
  link("@kubernetes/client-node", join(PROJECT_ROOT, "node_modules/@kubernetes/client-node"));
  link("@types/node", join(PROJECT_ROOT, "node_modules/@types/node"));
}

function groupVersionInfo(group: string, version: string): string {
  return `// Package ${version} holds the API types of the ${group} ${version} API group.
// Generated by bench/synthetic-tree.ts.
// +kubebuilder:object:generate=true
// +groupName=${group}

/** The group and version of every kind in this directory. */
export const groupVersion = { group: "${group}", version: "${version}" } as const;
`;
}

function kindTypes(k: string, clientNode: boolean): string {
  const secretRef = clientNode ? "V1LocalObjectReference" : `${k}SecretRef`;
  const secretRefImport = clientNode
    ? `import type { V1LocalObjectReference } from "@kubernetes/client-node";\n`
    : "";
  const secretRefDecl = clientNode
    ? ""
    : `
/** ${k}SecretRef names a Secret in the same namespace. */
export interface ${k}SecretRef {
  /** name of the Secret. */
  // +optional
  name?: string;
}
`;
  return `${secretRefImport}import type { Condition, int32, int64, ObjectMeta, Quantity, Time } from "kubebuilder-ts";

/** ${k}Mode says how a ${k} trades speed for safety. */
export type ${k}Mode = "Fast" | "Safe" | "Balanced";

/** ${k}Phase is where a ${k} is in its lifecycle. */
export type ${k}Phase = "Pending" | "Running" | "Succeeded" | "Failed";
${secretRefDecl}
/** ${k}Endpoint is where a ${k} listens. */
export interface ${k}Endpoint {
  /** host is a DNS name or an IP address. */
  // +kubebuilder:validation:MinLength=1
  // +kubebuilder:validation:MaxLength=253
  host: string;

  /** port is the TCP port. */
  // +optional
  // +kubebuilder:validation:Minimum=1
  // +kubebuilder:validation:Maximum=65535
  // +kubebuilder:default=443
  port?: int32;

  /** tls turns on TLS to the endpoint. */
  // +optional
  tls?: boolean;
}

/** ${k}Port is a named port a ${k} exposes. */
export interface ${k}Port {
  /** name of the port, unique in the list. */
  // +kubebuilder:validation:MaxLength=15
  // +kubebuilder:validation:Pattern=\`^[a-z]([-a-z0-9]*[a-z0-9])?$\`
  name: string;

  /** port number. */
  // +kubebuilder:validation:Minimum=1
  // +kubebuilder:validation:Maximum=65535
  port: int32;

  /** protocol of the port. */
  // +optional
  // +kubebuilder:validation:Enum=TCP;UDP;SCTP
  // +kubebuilder:default=TCP
  protocol?: string;
}

/** ${k}Spec defines the desired state of ${k}. */
// +kubebuilder:validation:XValidation:rule="self.minReplicas <= self.maxReplicas",message="minReplicas must not exceed maxReplicas"
export interface ${k}Spec {
  /** replicas is how many copies to run. */
  // +optional
  // +kubebuilder:validation:Minimum=0
  // +kubebuilder:validation:Maximum=100
  // +kubebuilder:default=1
  replicas?: int32;

  /** minReplicas is the fewest copies an autoscaler may leave. */
  // +required
  // +kubebuilder:validation:Minimum=0
  minReplicas: int32;

  /** maxReplicas is the most copies an autoscaler may start. */
  // +required
  // +kubebuilder:validation:Minimum=1
  // +kubebuilder:validation:Maximum=1000
  maxReplicas: int32;

  /** image is the container image to run. */
  // +kubebuilder:validation:MinLength=1
  // +kubebuilder:validation:MaxLength=255
  // +kubebuilder:validation:Pattern=\`^[a-z0-9][a-z0-9./:@_-]*$\`
  image: string;

  /** mode trades speed for safety. */
  // +optional
  // +kubebuilder:default=Safe
  mode?: ${k}Mode;

  /** pullPolicy says when to pull the image. */
  // +optional
  // +kubebuilder:validation:Enum=Always;Never;IfNotPresent
  // +kubebuilder:default=IfNotPresent
  pullPolicy?: string;

  /** endpoint is where the ${k} listens. */
  // +required
  endpoint: ${k}Endpoint;

  /** ports the ${k} exposes, by name. */
  // +optional
  // +listType=map
  // +listMapKey=name
  // +kubebuilder:validation:MaxItems=16
  ports?: ${k}Port[];

  /** labels are added to every object the ${k} creates. */
  // +optional
  // +kubebuilder:validation:MaxProperties=64
  labels?: Record<string, string>;

  /** tags are free-form, without duplicates. */
  // +optional
  // +listType=set
  // +kubebuilder:validation:MaxItems=32
  // +kubebuilder:validation:items:MaxLength=63
  tags?: string[];

  /** memory is how much memory each copy may use. */
  // +optional
  memory?: Quantity;

  /** credentialsRef names the Secret with the registry credentials. */
  // +optional
  credentialsRef?: ${secretRef};
}

/** ${k}Status defines the observed state of ${k}. */
export interface ${k}Status {
  /** observedGeneration is the generation the status was computed from. */
  // +optional
  observedGeneration?: int64;

  /** phase is where the ${k} is in its lifecycle. */
  // +optional
  phase?: ${k}Phase;

  /** readyReplicas is how many copies are ready. */
  // +optional
  // +kubebuilder:validation:Minimum=0
  readyReplicas?: int32;

  /** lastUpdated is when the status last changed. */
  // +optional
  lastUpdated?: Time;

  /** conditions are the latest observations of the ${k}'s state. */
  // +optional
  // +listType=map
  // +listMapKey=type
  conditions?: Condition[];
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Replicas",type=integer,JSONPath=\`.spec.replicas\`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=\`.status.phase\`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=\`.metadata.creationTimestamp\`

/** ${k} is the Schema for the ${defaultPlural(k)} API. */
export interface ${k} {
  apiVersion?: string;
  kind?: string;
  /** metadata is the standard object metadata. */
  metadata?: ObjectMeta;
  /** spec defines the desired state of ${k}. */
  // +required
  spec: ${k}Spec;
  /** status defines the observed state of ${k}. */
  // +optional
  status?: ${k}Status;
}

// +kubebuilder:object:root=true

/** ${k}List contains a list of ${k}. */
export interface ${k}List {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  items: ${k}[];
}
`;
}

function controller(k: KindInfo, typesModule: string): string {
  return `import type { ${k.name} } from "${typesModule}";

// +kubebuilder:rbac:groups=${k.group},resources=${k.plural},verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=${k.group},resources=${k.plural}/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=${k.group},resources=${k.plural}/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch

/** ${k.name}Reconciler reconciles ${k.name} objects. */
export class ${k.name}Reconciler {
  /** The key of the last reconciled ${k.name}, for logs. */
  lastKey = "";

  /** Records which object was seen and says whether it wants more replicas. */
  reconcile(obj: ${k.name}): boolean {
    this.lastKey = \`\${obj.metadata?.namespace ?? ""}/\${obj.metadata?.name ?? ""}\`;
    const want = obj.spec.replicas ?? 1;
    return (obj.status?.readyReplicas ?? 0) < Math.min(Math.max(want, obj.spec.minReplicas), obj.spec.maxReplicas);
  }
}
`;
}

// `tsx bench/synthetic-tree.ts [dir] [--kinds N]`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--kinds");
  const kinds = at >= 0 ? Number(args[at + 1]) : undefined;
  const dir = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--kinds") ?? DEFAULT_TREE_DIR;
  const tree = writeSyntheticTree({ dir, ...(kinds === undefined ? {} : { kinds }) });
  console.log(
    `wrote ${tree.kinds.length} kinds in ${tree.packages} packages to ${tree.dir} (${tree.tsFiles} .ts files, ${(tree.tsBytes / 1024).toFixed(0)} KiB)`,
  );
}
