// A simulated cloud/API failure. The engine turns it into an ERROR diagnostic; the store still
// writes the world (the failure is logged, counted faults are consumed) because it is marked keepWorld.

export class SimError extends Error {
  readonly keepWorld = true as const;
  constructor(readonly summary: string, readonly detail?: string) {
    super(detail ? `${summary}: ${detail}` : summary);
    this.name = 'SimError';
  }
}
