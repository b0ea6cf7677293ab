import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PRIVATE_DIR, PRIVATE_FILE, secureDataDir } from './data-dir.js';
import { LOG_LEVELS, type LogLevel } from './log.js';

export interface Config {
  databaseUrl: string;
  port: number;
  /** Interface to listen on (HOST); loopback by default, behind a reverse proxy on the same machine. */
  host: string;
  /**
   * Express `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For is believed for the client's
   * address (login throttling and the audit log depend on it). Default loopback; `false` trusts none;
   * a hop count, or addresses/subnets separated by commas.
   */
  trustProxy: boolean | number | string;
  dataDir: string;
  sessionSecret: string;
  production: boolean;
  /** bcrypt cost; lower only in tests. */
  bcryptRounds: number;
  /**
   * Passphrase of the agencies' PKCS#12 signing keys (KEY_PASSPHRASE; one agency's own with
   * KEY_PASSPHRASE_<CODE>, the code upper-cased with '-' as '_'). Never stored in the database.
   * Outside production a generated one is kept in DATA_DIR.
   */
  keyPassphrase: string;
  agencyKeyPassphrases: Record<string, string>;
  /**
   * Art. 35: applications by one applicant in one calendar month (across agencies) above which the
   * volume is flagged as clearly beyond a reasonable range (EXCESSIVE_MONTHLY_THRESHOLD, default 10:
   * the fee rules, 国办函〔2020〕109号, leave 1–10 a month free and charge from the 11th).
   */
  excessiveMonthlyThreshold: number;
  /**
   * Whether `serve` and the other commands bring the schema to the latest first (MIGRATE_ON_START,
   * default 1). 0 when the server runs under a database role that may not change the schema (nor
   * rewrite the history tables): the owner runs `disclosure-desk migrate`, and the server refuses to
   * start on a schema older than its code.
   */
  migrateOnStart: boolean;
  /** Webhooks of the data exchange (issue 14): how the outbox is delivered. */
  webhooks: WebhookSettings;
  /**
   * RFC 3161 time-stamp authority (TSA_URL; TSA_TIMEOUT_SECONDS, default 10): when set, every
   * signature carries its time-stamp (PAdES B-T), so it stays verifiable after the certificate expires.
   */
  tsa: { url: string; timeoutMs: number } | null;
  /** LOG_LEVEL (default info): fatal | error | warn | info | debug | trace | silent. */
  logLevel: LogLevel;
  /** LOG_SYNC=1: each log line written before the request goes on (default: written in the background, flushed at exit). */
  logSync: boolean;
  /** Prometheus metrics at /metrics (issue 15). */
  metrics: MetricsSettings;
  /**
   * Issue 16: mail to applicants (SMTP_URL, e.g. smtp://user:pass@mail.example.gov.cn:587; MAIL_FROM,
   * the sender address; PUBLIC_BASE_URL, the address applicants reach the desk at, for links in mail).
   * Without SMTP_URL the online application is closed (it needs the email code). MAIL_RETRY_SECONDS
   * (default 60; 0: never): how often each instance sends the mail that is due again after a failure.
   */
  mail: { smtpUrl: string | null; from: string; publicBaseUrl: string; retrySeconds?: number };
  /**
   * Issue 15: worker threads that render and sign documents (PDF_WORKERS; default min(2, CPUs − 1);
   * 0 renders in the main thread).
   */
  pdfWorkers: number;
}

export interface MetricsSettings {
  /** METRICS=1 serves /metrics; off by default. */
  enabled: boolean;
  /** METRICS_TOKEN: when set, /metrics asks for `Authorization: Bearer <token>` (401 without it). */
  token: string;
}

