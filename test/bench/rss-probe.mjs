// Preloaded into a benchmarked process (NODE_OPTIONS=--import) when the system has no GNU time: writes the
// process's peak RSS, in KB as `time -f %M` does, to the file RSS_PROBE_FILE names.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.RSS_PROBE_FILE) writeFileSync(process.env.RSS_PROBE_FILE, `${process.resourceUsage().maxRSS}\n`);
});
