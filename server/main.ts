// Reads config, migrates, listens: the same as `disclosure-desk serve` (see cli.ts).
import { main } from './cli.js';

main(['serve', ...process.argv.slice(2)]).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
