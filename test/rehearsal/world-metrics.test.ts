// The world's Prometheus-compatible query API (rehearsal/world/metrics.ts), driven through the
// `http` data source as the SLO gates read it.
import * as fs from 'fs';
import * as path from 'path';
import { injectFault } from '../../rehearsal/world/faults';
import { METRICS_HOST } from '../../rehearsal/world/metrics';
import { openSimulator, SimContext, Simulator } from '../../rehearsal/world/simulator';
import { SloGates } from '../../src/kubernetes/slo-gates';
import { MetricsSource } from '../../src/kubernetes/metrics-source';
import { tempDir } from '../support/temp';

const U = Symbol.for('rehearsal.unknown');
let dir: string;
let file: string;
let sim: Simulator;
beforeAll(() => {
  dir = tempDir('world-metrics-');
  file = path.join(dir, 'world.json');
  sim = openSimulator(file);
  // Two units of fleet "shop" (tagged as the library tags them); no router yet for green's share.
  sim.create({ provider: 'azurerm', providerConfig: {}, stack: 'shop-shared' }, 'azurerm_resource_group', { id: U, name: 'shop-rg', location: 'westeurope' });
  for (const unit of ['blue-1-33-aaaaaa', 'green-1-34-bbbbbb']) {
    sim.create({ provider: 'azurerm', providerConfig: {}, stack: `shop-unit-${unit}` }, 'azurerm_public_ip', {
      id: U, name: `shop-${unit}`, location: 'westeurope', resource_group_name: 'shop-rg', allocation_method: 'Static', domain_name_label: `shop-${unit}`, tags: { 'bluegreen-fleet': 'shop', 'bluegreen-unit': unit },
    });
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const http: SimContext = { provider: 'http', providerConfig: {}, stack: 'shop-validate-green-1-34-bbbbbb' };
const source = MetricsSource.prometheus({ url: `http://${METRICS_HOST}:9090` });
const read = (query: string) => {
  const r = sim.readData(http, 'http', { url: `http://${METRICS_HOST}:9090/api/v1/query?query=${encodeURIComponent(query)}`, method: 'GET' });
  return { status: r.status_code, body: JSON.parse(String(r.response_body)) };
};

test('each ready-made gate\'s query is answered as an instant vector for the unit in its selector; a scripted series wins', () => {
  const q = (gate: string, _unit?: string) => SloGates.all({ source }).find((g) => g.checkName === gate)! as unknown as { queryFor(f: string, u: string, s: string): string };
  const value = (gate: string, unit: string) => read(q(gate, unit).queryFor('shop', unit, unit.split('-')[0])).body.data.result[0]?.value[1];
  expect(read(q('slo-api-availability', 'blue-1-33-aaaaaa').queryFor('shop', 'blue-1-33-aaaaaa', 'blue')).body).toMatchObject({ status: 'success', data: { resultType: 'vector', result: [{ value: [expect.any(Number), '0.9998'] }] } });
  expect(value('slo-node-readiness', 'green-1-34-bbbbbb')).toBe('1');
  expect(value('slo-pod-evictions', 'green-1-34-bbbbbb')).toBe('0');
  // No router gives green a share yet: request signals are 0/0.
  expect(value('slo-latency-p95', 'green-1-34-bbbbbb')).toBe('NaN');
  injectFault(file, { kind: 'metric-value', unit: 'green', metric: 'api-availability', value: 0.95 });
  expect(value('slo-api-availability', 'green-1-34-bbbbbb')).toBe('0.95');
  // A unit the world does not know has no series; an unknown query is a 400 with status error.
  expect(read('up{bluegreen_unit="purple-1-34-cccccc"}').status).toBe(400);
  expect(value('slo-node-readiness', 'purple-1-34-cccccc')).toBeUndefined();
});
