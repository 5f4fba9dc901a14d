/**
 * FAULTS_PLANT=r7-leak: preloaded into R7's API process, keeps 1 MB more every second (never freed), so that the
 * RSS gate is shown to fail at its own number. Never loaded otherwise.
 */
const kept = [];
setInterval(() => kept.push(Buffer.alloc(1 << 20, kept.length % 251)), 1000).unref();
