// What the deploying identity must be allowed to do for each resource and data-source type the
// library synthesizes: the API calls the Terraform provider makes to create, read, update (tags too)
// and delete it, named as the cloud's authorization reference names them. One entry per type, with
// the reference it follows. test/least-privilege.test.ts checks docs/permissions/ against these.

const EKS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html';
const IAM = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html';
const KMS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html';
const LOGS = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html';
const EC2 = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html';
const ELB = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html';
const R53 = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html';
const GA = 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglobalaccelerator.html';
const AZ_CONTAINERS = 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/containers';
const AZ_NETWORKING = 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/networking';
const AZ_WEB = 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/web-and-mobile';
const AZ_MGMT = 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/management-and-governance';
const AZ_IDENTITY = 'https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/identity';

/** One type's actions and the document that names them. */
export interface TypeActions {
  readonly actions: string[];
  readonly source: string;
}

const crud = (prefix: string, ...kinds: string[]) => kinds.map((k) => `${prefix}/${k}`);

export const CLOUD_ACTIONS: { [type: string]: TypeActions } = {
  // AWS (IAM policy actions)
  aws_eks_cluster: { source: EKS, actions: ['eks:CreateCluster', 'eks:DescribeCluster', 'eks:DeleteCluster', 'eks:UpdateClusterConfig', 'eks:UpdateClusterVersion', 'eks:DescribeUpdate', 'eks:TagResource', 'eks:UntagResource', 'eks:ListTagsForResource', 'iam:PassRole', 'kms:DescribeKey', 'kms:CreateGrant'] },
  aws_eks_node_group: { source: EKS, actions: ['eks:CreateNodegroup', 'eks:DescribeNodegroup', 'eks:DeleteNodegroup', 'eks:UpdateNodegroupConfig', 'eks:UpdateNodegroupVersion', 'eks:DescribeUpdate', 'eks:TagResource', 'eks:UntagResource', 'iam:PassRole', 'ec2:DescribeLaunchTemplateVersions'] },
  aws_eks_addon: { source: EKS, actions: ['eks:CreateAddon', 'eks:DescribeAddon', 'eks:DeleteAddon', 'eks:UpdateAddon', 'eks:DescribeAddonVersions', 'eks:DescribeUpdate', 'eks:TagResource', 'eks:UntagResource'] },
  aws_eks_access_entry: { source: EKS, actions: ['eks:CreateAccessEntry', 'eks:DescribeAccessEntry', 'eks:UpdateAccessEntry', 'eks:DeleteAccessEntry', 'eks:TagResource', 'eks:UntagResource'] },
  aws_eks_access_policy_association: { source: EKS, actions: ['eks:AssociateAccessPolicy', 'eks:DisassociateAccessPolicy', 'eks:ListAssociatedAccessPolicies'] },
  'data.aws_eks_cluster': { source: EKS, actions: ['eks:DescribeCluster'] },
  // A token presigned locally (sts GetCallerIdentity): no call, no permission.
  'data.aws_eks_cluster_auth': { source: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html', actions: [] },
  aws_iam_role: { source: IAM, actions: ['iam:CreateRole', 'iam:GetRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole'] },
  aws_iam_role_policy: { source: IAM, actions: ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'] },
  aws_iam_role_policy_attachment: { source: IAM, actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:ListAttachedRolePolicies'] },
  'data.aws_iam_role': { source: IAM, actions: ['iam:GetRole'] },
  aws_kms_key: { source: KMS, actions: ['kms:CreateKey', 'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation', 'kms:UpdateKeyDescription', 'kms:ListResourceTags', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion'] },
  aws_cloudwatch_log_group: { source: LOGS, actions: ['logs:CreateLogGroup', 'logs:DescribeLogGroups', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:ListTagsForResource', 'logs:TagResource', 'logs:UntagResource'] },
  aws_launch_template: { source: EC2, actions: ['ec2:CreateLaunchTemplate', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions', 'ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate', 'ec2:DeleteLaunchTemplate', 'ec2:CreateTags', 'ec2:DeleteTags'] },
  aws_security_group: { source: EC2, actions: ['ec2:CreateSecurityGroup', 'ec2:DescribeSecurityGroups', 'ec2:DeleteSecurityGroup', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:CreateTags', 'ec2:DeleteTags'] },
  aws_lb: { source: ELB, actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'] },
  aws_lb_listener: { source: ELB, actions: ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'] },
  aws_lb_listener_rule: { source: ELB, actions: ['elasticloadbalancing:CreateRule', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:DeleteRule', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'] },
  aws_lb_target_group: { source: ELB, actions: ['elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'] },
  'data.aws_lb': { source: ELB, actions: ['elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:DescribeTags'] },
  'data.aws_lb_listener': { source: ELB, actions: ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeTags'] },
  'data.aws_lb_target_group': { source: ELB, actions: ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTags'] },
  aws_route53_health_check: { source: R53, actions: ['route53:CreateHealthCheck', 'route53:GetHealthCheck', 'route53:UpdateHealthCheck', 'route53:DeleteHealthCheck', 'route53:ChangeTagsForResource', 'route53:ListTagsForResource'] },
  aws_route53_record: { source: R53, actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:GetHostedZone', 'route53:GetChange'] },
  aws_globalaccelerator_accelerator: { source: GA, actions: ['globalaccelerator:CreateAccelerator', 'globalaccelerator:DescribeAccelerator', 'globalaccelerator:UpdateAccelerator', 'globalaccelerator:DeleteAccelerator', 'globalaccelerator:DescribeAcceleratorAttributes', 'globalaccelerator:UpdateAcceleratorAttributes', 'globalaccelerator:ListTagsForResource', 'globalaccelerator:TagResource', 'globalaccelerator:UntagResource'] },
  'data.aws_globalaccelerator_accelerator': { source: GA, actions: ['globalaccelerator:ListAccelerators', 'globalaccelerator:DescribeAccelerator', 'globalaccelerator:DescribeAcceleratorAttributes', 'globalaccelerator:ListTagsForResource'] },
  aws_globalaccelerator_listener: { source: GA, actions: ['globalaccelerator:CreateListener', 'globalaccelerator:DescribeListener', 'globalaccelerator:UpdateListener', 'globalaccelerator:DeleteListener'] },
  aws_globalaccelerator_endpoint_group: { source: GA, actions: ['globalaccelerator:CreateEndpointGroup', 'globalaccelerator:DescribeEndpointGroup', 'globalaccelerator:UpdateEndpointGroup', 'globalaccelerator:DeleteEndpointGroup'] },

  // Azure (role definition actions)
  azurerm_resource_group: { source: AZ_MGMT, actions: crud('Microsoft.Resources/subscriptions/resourceGroups', 'read', 'write', 'delete') },
  azurerm_kubernetes_cluster: { source: AZ_CONTAINERS, actions: [...crud('Microsoft.ContainerService/managedClusters', 'read', 'write', 'delete'), 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'] },
  azurerm_kubernetes_cluster_node_pool: { source: AZ_CONTAINERS, actions: crud('Microsoft.ContainerService/managedClusters/agentPools', 'read', 'write', 'delete') },
  'data.azurerm_kubernetes_cluster': { source: AZ_CONTAINERS, actions: ['Microsoft.ContainerService/managedClusters/read'] },
  'data.azurerm_kubernetes_service_versions': { source: AZ_CONTAINERS, actions: ['Microsoft.ContainerService/locations/kubernetesVersions/read'] },
  azurerm_public_ip: { source: AZ_NETWORKING, actions: crud('Microsoft.Network/publicIPAddresses', 'read', 'write', 'delete') },
  azurerm_role_assignment: { source: AZ_MGMT, actions: crud('Microsoft.Authorization/roleAssignments', 'read', 'write', 'delete') },
  azurerm_user_assigned_identity: { source: AZ_IDENTITY, actions: crud('Microsoft.ManagedIdentity/userAssignedIdentities', 'read', 'write', 'delete') },
  azurerm_federated_identity_credential: { source: AZ_IDENTITY, actions: crud('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', 'read', 'write', 'delete') },
  azurerm_cdn_frontdoor_profile: { source: AZ_WEB, actions: crud('Microsoft.Cdn/profiles', 'read', 'write', 'delete') },
  azurerm_cdn_frontdoor_endpoint: { source: AZ_WEB, actions: crud('Microsoft.Cdn/profiles/afdEndpoints', 'read', 'write', 'delete') },
  azurerm_cdn_frontdoor_origin_group: { source: AZ_WEB, actions: crud('Microsoft.Cdn/profiles/originGroups', 'read', 'write', 'delete') },
  azurerm_cdn_frontdoor_origin: { source: AZ_WEB, actions: crud('Microsoft.Cdn/profiles/originGroups/origins', 'read', 'write', 'delete') },
  azurerm_cdn_frontdoor_route: { source: AZ_WEB, actions: crud('Microsoft.Cdn/profiles/afdEndpoints/routes', 'read', 'write', 'delete') },
  'data.azurerm_cdn_frontdoor_profile': { source: AZ_WEB, actions: ['Microsoft.Cdn/profiles/read'] },
  'data.azurerm_cdn_frontdoor_endpoint': { source: AZ_WEB, actions: ['Microsoft.Cdn/profiles/afdEndpoints/read'] },
  azurerm_traffic_manager_profile: { source: AZ_NETWORKING, actions: crud('Microsoft.Network/trafficManagerProfiles', 'read', 'write', 'delete') },
  azurerm_traffic_manager_external_endpoint: { source: AZ_NETWORKING, actions: crud('Microsoft.Network/trafficManagerProfiles/externalEndpoints', 'read', 'write', 'delete') },
  'data.azurerm_traffic_manager_profile': { source: AZ_NETWORKING, actions: ['Microsoft.Network/trafficManagerProfiles/read'] },
};

/**
 * Actions a policy may hold beyond what its resources need, each with why. Nothing else is allowed.
 */
export const ALLOWANCE: { [action: string]: string } = {
  'Microsoft.Resources/subscriptions/providers/read': 'the azurerm provider lists the subscription\'s resource providers at start to check they are registered (registering them stays with a subscription owner)',
  'Microsoft.Resources/subscriptions/resourceGroups/read': 'the azurerm provider reads the resource group of every resource it manages',
};
