import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const docs = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
/** Every Markdown file the package ships: the docs above, the changelog, and the examples' READMEs. */
const shipped = [...docs, 'CHANGELOG.md', ...fs.readdirSync(path.join(root, 'examples')).sort()
  .flatMap((d) => (fs.statSync(path.join(root, 'examples', d)).isDirectory() ? fs.readdirSync(path.join(root, 'examples', d)).filter((f) => f.endsWith('.md')).map((f) => `examples/${d}/${f}`) : []))];

/** Relative link targets of a Markdown file, without their #anchor (links to other sites are not checked here). */
function links(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1])
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((t) => t.replace(/#.*$/, ''));
}

/** Repository paths a doc cites in code spans (`examples/ci/rollout.yml`), which a reader goes looking for. */
function citedPaths(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/`((?:src|docs|examples|scripts|stacks|rehearsal|test|bench)\/[A-Za-z0-9_./-]+)`/g)].map((m) => m[1].replace(/[.]$/, ''));
}

/** The files `npm pack` puts into the tarball (its dry run lists them without building). */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json', '--loglevel=error'], { cwd: root, encoding: 'utf8' });
  return new Set(JSON.parse(out)[0].files.map((f: { path: string }) => f.path));
}

describe('docs: every link resolves, in the repository and in the package', () => {
  const all = shipped.flatMap((file) => links(file).map((target) => ({ file, target, resolved: path.posix.normalize(path.posix.join(path.posix.dirname(file), target)).replace(/\/$/, '') })));

  test('there are links to check, and an index of docs/', () => {
    expect(all.length).toBeGreaterThan(40);
    expect(docs).toContain('docs/README.md');
    const index = links('docs/README.md');
    for (const doc of docs.filter((d) => d.startsWith('docs/') && d !== 'docs/README.md')) expect(index).toContain(path.basename(doc));
  });

  test('every relative link of README.md, docs/, the changelog and the examples\' READMEs points at a file or folder of the repository', () => {
    expect(shipped.filter((f) => f.startsWith('examples/')).length).toBeGreaterThanOrEqual(4);
    expect(all.filter((l) => !fs.existsSync(path.join(root, l.resolved))).map((l) => `${l.file}: ${l.target}`)).toEqual([]);
  });

  test('no shipped doc links into src/ (the package ships no sources)', () => {
    expect(all.filter((l) => l.resolved === 'src' || l.resolved.startsWith('src/')).map((l) => `${l.file}: ${l.target}`)).toEqual([]);
  });

  test('every path a doc cites in a code span exists', () => {
    const missing = docs.flatMap((file) => citedPaths(file).filter((p) => !p.includes('*') && !fs.existsSync(path.join(root, p))).map((p) => `${file}: ${p}`));
    expect(missing).toEqual([]);
  });

  test('every doc a doc names (something.md) exists', () => {
    const known = new Set<string>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'cdktf.out') continue;
        if (e.isDirectory()) walk(path.join(dir, e.name)); else if (e.name.endsWith('.md')) known.add(e.name);
      }
    };
    walk('.');
    const named = docs.flatMap((file) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/\b([A-Za-z0-9_-]+\.md)\b/g)].map((m) => ({ file, name: m[1] })));
    expect(named.filter((n) => !known.has(n.name)).map((n) => `${n.file}: ${n.name}`)).toEqual([]);
  });

  test('in the packed tarball, every shipped doc is there and each of its links resolves to a shipped file', () => {
    const packed = packedFiles();
    for (const doc of shipped) expect(packed.has(doc)).toBe(true);
    const shippedOrFolder = (p: string) => packed.has(p) || [...packed].some((f) => f.startsWith(`${p}/`));
    expect(all.filter((l) => !shippedOrFolder(l.resolved)).map((l) => `${l.file}: ${l.target}`)).toEqual([]);
  });
});
