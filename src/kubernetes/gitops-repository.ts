import { BlueGreenError, show } from '../core/errors';

/**
 * The team's GitOps repository: what a new unit syncs by itself. The path may name the unit's
 * slot and version, so a team can keep per-version overlays (`clusters/{version}` →
 * `clusters/1.34` on a 1.34 unit).
 */
export interface GitOpsRepository {
  /** Repository URL (`https://...` or `ssh://...`). */
  readonly url: string;
  /** Branch to follow. @default 'main' */
  readonly branch?: string;
  /**
   * Path inside the repository. `{slot}`, `{version}` (the unit's declared Kubernetes version,
   * e.g. `1.34`), `{minor}` (`1.34` even for `1.34.2`), `{unit}` and `{fleet}` are replaced per unit.
   * @default './'
   */
  readonly path?: string;
}

/** What the placeholders of a GitOps path stand for on one unit. */
export interface GitOpsUnitValues {
  readonly fleet: string;
  readonly slot: string;
  readonly unit: string;
  readonly version: string;
}

const URL = /^(https:\/\/|ssh:\/\/|git@)[\x21-\x7e]{3,2000}$/;
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,250}$/;
const PATH = /^[A-Za-z0-9._/{}-]{1,1024}$/;
const PLACEHOLDER = /\{([a-z]+)\}/g;
const KNOWN = ['slot', 'version', 'minor', 'unit', 'fleet'];

/** Refuses a repository that cannot work, naming the field and a value that would pass. */
export function checkGitOpsRepository(fleet: string, field: string, repo: GitOpsRepository | undefined): void {
  const refuse = (f: string, value: unknown, rule: string, fix: string): never => {
    throw new BlueGreenError({ fleet, field: `${field}.${f}`, value: show(value), rule, fix });
  };
  if (!repo || typeof repo.url !== 'string' || !URL.test(repo.url)) refuse('url', repo?.url, 'a GitOps repository URL starts with https://, ssh:// or git@', "url: 'https://github.com/example/platform-gitops'");
  if (repo!.branch !== undefined && !BRANCH.test(repo!.branch)) refuse('branch', repo!.branch, 'a branch name is letters, digits, ".", "_", "/" and "-"', "branch: 'main'");
  const path = repo!.path ?? './';
  if (!PATH.test(path) || path.includes('..')) refuse('path', path, 'a path inside the repository is letters, digits, ".", "_", "/", "-" and placeholders, without ".."', "path: 'clusters/{version}'");
  for (const m of path.matchAll(PLACEHOLDER)) {
    if (!KNOWN.includes(m[1])) refuse('path', path, `placeholders are ${KNOWN.map((k) => `{${k}}`).join(', ')}`, `path: ${show(path.replace(m[0], '{version}'))}`);
  }
}

/** The repository path of one unit, placeholders replaced. */
export function gitOpsPath(repo: GitOpsRepository, v: GitOpsUnitValues): string {
  const minor = v.version.split('.').slice(0, 2).join('.');
  const values: Record<string, string> = { slot: v.slot, version: v.version, minor, unit: v.unit, fleet: v.fleet };
  return (repo.path ?? './').replace(PLACEHOLDER, (_, k: string) => values[k]);
}
