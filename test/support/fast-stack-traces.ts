// cdktf records a full stack trace for every token it creates (only shown when synth fails). Under
// jest each of those traces went through source-map-support, and formatting them cost synth-heavy
// tests about half their time. Real errors are mapped as before; cdktf's bookkeeping objects get no
// trace at all (a token's "created at" is then empty in a failing test's message). Set
// BLUEGREEN_TOKEN_TRACES=1 to get plain V8 frames for them while debugging such a failure.
const mapped = Error.prepareStackTrace;
if (mapped) {
  const tokenTraces = process.env.BLUEGREEN_TOKEN_TRACES === '1';
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    error instanceof Error ? mapped(error, frames) : tokenTraces ? `${String(error)}\n${frames.map((f) => `    at ${f}`).join('\n')}` : '';
}
