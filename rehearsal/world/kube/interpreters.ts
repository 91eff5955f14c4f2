// The interpreters of this machine that stand in for a Job image's: the gate image is Python 3 with
// botocore (docs/slo-gates.md, "The gate image"). The rehearsal needs them; when one is missing it
// says so and the Job cannot run (never a fallback to a modelled judgement).
// A version manager's shim (pyenv) on PATH re-resolves the interpreter on every start; the real
// interpreter's directory goes first on the pod's PATH instead. Looked up once per PATH and cached
// in the temporary directory (a provider process is short-lived).
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface GateInterpreter {
  /** Directories to put first on the pod's PATH. */
  readonly pathFirst: string[];
  /** Why the gate image cannot be stood in for, or undefined. */
  readonly missing?: string;
}

interface Probe {
  readonly executable?: string;
  readonly botocore?: string;
  readonly error?: string;
}

function probe(): Probe {
  const key = crypto.createHash('sha256').update(process.env.PATH ?? '').digest('hex').slice(0, 16);
  const cache = path.join(os.tmpdir(), `bluegreen-rehearsal-python3-${key}.json`);
  try {
    return JSON.parse(fs.readFileSync(cache, 'utf8')) as Probe;
  } catch {
    // not probed yet
  }
  const r = spawnSync('python3', ['-c', 'import sys\nprint(sys.executable)\ntry:\n    import botocore\n    print(botocore.__version__)\nexcept ImportError as e:\n    print("")\n'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() }, timeout: 30000 });
  const lines = (r.stdout ?? '').trim().split('\n');
  const result: Probe = r.status === 0 ? { executable: lines[0], botocore: lines[1] || undefined } : { error: `\`python3\` did not start (${r.error?.message ?? String(r.stderr ?? '').trim().slice(0, 200) ?? r.status})` };
  try {
    fs.writeFileSync(`${cache}.${process.pid}`, JSON.stringify(result));
    fs.renameSync(`${cache}.${process.pid}`, cache);
  } catch {
    // a cache is an optimisation only
  }
  return result;
}

/** The stand-in for a gate image: Python 3, with botocore when `botocore` is true. */
export function gateInterpreter(botocore: boolean): GateInterpreter {
  const p = probe();
  if (!p.executable) return { pathFirst: [], missing: `the gate image runs python3; this machine has none on PATH: ${p.error ?? 'not found'}. Install Python 3 to rehearse the SLO gates` };
  if (botocore && !p.botocore) {
    return { pathFirst: [], missing: `the gate image for Amazon Managed Prometheus carries botocore; this machine's python3 (${p.executable}) cannot import botocore. Install it (the AWS CLI v1 or python3-botocore) to rehearse the gates` };
  }
  return { pathFirst: [path.dirname(p.executable)] };
}
