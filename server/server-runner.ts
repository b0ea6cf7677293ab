import type { Server } from 'node:http';
import type { Knex } from 'knex';
import { createApp } from './app.js';
import { requireSessionSecret, type Config } from './config.js';
import { migrateLatest } from '../db/knex.js';
import { systemClock } from './time.js';
import { purgeExpiredSessions } from './auth/session-store.js';
import { warmUpDocumentRenderer } from './documents/layout.js';

/** Migrates, then listens on config.port. Resolves once listening. */
export async function serve(db: Knex, config: Config): Promise<Server> {
  requireSessionSecret(config);
  await migrateLatest(db);
  const app = createApp({ db, config, clock: systemClock });
  await purgeExpiredSessions(db);
  // Fonts parsed once before the first request, not inside the first issuing transaction.
  await warmUpDocumentRenderer();
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, () => resolve(server));
    server.on('error', reject);
  });
}
