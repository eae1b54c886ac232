// Preloaded (node --require) into a strata process by the load test: prints the process's peak
// resident set size on stderr as it exits, so the test can report it without a `time` binary.
process.on('exit', () => {
  process.stderr.write(`strata-max-rss-kb ${process.resourceUsage().maxRSS}\n`)
})
