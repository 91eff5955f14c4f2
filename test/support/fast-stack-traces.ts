// cdktf records a full stack trace for every token it creates (only shown when synth fails).
// Under jest each of those traces goes through source-map-support, which made synth-heavy tests
// ~2x slower. Map real errors as before; give cdktf's bookkeeping objects plain V8 frames.
const mapped = Error.prepareStackTrace;
if (mapped) {
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    error instanceof Error ? mapped(error, frames) : `${String(error)}\n${frames.map((f) => `    at ${f}`).join('\n')}`;
}
