/**
 * The name prefix of a Job the library creates (`metadata.generate_name`): the API server appends 5
 * random characters, so every create is a new Job. A deploy cut off after the Job was created but
 * before Terraform recorded it leaves that Job behind, and the retry creates another one instead of
 * failing `AlreadyExists` on a fixed name. The prefix is kept within the 58 characters the server
 * uses of it (63 minus the suffix) and ends with "-".
 * @see https://registry.terraform.io/providers/hashicorp/kubernetes/2.38.0/docs/resources/job_v1#generate_name
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#generated-names
 */
export function jobNamePrefix(base: string): string {
  return `${base.slice(0, 57).replace(/[-.]+$/, '')}-`;
}
