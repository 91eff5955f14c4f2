// Prints one plain closing line, "N passed, N failed" (", N skipped" when any), after jest's own summary,
// so CI logs end with a count any tool can read.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    // At exit, so it comes after jest's own summary.
    process.on('exit', () => process.stdout.write(`\ntests: ${line}\n`));
  }
}
module.exports = SummaryReporter;
