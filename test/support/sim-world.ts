import * as fs from 'fs';
import * as path from 'path';
import { openSimulator, SimContext, SimError, Simulator } from '../../rehearsal/world/simulator';
import { tempDir } from './temp';

/**
 * A fresh simulated world for each test of the file: `use` gets its file and the Simulator over it
 * before every test; the folder is removed after it.
 */
export function aWorldPerTest(prefix: string, use: (w: { file: string; sim: Simulator }) => void): void {
  let dir = '';
  beforeEach(() => {
    dir = tempDir(prefix);
    const file = path.join(dir, 'world.json');
    use({ file, sim: openSimulator(file) });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/** A provider call of an azurerm stack, as the engine makes it. */
export const azureContext = (stack: string): SimContext => ({ provider: 'azurerm', providerConfig: { subscription_id: '00000000-0000-0000-0000-000000000000' }, stack });

/** Provider calls of aws stacks in `region`, as the engine makes them. */
export const awsContext = (region: string) => (stack: string): SimContext => ({ provider: 'aws', providerConfig: { region, allowed_account_ids: ['123456789012'] }, stack });

/** The SimError `fn` throws; any other outcome fails the test. */
export function failure(fn: () => unknown): SimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimError) return e;
    throw e;
  }
  throw new Error('expected a SimError');
}
