import type { Server } from 'node:http';
import type { Knex } from 'knex';
import { createApp } from './app.js';
import { requireSessionSecret, type Config } from './config.js';
import { migrateLatest } from '../db/knex.js';
import { systemClock } from './time.js';
import { purgeExpiredSessions } from './auth/session-store.js';
import { warmUpDocumentRenderer } from './documents/layout.js';
import { DEFAULT_FALLBACK_FONT, fallbackFontName } from './documents/fonts.js';
import { sweepDeemedConsents } from './consultations/consultation-service.js';
import type { AppContext } from './context.js';

/**
 * Art. 34: deemed consent is recorded without anyone clicking. Every instance sweeps on start and
 * every CONSULTATION_SWEEP_MINUTES (default 10); concurrent sweeps are safe (consultation-service).
 */
function scheduleDeemedConsents(ctx: AppContext): void {
  const minutes = Number(process.env.CONSULTATION_SWEEP_MINUTES ?? 10);
  if (!(minutes > 0)) return;
  const run = () => sweepDeemedConsents(ctx).then(
    (r) => r.deemed && console.log(`deemed consent recorded for ${r.deemed} consultation(s) (逾期视为同意)`),
    (e) => console.error('deemed-consent sweep failed:', e),
  );
  void run();
  setInterval(run, minutes * 60_000).unref();
}

/** Migrates, then listens on config.port. Resolves once listening. */
export async function serve(db: Knex, config: Config): Promise<Server> {
  requireSessionSecret(config);
  await migrateLatest(db, { dataDir: config.dataDir });
  const ctx = { db, config, clock: systemClock };
  const app = createApp(ctx);
  await purgeExpiredSessions(db);
  scheduleDeemedConsents(ctx);
  // Fonts parsed once before the first request, not inside the first issuing transaction.
  await warmUpDocumentRenderer();
  if (!fallbackFontName()) {
    // Finding 15: the desk runs without it; documents needing it are refused, naming the characters.
    const wanted = process.env.DOCUMENT_FALLBACK_FONT ?? DEFAULT_FALLBACK_FONT;
    console.warn(
      `document fallback font ${wanted ? `not found or not readable (${wanted})` : 'turned off (DOCUMENT_FALLBACK_FONT=)'}: ` +
        'rare characters of CJK Extensions B–F cannot be printed and documents containing them will be refused — apt-get install fonts-hanazono',
    );
  }
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, config.host, () => resolve(server));
    server.on('error', reject);
  });
}
