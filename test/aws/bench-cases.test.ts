import { buildEksFloorApp, buildEksLibraryApp } from '../../bench/eks-cases';
import { synthAll, testApp } from '../support/synth';

/** Per stack role, the sorted list of resource and data source types (with counts). */
function inventory(stacks: Record<string, any>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, json] of Object.entries(stacks)) {
    const role = name.replace(/^bench-eks-\d+-/, '').replace(/-u(\d+)-1-34-\w+$/, (_, i) => `-${Number(i) === 0 ? 'serving' : Number(i) % 2 ? 'candidate' : 'standby'}`);
    const types: string[] = [];
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries<any>(json[kind] ?? {})) types.push(`${kind}.${type}×${Object.keys(byName).length}`);
    }
    for (const [type, list] of Object.entries<any>(json.provider ?? {})) types.push(`provider.${type}×${list.length}`);
    const key = `${role}`;
    out[key] = types.sort();
  }
  return out;
}

describe('EKS benchmark cases', () => {
  test('the floor builds the same stacks, dependencies and provider resources as the library', () => {
    const lib = testApp();
    buildEksLibraryApp(lib, 5);
    const floor = testApp();
    buildEksFloorApp(floor, 5);
    const a = synthAll(lib);
    const b = synthAll(floor);
    expect(Object.keys(b.stacks)).toHaveLength(Object.keys(a.stacks).length);
    expect(inventory(b.stacks)).toEqual(inventory(a.stacks));
    const depCounts = (deps: Record<string, string[]>) => Object.values(deps).map((d) => d.length).sort();
    expect(depCounts(b.deps)).toEqual(depCounts(a.deps));
  });
});
