import { TerraformStack } from 'cdktf';
import { EksAccess, EksAmiType, EksCapacityType, EksClusterUnit, EksSupportType, EksTaintEffect, EksTokenSource } from '../../src';
import { resourcesOf, stackJson, testApp } from '../support/synth';
import { eksSpec } from './eks-fixtures';

describe('EksClusterUnit on its own', () => {
  test('without origin or validation principal it builds only the cluster, its roles, key, add-ons and node groups', () => {
    const stack = new TerraformStack(testApp(), 'unit');
    new EksClusterUnit(stack, 'unit', { fleet: 'shop', unitName: 'blue-1-33-abcdef', kubernetesVersion: '1.33.4', spec: eksSpec() });
    const types = new Set(resourcesOf(stackJson(stack)).map(([t]) => t));
    expect([...types].sort()).toEqual([
      'aws_cloudwatch_log_group', 'aws_eks_addon', 'aws_eks_cluster', 'aws_eks_node_group', 'aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy_attachment', 'aws_kms_key', 'aws_launch_template',
    ]);
    const cluster: any = Object.values(stackJson(stack).resource.aws_eks_cluster)[0];
    // EKS takes the minor only.
    expect(cluster.version).toBe('1.33');
    expect(cluster.name).toBe('shop-blue-1-33-abcdef');
  });

  test('spec options reach the resources: public CIDRs, extended support, hop limit 2, ARM Bottlerocket spot nodes, taints, add-on override', () => {
    const stack = new TerraformStack(testApp(), 'unit');
    new EksClusterUnit(stack, 'unit', {
      fleet: 'shop', unitName: 'blue-1-34-abcdef', kubernetesVersion: '1.34', validationPrincipalArn: 'arn:aws:iam::123456789012:role/ci', validationAccessPolicy: 'AmazonEKSViewPolicy',
      spec: eksSpec({
        endpointAccess: { publicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
        supportType: EksSupportType.EXTENDED,
        imdsHopLimit: 2,
        additionalLogTypes: ['scheduler'],
        addonVersions: { coredns: 'v1.12.4-eksbuild.1' },
        nodeGroups: [{ name: 'arm', instanceTypes: ['c7g.large', 'm7g.large'], amiType: EksAmiType.BOTTLEROCKET_ARM_64, capacityType: EksCapacityType.SPOT, minSize: 1, maxSize: 4, desiredSize: 2, taints: [{ key: 'dedicated', value: 'batch', effect: EksTaintEffect.NO_SCHEDULE }] }],
      }),
    });
    const r = stackJson(stack).resource;
    const cluster: any = Object.values(r.aws_eks_cluster)[0];
    expect(cluster.vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] });
    expect(cluster.upgrade_policy.support_type).toBe('EXTENDED');
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'scheduler']);
    expect((Object.values(r.aws_launch_template)[0] as any).metadata_options.http_put_response_hop_limit).toBe(2);
    const ng: any = Object.values(r.aws_eks_node_group)[0];
    expect(ng).toMatchObject({ ami_type: 'BOTTLEROCKET_ARM_64', capacity_type: 'SPOT', scaling_config: { min_size: 1, max_size: 4, desired_size: 2 }, taint: [{ key: 'dedicated', value: 'batch', effect: 'NO_SCHEDULE' }] });
    expect(Object.values<any>(r.aws_eks_addon).find((a) => a.addon_name === 'coredns').addon_version).toBe('v1.12.4-eksbuild.1');
    expect((Object.values(r.aws_eks_access_policy_association)[0] as any).policy_arn).toBe('arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy');
  });
});

describe('EksAccess', () => {
  test('with the AWS CLI token source, the provider runs aws eks get-token and reads no auth data source', () => {
    const stack = new TerraformStack(testApp(), 'validate');
    new EksAccess({ tokenSource: EksTokenSource.AWS_CLI }).bind(stack, { clusterName: 'shop-blue-1-34-abcdef', location: 'eu-west-1' });
    const json = stackJson(stack);
    expect(json.data.aws_eks_cluster_auth).toBeUndefined();
    expect(json.provider.kubernetes[0].exec).toEqual([{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'shop-blue-1-34-abcdef', '--region', 'eu-west-1', '--output', 'json'] }]);
    expect(json.provider.kubernetes[0].token).toBeUndefined();
  });
});
