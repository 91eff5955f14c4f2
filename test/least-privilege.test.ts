import * as fs from 'fs';
import * as path from 'path';
import { ALLOWANCE, CLOUD_ACTIONS } from './support/cloud-actions';
import { cloudTypesByKind } from './support/fleet-kinds';

const root = path.join(__dirname, '..');

/** The permissions documented per fleet kind (docs/permissions.md), as the files users apply. */
const POLICIES: { [kind: string]: string } = {
  'EKS cluster': 'docs/permissions/eks-cluster.iam.json',
  'EKS node-pool': 'docs/permissions/eks-node-pool.iam.json',
  'AKS cluster': 'docs/permissions/aks-cluster.role.json',
  'AKS node-pool': 'docs/permissions/aks-node-pool.role.json',
};

function actionsOf(file: string): string[] {
  const doc = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  if (file.endsWith('.iam.json')) return doc.Statement.flatMap((s: any) => (s.Effect === 'Allow' ? [].concat(s.Action) : []));
  return [...doc.Actions, ...doc.DataActions];
}

describe('least privilege: the documented permissions of each fleet kind are what its resources need', () => {
  const kinds = cloudTypesByKind();

  test('every fleet kind is synthesized and has its policy', () => {
    expect(Object.keys(kinds).sort()).toEqual(Object.keys(POLICIES).sort());
  });

  test('every cloud resource type the library synthesizes has its actions mapped, with a source', () => {
    const types = [...new Set(Object.values(kinds).flat())];
    expect(types.length).toBeGreaterThan(30);
    expect(types.filter((t) => !CLOUD_ACTIONS[t])).toEqual([]);
    for (const t of types) expect(CLOUD_ACTIONS[t].source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|learn\.microsoft\.com)\//);
  });

  test.each(Object.keys(POLICIES))('%s: the policy covers every action its resources need, and holds nothing beyond them but the listed allowance', (kind) => {
    const needed = new Set(kinds[kind].flatMap((t) => CLOUD_ACTIONS[t].actions));
    const granted = actionsOf(POLICIES[kind]);
    expect(granted.filter((a) => a.includes('*'))).toEqual([]);
    expect([...needed].filter((a) => !granted.includes(a)).sort()).toEqual([]);
    expect(granted.filter((a) => !needed.has(a) && !ALLOWANCE[a]).sort()).toEqual([]);
    expect(new Set(granted).size).toBe(granted.length);
  });

  test('iam:PassRole is granted only towards EKS', () => {
    for (const file of Object.values(POLICIES).filter((f) => f.endsWith('.iam.json'))) {
      const statements = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')).Statement.filter((s: any) => [].concat(s.Action).includes('iam:PassRole' as never));
      expect(statements).toHaveLength(1);
      expect(statements[0].Action).toEqual(['iam:PassRole']);
      expect(statements[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'eks.amazonaws.com' } });
    }
  });
});
