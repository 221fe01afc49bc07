import type { webcrypto } from "node:crypto";
import type * as Pkijs from "pkijs";
import { buildCertificate, certificatePem, generateKeyPair, privateKeyPem } from "../../runtime/tls/x509.js";

/** A certificate and its private key, both PEM. */
export interface CertificatePair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * A throw-away certificate authority for one test environment, as envtest makes one: it signs
 * the API server's serving certificate, the admin's client certificate, and the local webhook
 * server's certificate, so that every TLS connection in a test is verified, as in a cluster.
 * Keys are ECDSA P-256, made in memory; nothing is written unless the caller writes it.
 * @example
 * ```ts
 * const ca = await CertificateAuthority.create();
 * const serving = await ca.issueServing(["localhost", "127.0.0.1"]);
 * const admin = await ca.issueClient("admin", ["system:masters"]);
 * ```
 */
export class CertificateAuthority {
  readonly #certificate: Pkijs.Certificate;
  readonly #privateKey: webcrypto.CryptoKey;
  /** The authority's certificate (PEM): the CA bundle clients trust. */
  readonly cert: Buffer;

  private constructor(certificate: Pkijs.Certificate, privateKey: webcrypto.CryptoKey) {
    this.#certificate = certificate;
    this.#privateKey = privateKey;
    this.cert = certificatePem(certificate);
  }

  /** A new authority named `commonName`, valid for a year. */
  static async create(commonName = "kubebuilder-ts-testing-ca"): Promise<CertificateAuthority> {
    const keys = await generateKeyPair();
    const certificate = await buildCertificate({ commonName, isCA: true, keys });
    return new CertificateAuthority(certificate, keys.privateKey);
  }

  /** A serving certificate for `hosts` (DNS names and IP addresses). */
  issueServing(hosts: readonly string[], commonName = hosts[0] ?? "localhost"): Promise<CertificatePair> {
    if (hosts.length === 0) throw new TypeError("CertificateAuthority.issueServing: name at least one host");
    return this.#issue({ commonName, hosts, usages: ["serverAuth"] });
  }

  /**
   * A client certificate: Kubernetes reads the common name as the user name and the
   * organizations as its groups (`system:masters` is the cluster's superuser group).
   */
  issueClient(commonName: string, organizations: readonly string[] = []): Promise<CertificatePair> {
    return this.#issue({ commonName, organizations, usages: ["clientAuth"] });
  }

  async #issue(request: { commonName: string; hosts?: readonly string[]; organizations?: readonly string[]; usages: ("serverAuth" | "clientAuth")[] }): Promise<CertificatePair> {
    const keys = await generateKeyPair();
    const certificate = await buildCertificate({ ...request, keys, issuer: { certificate: this.#certificate, privateKey: this.#privateKey } });
    return { cert: certificatePem(certificate), key: await privateKeyPem(keys.privateKey) };
  }
}
