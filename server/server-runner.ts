import type { Server, ServerResponse } from 'node:http';
import type { Knex } from 'knex';
import { createApp } from './app.js';
import { ConfigError, requireSessionSecret, type Config } from './config.js';
import { migrateLatest, pendingMigrations } from '../db/knex.js';
import { systemClock } from './time.js';
import { purgeExpiredSessions } from './auth/session-store.js';
import { warmUpDocumentRenderer } from './documents/layout.js';
import { moveKeyFilesIntoDatabase } from './documents/agency-keys.js';
import { DEFAULT_FALLBACK_FONT, fallbackFontName } from './documents/fonts.js';
import { sweepDeemedConsents } from './consultations/consultation-service.js';
import { scheduleWebhookDelivery } from './exchange/webhook-worker.js';
import { scheduleMailRetry } from './public/public-mail.js';
import type { AppContext } from './context.js';
import { refreshStaleDeadlines } from './cases/application-service.js';
import { createLogger, loggerOf, type Logger } from './log.js';
import { settleExportJobs } from './reports/export-jobs.js';
import { schedule } from './schedule.js';

/**
 * Art. 34: deemed consent is recorded without anyone clicking. Every instance sweeps on start and
 * every CONSULTATION_SWEEP_MINUTES (default 10); concurrent sweeps are safe (consultation-service).
 * Returns the way to stop it, resolving once a sweep under way has finished.
 */
function scheduleDeemedConsents(ctx: AppContext): () => Promise<void> {
  const minutes = Number(process.env.CONSULTATION_SWEEP_MINUTES ?? 10);
  // Issue 15: GET never writes, so the same schedule brings the cached due dates of stopped clocks
  // (open consultations, unpaid fees), which move every working day, up to date for list filters.
  const log = loggerOf(ctx);
  return schedule(ctx, 'deadline-refresh', minutes * 60, 'deadline refresh failed', async () => {
    try {
      const r = await sweepDeemedConsents(ctx);
      if (r.deemed) log.info({ job: 'deemed-consent', ...r }, `deemed consent recorded for ${r.deemed} consultation(s) (逾期视为同意)`);
    } catch (e) {
      log.error({ job: 'deemed-consent', err: e }, 'deemed-consent sweep failed');
    }
    await refreshStaleDeadlines(ctx);
  });
}

/** A listening desk, with the way to stop it gracefully. */
export interface DeskServer extends Server {
  /**
   * Graceful shutdown (SIGTERM): stops accepting connections and the schedules (deemed consent,
   * webhook delivery, mail retry), lets the requests, the schedules' runs and the export jobs under way finish
   * (at most `timeoutMs`, SHUTDOWN_TIMEOUT_SECONDS, default 25 s: then open connections are cut), then
   * closes the database pool. Resolves when all of it is done; calling it again returns the same promise.
   */
  shutdown(timeoutMs?: number): Promise<void>;
}

export const shutdownTimeoutMs = (env: NodeJS.ProcessEnv = process.env): number => {
  const s = Number(env.SHUTDOWN_TIMEOUT_SECONDS ?? 25);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 25_000;
};

/**
 * Migrates (MIGRATE_ON_START=1, the default), or — for a server whose database role may not change the
 * schema — only checks that the owner has migrated it to what this code expects.
 */
export async function prepareSchema(db: Knex, config: Config): Promise<void> {
  await schemaToLatest(db, config);
  // Issue 15: key files of older versions move into the database (they need the passphrase to be read).
  await moveKeyFilesIntoDatabase(db, config);
}

async function schemaToLatest(db: Knex, config: Config): Promise<void> {
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

/**
 * Prepares the schema (prepareSchema), then listens on config.port and config.host. Resolves once
 * listening. `logger`: where its lines go (default stdout at LOG_LEVEL).
 */
export async function serve(db: Knex, config: Config, opts: { logger?: Logger } = {}): Promise<DeskServer> {
  requireSessionSecret(config);
  await prepareSchema(db, config);
  const ctx: AppContext = { db, config, clock: systemClock, logger: opts.logger ?? createLogger(config.logLevel, undefined, { sync: config.logSync }) };
  const log = loggerOf(ctx);
  const app = createApp(ctx);
  await purgeExpiredSessions(db);
  const stopSweeps = scheduleDeemedConsents(ctx);
  // Issue 14: the webhook outbox, every WEBHOOK_DELIVERY_SECONDS (several instances share it safely).
  const stopWebhooks = scheduleWebhookDelivery(ctx);
  // Issue 16: mail to applicants that failed is sent again when due, every MAIL_RETRY_SECONDS.
  const stopMail = scheduleMailRetry(ctx);
  // Fonts parsed once before the first request, not inside the first issuing transaction.
  await warmUpDocumentRenderer();
  if (!fallbackFontName()) {
    // Finding 15: the desk runs without it; documents needing it are refused, naming the characters.
    const wanted = process.env.DOCUMENT_FALLBACK_FONT ?? DEFAULT_FALLBACK_FONT;
    log.warn(
      `document fallback font ${wanted ? `not found or not readable (${wanted})` : 'turned off (DOCUMENT_FALLBACK_FONT=)'}: ` +
        'rare characters of CJK Extensions B–F cannot be printed and documents containing them will be refused — apt-get install fonts-hanazono',
    );
  }
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.on('error', reject);
    s.on('close', () => {
      void stopWebhooks();
      void stopMail();
    });
  });
  let closing: Promise<void> | null = null;
  // Answers given while shutting down close their connection: a keep-alive client reconnects elsewhere.
  const underWay = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) return void (res.headersSent || res.setHeader('Connection', 'close'));
    underWay.add(res);
    res.once('close', () => underWay.delete(res));
  });
  const shutdown = (timeoutMs = shutdownTimeoutMs()) => {
    closing ??= (async () => {
      const started = Date.now();
      log.info({ timeoutMs, requests: underWay.size }, 'shutting down: no new connections; finishing the requests and jobs under way');
      for (const res of underWay) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() waits for open connections: idle keep-alive ones are closed at once, busy ones when their answer is sent.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const cut = setTimeout(() => {
        log.warn('shutdown timeout: cutting the connections still open');
        server.closeAllConnections();
      }, timeoutMs);
      let overdue: NodeJS.Timeout | undefined;
      try {
        const finished = Promise.all([closed, stopSweeps(), stopWebhooks(), stopMail(), settleExportJobs(ctx)]).then(() => true);
        // A job still running after the timeout is left to its heartbeat: it shows as failed, to be started again.
        const late = new Promise<false>((resolve) => (overdue = setTimeout(() => resolve(false), timeoutMs + 1000)));
        if (!(await Promise.race([finished, late]))) log.warn('shutdown timeout: jobs still running are abandoned (an export shows as failed and can be started again)');
      } finally {
        clearTimeout(overdue);
        clearInterval(idle);
        clearTimeout(cut);
      }
      await db.destroy();
      log.info({ ms: Date.now() - started }, 'stopped: requests finished, schedules stopped, database closed');
    })();
    return closing;
  };
  return Object.assign(server, { shutdown });
}
