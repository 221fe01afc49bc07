import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { hostname } from "node:os";
import { createSecureContext } from "node:tls";
// Node's crypto signs and generates keys but cannot build an X.509 certificate, so the
// certificate's ASN.1 structure comes from PKI.js (with asn1js, the ASN.1 library it is built
// on): pure JavaScript, no native code, maintained by PeculiarVentures, runs on Node >= 16, and
// unlike @peculiar/x509 it needs no global `reflect-metadata` polyfill. The keys and the
// signature are Node's own WebCrypto. Both are loaded on first use: only a secure metrics
// server without a certificate of its own needs them.
import type * as Asn1js from "asn1js";
import type * as Pkijs from "pkijs";
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

const ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const OID = {
  commonName: "2.5.4.3",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;
/** GeneralName choices (RFC 5280): dNSName and iPAddress. */
const DNS_NAME = 2;
const IP_ADDRESS = 7;

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
  const { asn1js, pkijs } = await loadAsn1();
  const engine = new pkijs.CryptoEngine({ name: "node", crypto: webcrypto });
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ["sign", "verify"]);

  const certificate = new pkijs.Certificate();
  certificate.version = 2; // X.509 v3
  certificate.serialNumber = new asn1js.Integer({ valueHex: serialNumber() });
  const name = `${hosts[0]}@${Math.floor(now.getTime() / 1000)}`;
  const commonName = (): Pkijs.AttributeTypeAndValue =>
    // A common name is at most 64 characters (RFC 5280's ub-common-name).
    new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: name.slice(0, 64) }) });
  const extension = (extnID: string, critical: boolean, value: Asn1js.AsnType): Pkijs.Extension =>
    new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
  const generalName = (host: string): Pkijs.GeneralName => {
    const family = isIP(host);
    if (family === 0) return new pkijs.GeneralName({ type: DNS_NAME, value: host });
    return new pkijs.GeneralName({ type: IP_ADDRESS, value: new asn1js.OctetString({ valueHex: ipBytes(host, family) }) });
  };
  certificate.subject.typesAndValues.push(commonName());
  certificate.issuer.typesAndValues.push(commonName());
  certificate.notBefore.value = new Date(now.getTime() - 60_000);
  certificate.notAfter.value = new Date(now.getTime() + validityDays * 86_400_000);
  certificate.extensions = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
    // digitalSignature only: the bit string 1000 0000 with 7 unused bits.
    extension(OID.keyUsage, true, new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 })),
    extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [OID.serverAuth] }).toSchema()),
    extension(OID.subjectAltName, false, new pkijs.AltName({ altNames: hosts.map(generalName) }).toSchema()),
  ];
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  await certificate.sign(keys.privateKey, "SHA-256", engine);

  const der = Buffer.from(certificate.toSchema().toBER(false));
  const cert = Buffer.from(`-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").trimEnd()}\n-----END CERTIFICATE-----\n`);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const key = Buffer.from(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }));
  createSecureContext({ cert, key }); // fails loudly here rather than at the first handshake
  const leaf = new X509Certificate(cert);
  return { cert, key, fingerprint256: leaf.fingerprint256, validTo: leaf.validTo };
}

let modules: Promise<{ asn1js: typeof Asn1js; pkijs: typeof Pkijs }> | undefined;

function loadAsn1(): Promise<{ asn1js: typeof Asn1js; pkijs: typeof Pkijs }> {
  modules ??= Promise.all([import("asn1js"), import("pkijs")]).then(([asn1js, pkijs]) => ({ asn1js, pkijs }));
  return modules;
}

function defaultHosts(): string[] {
  const hosts = ["localhost", "127.0.0.1", "::1"];
  const own = hostname();
  if (own && !hosts.includes(own)) hosts.push(own);
  return hosts;
}

/** 128 random bits, positive (RFC 5280 allows up to 20 octets). */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f || 0x01;
  return new Uint8Array(bytes).buffer;
}

/** The network-order bytes of an IPv4 or IPv6 address (`isIP` said which). */
function ipBytes(ip: string, family: number): ArrayBuffer {
  if (family === 4) return new Uint8Array(ip.split(".").map(Number)).buffer;
  let text = ip.replace(/%.*$/, ""); // a zone ("fe80::1%eth0") is not part of the address
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text); // an embedded IPv4 tail is the last two words
  if (v4) {
    const [a = 0, b = 0, c = 0, d = 0] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const words = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const all = tail === undefined ? words(head) : [...words(head), ...Array<string>(8 - words(head).length - words(tail).length).fill("0"), ...words(tail)];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    const value = parseInt(word, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes.buffer;
}
