// A test PKI made with openssl at test time: root CA → intermediate CA → agency certificate (PKCS#12
// with its chain), a second unrelated root, and a time-stamp authority answering RFC 3161 requests
// over HTTP with `openssl ts -reply`.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

const execFileAsync = promisify(execFile);

export interface TestPki {
  dir: string;
  path(name: string): string;
  read(name: string): Buffer;
  /** A new agency key and certificate issued by the intermediate CA, as PKCS#12 with the chain. */
  agencyP12(opts: { name: string; cn: string; days?: number; password: string; chain?: 'full' | 'none' | 'foreign' }): Buffer;
  /** An agency certificate whose validity ended yesterday, issued by the intermediate CA. */
  expiredP12(cn: string, password: string): Buffer;
  /** The certificate of one key packed with another key. */
  mismatchedP12(cn: string, password: string): Buffer;
  close(): void;
}

function openssl(args: string[], cwd: string): string {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n';
const SIGNER_EXT = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n';
const TSA_EXT = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n';

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'dd-pki-'));
  const path = (n: string) => join(dir, n);
  const file = (n: string, text: string) => writeFileSync(path(n), text);
  file('ca.ext', CA_EXT);
  file('signer.ext', SIGNER_EXT);
  file('tsa.ext', TSA_EXT);
  const root = (name: string, cn: string) =>
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '3650', '-subj', `/C=CN/O=Test PKI/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const issue = (name: string, subj: string, by: string, ext: string, days: number) => {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj, '-utf8'], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.crt`, '-CAkey', `${by}.key`, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
      '-out', `${name}.crt`, '-days', String(days), '-extfile', ext, '-sha256'], dir);
  };
  root('root', 'Test Root CA');
  root('other-root', 'Unrelated Root CA');
  issue('intermediate', '/C=CN/O=Test PKI/CN=Test Intermediate CA', 'root', 'ca.ext', 1825);
  issue('tsa', '/C=CN/O=Test PKI/CN=Test TSA', 'root', 'tsa.ext', 1825);
  file('chain.pem', readFileSync(path('intermediate.crt'), 'utf8') + readFileSync(path('root.crt'), 'utf8'));
  let n = 0;

  return {
    dir,
    path,
    read: (name) => readFileSync(path(name)),
    agencyP12({ name, cn, days = 365, password, chain = 'full' }) {
      const leaf = `${name}-${++n}`;
      issue(leaf, `/C=CN/O=${cn}/CN=${cn}`, 'intermediate', 'signer.ext', days);
      const certfile = chain === 'full' ? ['-certfile', 'chain.pem'] : chain === 'foreign' ? ['-certfile', 'other-root.crt'] : [];
      openssl(['pkcs12', '-export', '-inkey', `${leaf}.key`, '-in', `${leaf}.crt`, ...certfile, '-passout', `pass:${password}`, '-out', `${leaf}.p12`], dir);
      return readFileSync(path(`${leaf}.p12`));
    },
    expiredP12(cn, password) {
      // openssl 3.0's `x509 -req` cannot back-date: forge signs a certificate valid until yesterday.
      const key = forge.pki.rsa.generateKeyPair(2048);
      const cert = forge.pki.createCertificate();
      cert.publicKey = key.publicKey;
      cert.serialNumber = '0a' + randomBytes(8).toString('hex');
      cert.validity.notBefore = new Date(Date.now() - 400 * 86_400_000);
      cert.validity.notAfter = new Date(Date.now() - 86_400_000);
      const issuer = forge.pki.certificateFromPem(readFileSync(path('intermediate.crt'), 'utf8'));
      cert.setSubject([{ shortName: 'CN', value: cn }]);
      cert.setIssuer(issuer.subject.attributes);
      cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true }]);
      cert.sign(forge.pki.privateKeyFromPem(readFileSync(path('intermediate.key'), 'utf8')), forge.md.sha256.create());
      const chain = [cert, issuer, forge.pki.certificateFromPem(readFileSync(path('root.crt'), 'utf8'))];
      return Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(key.privateKey, chain, password, { algorithm: '3des' })).getBytes(), 'binary');
    },
    mismatchedP12(cn, password) {
      const leaf = `mismatch-${++n}`;
      issue(leaf, `/CN=${cn}`, 'intermediate', 'signer.ext', 365);
      const otherKey = forge.pki.rsa.generateKeyPair(2048).privateKey;
      const cert = forge.pki.certificateFromPem(readFileSync(path(`${leaf}.crt`), 'utf8'));
      return Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(otherKey, [cert], password, { algorithm: '3des' })).getBytes(), 'binary');
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TestTsa {
  url: string;
  /** Requests answered so far. */
  answered: number;
  close(): Promise<void>;
}

/** An RFC 3161 time-stamp authority over HTTP: each request answered by `openssl ts -reply`. */
export async function startTestTsa(pki: TestPki): Promise<TestTsa> {
  const dir = pki.dir;
  writeFileSync(join(dir, 'tsaserial'), '01\n');
  writeFileSync(join(dir, 'tsa.cnf'), [
    '[ tsa ]', 'default_tsa = tsa_config', '', '[ tsa_config ]', `serial = ${join(dir, 'tsaserial')}`,
    `signer_cert = ${join(dir, 'tsa.crt')}`, `signer_key = ${join(dir, 'tsa.key')}`, 'signer_digest = sha256',
    'default_policy = 1.2.3.4.1', 'digests = sha256', 'accuracy = secs:1', 'ordering = no', 'tsa_name = no',
    'ess_cert_id_alg = sha256', '',
  ].join('\n'));
  let seq = 0;
  const state = { answered: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const id = ++seq;
      const query = join(dir, `q${id}.tsq`);
      const reply = join(dir, `r${id}.tsr`);
      writeFileSync(query, Buffer.concat(chunks));
      try {
        await execFileAsync('openssl', ['ts', '-reply', '-config', join(dir, 'tsa.cnf'), '-queryfile', query, '-out', reply]);
        state.answered++;
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(reply));
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get answered() {
      return state.answered;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
