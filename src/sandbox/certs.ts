// A throw-away PKI for one sandbox: a CA and a serving certificate it signs, both ECDSA P-256, made with
// node's WebCrypto. Clients trust the CA (kubeconfig certificate-authority-data, NODE_EXTRA_CA_CERTS);
// the serving cert covers 127.0.0.1, localhost and the dataset host name.
import { webcrypto } from 'node:crypto';
import 'reflect-metadata'; // @peculiar/x509 resolves its ASN.1 helpers through tsyringe, which needs it
import * as x509 from '@peculiar/x509';

export interface SandboxPki {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** a client certificate the API server accepts (CN kaito-sandbox-admin, O system:masters), like `az aks get-credentials --admin` */
  clientCertPem: string;
  clientKeyPem: string;
  /** issues another client certificate signed by this CA (tests: an expired one) */
  issueClient(o?: { notBefore?: Date; notAfter?: Date; cn?: string }): Promise<{ certPem: string; keyPem: string }>;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64.replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** A CA to sign a sandbox's certificates with, instead of a fresh one: in-process tests start their workers
 *  trusting one CA (NODE_EXTRA_CA_CERTS is read only when a process starts) and give it to every sandbox. */
export interface SandboxCa {
  certPem: string;
  /** PKCS#8 PEM */
  keyPem: string;
}

/** A fresh CA (ECDSA P-256, one year) as PEM, for SandboxOptions.ca. */
export async function createCa(): Promise<SandboxCa> {
  x509.cryptoProvider.set(webcrypto as never);
  const { ca, caKeys } = await newCa(new Date(Date.now() - 60 * 60 * 1000), new Date(Date.now() + 365 * 24 * 60 * 60 * 1000));
  return { certPem: ca.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey)) };
}

async function loadCa(given: SandboxCa): Promise<{ ca: x509.X509Certificate; caKeys: webcrypto.CryptoKeyPair }> {
  const ca = new x509.X509Certificate(given.certPem);
  const der = Buffer.from(given.keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  const publicKey = (await ca.publicKey.export(ALG, ['verify'], webcrypto as never)) as unknown as webcrypto.CryptoKey;
  return { ca, caKeys: { privateKey, publicKey } };
}

async function newCa(notBefore: Date, notAfter: Date): Promise<{ ca: x509.X509Certificate; caKeys: webcrypto.CryptoKeyPair }> {
  const crypto = webcrypto;
  const caKeys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=kaito-sandbox-ca',
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  return { ca, caKeys };
}

export async function createPki(hostNames: string[], given?: SandboxCa): Promise<SandboxPki> {
  const crypto = webcrypto;
  x509.cryptoProvider.set(crypto as never);
  const notBefore = new Date(Date.now() - 60 * 60 * 1000); // tolerate small clock skew
  const notAfter = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  const { ca, caKeys } = given ? await loadCa(given) : await newCa(notBefore, notAfter);
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=kaito-sandbox',
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        ...hostNames.map((h) => ({ type: 'dns' as const, value: h })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keyDer = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const issueClient = async (o: { notBefore?: Date; notAfter?: Date; cn?: string } = {}) => {
    const ck = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const c = await x509.X509CertificateGenerator.create({
      subject: `CN=${o.cn ?? 'kaito-sandbox-admin'}, O=system:masters`,
      issuer: ca.subject,
      publicKey: ck.publicKey,
      signingKey: caKeys.privateKey,
      notBefore: o.notBefore ?? notBefore,
      notAfter: o.notAfter ?? notAfter,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    return { certPem: c.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', ck.privateKey)) };
  };
  const client = await issueClient();
  return { caPem: ca.toString('pem') + '\n', certPem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', keyDer), clientCertPem: client.certPem, clientKeyPem: client.keyPem, issueClient };
}
