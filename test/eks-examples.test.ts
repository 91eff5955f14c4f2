import * as fs from 'fs';
import * as path from 'path';
import { RolloutPlan } from '../src';
import { build as buildAlbRetire } from '../examples/eks-alb-retire/main';
import { build as buildRoute53Canary } from '../examples/eks-route53-canary/main';
import { synthAll, testApp, warningsBesideSupport } from './support/synth';

describe('EKS examples synthesize in-process', () => {
  test.each(['eks-route53-canary', 'eks-alb-retire'])('%s has a cdktf.json that runs its main.ts with tsx', (name) => {
    const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', name, 'cdktf.json'), 'utf8'));
    expect(config.app).toBe('node -r tsx/cjs main.ts');
    expect(config.language).toBe('typescript');
  });

  test('eks-route53-canary: a 90/10 canary behind Route 53 with pinned units and S3 state', () => {
    const app = testApp();
    buildRoute53Canary(app);
    const { stacks, deps } = synthAll(app);
    const [plan] = RolloutPlan.plansOf(app);
    expect(warningsBesideSupport(plan)).toEqual([]);
    expect(plan.units.map((u) => [u.name, u.lifecycle, u.weight, u.routerWeight])).toEqual([
      ['blue-1-33-2hzkwq', 'serving', 90, 'record weight 90'],
      ['green-1-34-6wngbz', 'serving', 10, 'record weight 10'],
    ]);
    expect(Object.keys(stacks).sort()).toEqual([
      'shop-prod-euw1-shared', 'shop-prod-euw1-traffic',
      'shop-prod-euw1-unit-blue-1-33-2hzkwq', 'shop-prod-euw1-unit-green-1-34-6wngbz',
      'shop-prod-euw1-validate-blue-1-33-2hzkwq', 'shop-prod-euw1-validate-green-1-34-6wngbz',
    ]);
    expect(deps['shop-prod-euw1-traffic'].sort()).toEqual(['shop-prod-euw1-shared', 'shop-prod-euw1-unit-blue-1-33-2hzkwq', 'shop-prod-euw1-unit-green-1-34-6wngbz', 'shop-prod-euw1-validate-blue-1-33-2hzkwq', 'shop-prod-euw1-validate-green-1-34-6wngbz']);
    expect(stacks['shop-prod-euw1-traffic'].terraform.backend.s3).toMatchObject({ encrypt: true, use_lockfile: true, key: 'shop-prod-euw1/shop-prod-euw1-traffic.tfstate' });
    const files = RolloutPlan.write(app);
    expect(fs.readFileSync(files.markdown, 'utf8')).toContain('EKS cluster units behind Route 53');
  });

  test('eks-alb-retire: green serves everything behind the ALB, blue\'s stack is empty and waits for traffic', () => {
    const app = testApp();
    buildAlbRetire(app);
    const { stacks, deps } = synthAll(app);
    const [plan] = RolloutPlan.plansOf(app);
    expect(warningsBesideSupport(plan)).toEqual([]);
    expect(plan.drainSeconds).toBe(120);
    expect(stacks['api-prod-use1-unit-blue-1-33-enemux'].resource).toBeUndefined();
    expect(deps['api-prod-use1-unit-blue-1-33-enemux'].sort()).toEqual(['api-prod-use1-shared', 'api-prod-use1-traffic']);
    const rule: any = Object.values(stacks['api-prod-use1-traffic'].resource.aws_lb_listener_rule)[0];
    expect(rule.action[0].forward.target_group).toHaveLength(1);
    expect(rule.condition[0].host_header.values).toEqual(['api.example.com']);
    const cluster: any = Object.values(stacks['api-prod-use1-unit-green-1-34-lbypl4'].resource.aws_eks_cluster)[0];
    expect(cluster.vpc_config.public_access_cidrs).toEqual(['203.0.113.0/24']);
  });
});
