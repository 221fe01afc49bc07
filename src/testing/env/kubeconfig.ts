import { KubeConfig } from "@kubernetes/client-node";

/** The context, cluster and user name of a test server's kubeconfig. */
export const TEST_CONTEXT = "kubebuilder-ts-testing";

/**
 * A kubeconfig for a test server at `url` (plain HTTP, so `skipTLSVerify`, which
 * client-node requires for `http:` servers), with `namespace` as the context's default.
 */
export function kubeConfigFor(url: string, namespace = "default"): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: TEST_CONTEXT, server: url, skipTLSVerify: true }],
    users: [{ name: TEST_CONTEXT }],
    contexts: [{ name: TEST_CONTEXT, cluster: TEST_CONTEXT, user: TEST_CONTEXT, namespace }],
    currentContext: TEST_CONTEXT,
  });
  return kc;
}