export interface WebhookSettings {
  /**
   * WEBHOOK_ALLOW_PRIVATE=1: webhook URLs may point at loopback and private addresses (tests, a
   * development receiver on the same machine). Off by default: a client could otherwise make the desk
   * post into the agency's internal network or the cloud's metadata service (SSRF).
   */
  allowPrivate: boolean;
  /** WEBHOOK_DELIVERY_SECONDS (default 10): how often each server instance delivers due webhooks; 0 turns it off. */
  intervalSeconds: number;
  /** WEBHOOK_TIMEOUT_SECONDS (default 10): a receiver slower than this counts as a failed attempt. */
  timeoutMs: number;
  /** WEBHOOK_MAX_ATTEMPTS (default 10): after this many failed attempts a delivery is marked failed. */
  maxAttempts: number;
  /** WEBHOOK_RETRY_BASE_SECONDS (default 30): the wait after the first failure; it doubles after each (at most 6 hours). */
  retryBaseSeconds: number;
}
export const passphraseEnvName = (agencyCode: string) => `KEY_PASSPHRASE_${agencyCode.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

export function keyPassphraseFor(config: Config, agencyCode: string): string {
  return config.agencyKeyPassphrases[passphraseEnvName(agencyCode)] ?? config.keyPassphrase;
}

export class ConfigError extends Error {}

/** The default number of render workers: one CPU is the main thread's (render-pool.ts). */
export function defaultRenderWorkers(): number {
  return Math.max(0, Math.min(2, availableParallelism() - 1));
}

/** Reads the environment. Nothing else is needed to run (issue 2). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${resolve(dataDir, 'disclosure-desk.sqlite')}`;
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT 无效：${env.PORT}`);
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new ConfigError(`HOST 无效：${env.HOST}`);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  // Hardening finding 16: the database, secrets and signing keys in it are the desk's alone.
  secureDataDir(dataDir);
  let sessionSecret = env.SESSION_SECRET ?? '';
  // In production the server refuses to start without it (requireSessionSecret); other commands
  // (migrate, user add) do not need it.
  if (!sessionSecret && !production) sessionSecret = developmentSecret(dataDir, '.session-secret');
  const keyPassphrase = env.KEY_PASSPHRASE || (production ? '' : developmentSecret(dataDir, '.key-passphrase'));
  const agencyKeyPassphrases = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('KEY_PASSPHRASE_') && typeof e[1] === 'string' && e[1] !== ''),
  );
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres:// (got ${databaseUrl.split(':')[0]}:…)`);
  }
  const bcryptRounds = env.BCRYPT_ROUNDS ? Number(env.BCRYPT_ROUNDS) : 11;
  const excessiveMonthlyThreshold = env.EXCESSIVE_MONTHLY_THRESHOLD ? Number(env.EXCESSIVE_MONTHLY_THRESHOLD) : 10;
  if (!Number.isInteger(excessiveMonthlyThreshold) || excessiveMonthlyThreshold < 1) {
    throw new ConfigError(`EXCESSIVE_MONTHLY_THRESHOLD 应为正整数：${env.EXCESSIVE_MONTHLY_THRESHOLD}`);
  }
  const migrateOnStart = !['0', 'false', 'no', 'off'].includes((env.MIGRATE_ON_START ?? '1').trim().toLowerCase());
  const webhooks = loadWebhookSettings(env);
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL 应为 ${LOG_LEVELS.join('、')} 之一：${env.LOG_LEVEL}`);
  const logSync = ['1', 'true', 'yes'].includes(env.LOG_SYNC?.trim().toLowerCase() ?? '');
  const metricsToken = env.METRICS_TOKEN?.trim() ?? '';
  if (metricsToken && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN 至少 16 个字符');
  const tsa = loadTsa(env);
  const metrics = { enabled: ['1', 'true', 'yes', 'on'].includes((env.METRICS ?? '').trim().toLowerCase()), token: metricsToken };
  const mail = {
    smtpUrl: env.SMTP_URL?.trim() || null,
    from: env.MAIL_FROM?.trim() || 'noreply@localhost',
    publicBaseUrl: (env.PUBLIC_BASE_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, ''),
    retrySeconds: numberSetting(env, 'MAIL_RETRY_SECONDS', 60, 0, 86_400),
  };
  const pdfWorkers = env.PDF_WORKERS?.trim() ? Number(env.PDF_WORKERS) : defaultRenderWorkers();
  if (!Number.isInteger(pdfWorkers) || pdfWorkers < 0 || pdfWorkers > 64) throw new ConfigError(`PDF_WORKERS 应为 0 到 64 的整数：${env.PDF_WORKERS}`);
  return { databaseUrl, port, host, trustProxy, dataDir, sessionSecret, production, bcryptRounds, keyPassphrase, agencyKeyPassphrases, excessiveMonthlyThreshold, migrateOnStart, webhooks, tsa, logLevel, logSync, metrics, mail, pdfWorkers };
}

function loadTsa(env: NodeJS.ProcessEnv): Config['tsa'] {
  const url = env.TSA_URL?.trim();
  if (!url) return null;
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new ConfigError(`TSA_URL 应为 http(s) 地址：${url}`);
  const seconds = env.TSA_TIMEOUT_SECONDS?.trim() ? Number(env.TSA_TIMEOUT_SECONDS) : 10;
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) throw new ConfigError(`TSA_TIMEOUT_SECONDS 应为 1 到 120 之间的数：${env.TSA_TIMEOUT_SECONDS}`);
  return { url, timeoutMs: seconds * 1000 };
}

function numberSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(`${name} 应为 ${min} 到 ${max} 之间的数：${raw}`);
  return n;
}

function loadWebhookSettings(env: NodeJS.ProcessEnv): WebhookSettings {
  const number = (name: string, fallback: number, min: number, max: number) => numberSetting(env, name, fallback, min, max);
  return {
    allowPrivate: ['1', 'true', 'yes', 'on'].includes((env.WEBHOOK_ALLOW_PRIVATE ?? '').trim().toLowerCase()),
    intervalSeconds: number('WEBHOOK_DELIVERY_SECONDS', 10, 0, 86_400),
    timeoutMs: number('WEBHOOK_TIMEOUT_SECONDS', 10, 1, 120) * 1000,
    maxAttempts: Math.floor(number('WEBHOOK_MAX_ATTEMPTS', 10, 1, 50)),
    retryBaseSeconds: number('WEBHOOK_RETRY_BASE_SECONDS', 30, 1, 86_400),
  };
}

function parseTrustProxy(v: string | undefined): boolean | number | string {
  const s = v?.trim();
  if (!s) return 'loopback';
  if (s === 'false' || s === '0') return false;
  if (s === 'true') return true;
  if (/^\d+$/.test(s)) return Number(s);
  const parts = s.split(',').map((p) => p.trim()).filter(Boolean);
  const ok = parts.every((p) => ['loopback', 'linklocal', 'uniquelocal'].includes(p) || /^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(p));
  if (!ok) throw new ConfigError(`TRUST_PROXY 无效：${v}（应为 false、跳数、或以逗号分隔的地址/网段，如 loopback,10.0.0.0/8）`);
  return parts.join(',');
}

/** Called before serving: without a shared secret, sessions cannot work across instances. */
export function requireSessionSecret(config: Config): void {
  if (!config.sessionSecret) {
    throw new ConfigError(
      'SESSION_SECRET is required when NODE_ENV=production (set it to a long random string, the same on every instance). ' +
        '生产环境必须设置 SESSION_SECRET。',
    );
  }
  if (config.sessionSecret.length < 32) {
    throw new ConfigError('SESSION_SECRET must be at least 32 characters long (SESSION_SECRET 至少 32 个字符)。');
  }
}

/**
 * Outside production a secret is made once and kept in DATA_DIR, so restarting the development
 * server does not log everyone out (nor lose the demo keys' passphrase). Production must set SESSION_SECRET (shared by all instances).
 */
function developmentSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // not made yet
  }
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
  writeFileSync(file, secret + '\n', { mode: PRIVATE_FILE });
  return secret;
}
