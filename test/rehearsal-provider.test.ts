// The rehearsal's simulated providers (rehearsal/provider): schemas derived from the bindings,
// and the real Terraform refusing an argument the real schema does not have.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installProviders, importedTypes } from '../rehearsal/provider/install';
import { buildSchemas, deriveTypeSchema, SchemaError } from '../rehearsal/provider/schema';
import { REFUSAL } from '../rehearsal/provider/refusal';
import { tempDir } from './support/temp';

describe('schemas derived from @cdktf/provider-* bindings', () => {
  test('azurerm_resource_group: required, optional+computed, map and single-nested timeouts', () => {
    const { block } = deriveTypeSchema('azurerm_resource_group', 'resource');
    const attr = (n: string) => block.attributes.find((a) => a.name === n);
    expect(attr('name')).toMatchObject({ type: 'string', required: true, optional: false, computed: false });
    expect(attr('location')).toMatchObject({ required: true });
    expect(attr('id')).toMatchObject({ optional: true, computed: true });
    expect(attr('tags')).toMatchObject({ type: ['map', 'string'], optional: true });
    expect(attr('bogus_argument')).toBeUndefined();
    expect(block.blocks.map((b) => [b.name, b.nesting])).toEqual([['timeouts', 'single']]);
  });

  test('aws_eks_cluster: a required one-item block, computed nested lists from OutputReference getters', () => {
    const { block } = deriveTypeSchema('aws_eks_cluster', 'resource');
    expect(block.blocks.find((b) => b.name === 'vpc_config')).toMatchObject({ nesting: 'list', minItems: 1, maxItems: 1 });
    expect(block.attributes.find((a) => a.name === 'certificate_authority')).toMatchObject({
      type: ['list', ['object', { data: 'string' }]], computed: true, optional: false,
    });
    expect(block.attributes.find((a) => a.name === 'enabled_cluster_log_types')?.type).toEqual(['set', 'string']);
  });

  test('every type the library imports is derivable; an unknown type fails loudly', () => {
    const types = importedTypes();
    const schemas = buildSchemas(types);
    expect(schemas.azurerm.version).toBe('4.55.0');
    expect(Object.keys(schemas.aws.resources)).toContain('aws_globalaccelerator_endpoint_group');
    expect(() => deriveTypeSchema('time_no_such_thing', 'resource')).toThrow(SchemaError);
  });
});

describe('terraform against the simulated azurerm provider', () => {
  test('refuses an argument the real schema does not have, accepts the resource without it', () => {
    const inst = installProviders({ only: { resources: ['azurerm_resource_group'], dataSources: [] } });
    try {
      const dir = tempDir('rehearsal-refusal-');
      const env = { ...inst.env(path.join(dir, 'world.json')), NO_COLOR: '1' };
      const tf = (args: string[]) => spawnSync('terraform', [...args, '-no-color'], { cwd: dir, env, encoding: 'utf8' });
      const body = (extra: string) => `terraform {\n  required_providers {\n    azurerm = { source = "hashicorp/azurerm", version = "4.55.0" }\n  }\n}\nprovider "azurerm" {\n  features {}\n}\nresource "azurerm_resource_group" "rg" {\n  name     = "rg"\n  location = "westeurope"\n${extra}}\n`;
      fs.writeFileSync(path.join(dir, 'main.tf'), body('  bogus_argument = 1\n'));
      expect(tf(['init', '-backend=false', '-input=false']).status).toBe(0);
      const refused = tf(['validate']);
      expect(refused.status).toBe(1);
      expect(`${refused.stdout}${refused.stderr}`).toMatch(REFUSAL);
      fs.writeFileSync(path.join(dir, 'main.tf'), body(''));
      expect(tf(['validate']).status).toBe(0);
      fs.rmSync(dir, { recursive: true, force: true });
    } finally {
      inst.stop();
      fs.rmSync(inst.dir, { recursive: true, force: true });
    }
  });
});
