import { X509Certificate } from "node:crypto";
import { hostname } from "node:os";
import { createSecureContext } from "node:tls";
import { buildCertificate, certificatePem, generateKeyPair, privateKeyPem } from "../tls/x509.js";
import type { ServingCertificate } from "../webhook/cert-watcher.js";

/** What {@link generateSelfSignedCertificate} takes; everything has a default. */
export interface SelfSignedCertificateOptions {
  /**
   * DNS names and IP addresses the certificate is for. Default: `localhost`, `127.0.0.1`,
   * `::1` and this machine's host name (the pod's name in a cluster).
   */
  readonly hosts?: readonly string[];
  /** How long the certificate is valid, in days. Default 365. */
  readonly validityDays?: number;
  /** The start of validity (default now; it is backdated a minute for clock skew). */
  readonly now?: Date;
}

/**
 * Makes a self-signed TLS serving certificate and its private key in memory (ECDSA P-256,
 * SHA-256), as controller-runtime does for a secure metrics endpoint that has no certificate
 * of its own: the traffic is encrypted, but clients cannot verify who they talk to, so
 * production setups mount a cert-manager certificate instead (`metricsCertDir`).
 * @example
 * ```ts
 * const { cert, key } = await generateSelfSignedCertificate({ hosts: ["localhost"] });
 * https.createServer({ cert, key }, handler);
 * ```
 */
export async function generateSelfSignedCertificate(options: SelfSignedCertificateOptions = {}): Promise<ServingCertificate> {
  const hosts = options.hosts ?? defaultHosts();
  if (hosts.length === 0) throw new TypeError("generateSelfSignedCertificate: hosts must name at least one DNS name or IP address");
  const validityDays = options.validityDays ?? 365;
  if (!(validityDays > 0)) throw new RangeError(`generateSelfSignedCertificate: validityDays must be positive, got ${validityDays}`);
  const now = options.now ?? new Date();
  const keys = await generateKeyPair();
  const certificate = await buildCertificate({
    commonName: `${hosts[0]}@${Math.floor(now.getTime() / 1000)}`,
    hosts,
    usages: ["serverAuth"],
    now,
    validityDays,
    keys,
  });
  const cert = certificatePem(certificate);
  const key = await privateKeyPem(keys.privateKey);
  createSecureContext({ cert, key }); // fails loudly here rather than at the first handshake
  const leaf = new X509Certificate(cert);
  return { cert, key, fingerprint256: leaf.fingerprint256, validTo: leaf.validTo };
}

function defaultHosts(): string[] {
  const hosts = ["localhost", "127.0.0.1", "::1"];
  const own = hostname();
  if (own && !hosts.includes(own)) hosts.push(own);
  return hosts;
}
