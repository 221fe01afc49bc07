import type { KubernetesObject, Resource } from "../../runtime/resource.js";
import type { Clock } from "../clock.js";
import { admitObject } from "../schema/index.js";
import type { AdmitFunction } from "../store/admission.js";
import { readCrdFiles } from "../store/crd-files.js";
import type { JsonObject } from "../store/json.js";
import { ObjectStore } from "../store/object-store.js";

/** What the test server and the fake client start from. */
export interface StoreSetup {
  /** Directories (or files) of CRD YAML to install, e.g. `["config/crd/bases"]`. */
  readonly crdDirectoryPaths?: readonly string[] | undefined;
  /** CRD objects to install besides those files. */
  readonly crds?: readonly object[] | undefined;
  /**
   * Kinds to serve without a CRD (no schema, status subresource on). For quick tests of
   * a reconciler before its CRD exists; the generated CRD is closer to a real cluster.
   */
  readonly resources?: readonly Resource[] | undefined;
  /** Objects to start with (status kept; missing namespaces created). */
  readonly objects?: readonly KubernetesObject[] | undefined;
  /** The clock of timestamps, bookmarks and watch timeouts (default: the real clock). */
  readonly clock?: Clock | undefined;
  /** Custom resource admission (default: {@link admitObject}: prune, default, validate, CEL). */
  readonly admit?: AdmitFunction | undefined;
  /** Events kept for watches to resume from (default 10,000). */
  readonly historySize?: number | undefined;
  /** Interval of BOOKMARK events (default 1,000 ms). */
  readonly bookmarkIntervalMs?: number | undefined;
}

/** A store set up as `setup` says: CRDs installed, extra kinds registered, objects seeded. */
export function buildStore(setup: StoreSetup): ObjectStore {
  const store = new ObjectStore({
    clock: setup.clock,
    admit: setup.admit ?? admitObject,
    historySize: setup.historySize,
    bookmarkIntervalMs: setup.bookmarkIntervalMs,
  });
  const crds = [...readCrdFiles(setup.crdDirectoryPaths ?? []), ...((setup.crds ?? []) as JsonObject[])];
  store.installCrds(crds);
  for (const r of setup.resources ?? []) store.registerKind(r);
  store.seed(setup.objects ?? []);
  return store;
}
