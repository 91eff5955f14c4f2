// Self-signed certificates of the world's servers (the cluster's API server, the cloud endpoints a
// pod reaches). Generating a key costs real time on every pod, so one certificate per subject is
// made with `openssl` and reused from the temporary directory while it is younger than 12 hours
// (they are valid for a day). They secure loopback connections to a simulated world only.
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REUSE_MS = 12 * 3600 * 1000;

/** A certificate (its own CA) for `subject` with `altNames` (`DNS:…`, `IP:…`), and its key. */
export function worldCertificate(subject: string, altNames: string[]): { cert: string; key: string } {
  const id = crypto.createHash('sha256').update(`${subject}\n${altNames.join(',')}`).digest('hex').slice(0, 20);
  const dir = path.join(os.tmpdir(), 'bluegreen-rehearsal-certs');
  const cert = path.join(dir, `${id}.crt`);
  const key = path.join(dir, `${id}.key`);
  try {
    if (Date.now() - fs.statSync(cert).mtimeMs < REUSE_MS) return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
  } catch {
    // not made yet
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = fs.mkdtempSync(path.join(dir, 'new-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(tmp, 'key'), '-out', path.join(tmp, 'crt'), '-days', '1', '-subj', `/CN=${subject}`, '-addext', `subjectAltName=${altNames.join(',')}`], { stdio: 'ignore' });
  const made = { cert: fs.readFileSync(path.join(tmp, 'crt'), 'utf8'), key: fs.readFileSync(path.join(tmp, 'key'), 'utf8') };
  // key first, certificate last: a reader that finds the certificate finds its key.
  fs.renameSync(path.join(tmp, 'key'), key);
  fs.renameSync(path.join(tmp, 'crt'), cert);
  fs.rmSync(tmp, { recursive: true, force: true });
  return made;
}
