import type { Server } from 'node:http';
import type { Knex } from 'knex';
import { createApp } from './app.js';
import { ConfigError, requireSessionSecret, type Config } from './config.js';
import { migrateLatest, pendingMigrations } from '../db/knex.js';
import { systemClock } from './time.js';
import { purgeExpiredSessions } from './auth/session-store.js';
import { warmUpDocumentRenderer } from './documents/layout.js';
import { DEFAULT_FALLBACK_FONT, fallbackFontName } from './documents/fonts.js';
import { sweepDeemedConsents } from './consultations/consultation-service.js';
import { scheduleWebhookDelivery } from './exchange/webhook-worker.js';
import type { AppContext } from './context.js';
import { refreshStaleDeadlines } from './cases/application-service.js';

/**
 * Art. 34: deemed consent is recorded without anyone clicking. Every instance sweeps on start and
 * every CONSULTATION_SWEEP_MINUTES (default 10); concurrent sweeps are safe (consultation-service).
 */
function scheduleDeemedConsents(ctx: AppContext): void {
  const minutes = Number(process.env.CONSULTATION_SWEEP_MINUTES ?? 10);
  if (!(minutes > 0)) return;
  // Issue 15: GET never writes, so the same schedule brings the cached due dates of stopped clocks
  // (open consultations, unpaid fees), which move every working day, up to date for list filters.
  const run = () => sweepDeemedConsents(ctx).then(
    (r) => r.deemed && console.log(`deemed consent recorded for ${r.deemed} consultation(s) (逾期视为同意)`),
    (e) => console.error('deemed-consent sweep failed:', e),
  ).then(() => refreshStaleDeadlines(ctx)).catch((e) => console.error('deadline refresh failed:', e));
  void run();
  setInterval(run, minutes * 60_000).unref();
}

/**
 * Migrates (MIGRATE_ON_START=1, the default), or — for a server whose database role may not change the
 * schema — only checks that the owner has migrated it to what this code expects.
 */
export async function prepareSchema(db: Knex, config: Pick<Config, 'migrateOnStart' | 'dataDir'>): Promise<void> {
  if (config.migrateOnStart) {
    await migrateLatest(db, { dataDir: config.dataDir });
    return;
  }
  const pending = await pendingMigrations(db);
  if (pending.length) {
    throw new ConfigError(
      `the database schema is older than this code (pending: ${pending.join(', ')}): run \`disclosure-desk migrate\` as the schema owner first ` +
        '(MIGRATE_ON_START=0: this process does not migrate) / 数据库结构未更新，请先以属主角色运行 disclosure-desk migrate',
    );
  }
}

/** Prepares the schema (prepareSchema), then listens on config.port. Resolves once listening. */
export async function serve(db: Knex, config: Config): Promise<Server> {
  requireSessionSecret(config);
  await prepareSchema(db, config);
  const ctx = { db, config, clock: systemClock };
  const app = createApp(ctx);
  await purgeExpiredSessions(db);
  scheduleDeemedConsents(ctx);
  // Issue 14: the webhook outbox, every WEBHOOK_DELIVERY_SECONDS (several instances share it safely).
  const stopWebhooks = scheduleWebhookDelivery(ctx);
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
    server.on('close', stopWebhooks);
  });
}
