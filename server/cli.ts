#!/usr/bin/env -S node --max-semi-space-size=16
// The admin command line (exact; other tools depend on it — issue 2):
//   disclosure-desk migrate | serve | agency add … | agency cert … | user add … --password-stdin | demo | calendar … | client … | webhooks deliver | backup | restore | audit verify
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Knex } from 'knex';
import { loadConfig, ConfigError, requireSessionSecret, type Config } from './config.js';
import { createDb, migrateLatest } from '../db/knex.js';
import { DomainError } from './errors.js';
import { addAgency, addUser } from './admin/admin-service.js';
import { prepareSchema, serve } from './server-runner.js';
import { verifyHistory, type ExternalAnchor, type VerifyReport } from './history/history-verify.js';
import { loadDemoData, isDatabaseEmpty, DEMO_REFUSED_IN_PRODUCTION } from '../seeds/demo.js';
import { ROLES } from '../workflows/roles.js';
import { isIsoDate } from '../workflows/dates.js';
import { calendarYear, setCalendarDay, unsetCalendarDay } from './admin/calendar-service.js';
import { findAgencyByCode } from './admin/agency-store.js';
import { importAgencyCertificate, makeSelfSignedKey, refuseOverImported } from './documents/agency-keys.js';
import { audit } from './audit.js';
import { systemClock } from './time.js';
import { sweepDeemedConsents } from './consultations/consultation-service.js';
import { addClient, listApiClients, revokeClient } from './auth/client-service.js';
import { deliverDueWebhooks } from './exchange/webhook-worker.js';
import { createLogger } from './log.js';
import { BackupError, backupDatabase, restoreDatabase } from './backup.js';

const USAGE = `用法 / usage: disclosure-desk <command> [options]

  migrate                                   bring the database (DATABASE_URL) to the latest schema
  serve [--demo-if-empty] [--no-migrate]    migrate, then serve on PORT (default 3000); --no-migrate (or
                                            MIGRATE_ON_START=0): only check the schema is current, for a
                                            database role that may not change it; --demo-if-empty is
                                            refused when NODE_ENV=production
  agency add --code CODE --name NAME [--parent CODE] [--prefix 文号前缀] [--seal-purpose TEXT]
             [--reconsideration-body NAME] [--court NAME] [--address TEXT] [--phone TEXT] [--payment TEXT]
  agency cert --code CODE                   make a self-signed signing certificate (demos, tests)
  agency cert --code CODE --import FILE.p12 [--password PW]
                                            import the certificate the agency's CA issued, with its key
                                            and chain (PKCS#12); the file's password from --password or
                                            CERT_PASSWORD. Refused: a wrong password, an expired
                                            certificate, one not matching the key, a chain that does not
                                            link. Kept in the database encrypted with KEY_PASSPHRASE
  user add --username U --role ROLE --agency CODE [--name DISPLAY_NAME] --password-stdin [--no-expire]
        ROLE: ${ROLES.join(' | ')}
        the password must be at least 10 characters and hard to guess; it is an initial password
        the person replaces at first login, unless --no-expire (an account a script uses at once)
  demo                                      load the demo data (into an empty database; never when
                                            NODE_ENV=production)
  calendar set DATE workday|holiday [--note TEXT]
  calendar unset DATE
  calendar show YEAR
  consultations sweep                       record deemed consent (Art. 34) for agencies silent past
                                            their 15 working days (the server also does it every
                                            CONSULTATION_SWEEP_MINUTES, default 10)
  client add --name NAME --agency CODE --scopes exchange:read,exchange:write
                                            an API client of the data exchange (OAuth 2.0 client
                                            credentials); prints one JSON line {"clientId", "clientSecret"}:
                                            the secret is shown this once (only its hash is kept)
  client list                               one JSON line per client
  client revoke --id CLIENT_ID              its tokens stop working at once
  webhooks deliver                          deliver the webhooks due now, once (the server does it every
                                            WEBHOOK_DELIVERY_SECONDS, default 10)
  backup FILE                               write a backup of the database to FILE (new, 0600): SQLite an
                                            online copy (VACUUM INTO), PostgreSQL pg_dump's custom format;
                                            the servers may keep running
  restore FILE [--force]                    restore FILE into the database (DATABASE_URL): refused unless it
                                            is empty, or --force replaces its contents; stop the servers
                                            first, then \`migrate\` (or serve) brings it to this version
  audit verify [--anchor ID:HASH]…          walk the hash chains of the history (application and appeal
                                            events, audit log): exit 0 when intact, 1 naming the first
                                            break; --anchor: an audit_log row's hash noted earlier
                                            outside the database (read only; never migrates)

Environment: DATABASE_URL (sqlite:PATH | postgres://…), PORT, HOST, DATA_DIR, SESSION_SECRET, NODE_ENV, MIGRATE_ON_START,
             LOG_LEVEL, METRICS, METRICS_TOKEN, SHUTDOWN_TIMEOUT_SECONDS,
             KEY_PASSPHRASE, KEY_PASSPHRASE_<CODE>, TSA_URL, TSA_TIMEOUT_SECONDS, CERT_PASSWORD,
             WEBHOOK_DELIVERY_SECONDS, WEBHOOK_ALLOW_PRIVATE, WEBHOOK_TIMEOUT_SECONDS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_BASE_SECONDS`;

class UsageError extends Error {}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function required(values: Record<string, unknown>, ...names: string[]): void {
  for (const n of names) {
    if (typeof values[n] !== 'string' || !(values[n] as string).trim()) throw new UsageError(`missing --${n}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function withDb<T>(config: Config, fn: (db: Knex) => Promise<T>): Promise<T> {
  const db = createDb(config.databaseUrl);
  try {
    await prepareSchema(db, config);
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (!command || command === '--help' || command === 'help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  switch (command) {
    case 'migrate': {
      if (sub) throw new UsageError(`unexpected argument ${sub}`);
      const db = createDb(config.databaseUrl);
      try {
        const [batch, files] = await migrateLatest(db, { dataDir: config.dataDir });
        console.log(files.length ? `migrated (batch ${batch}): ${files.join(', ')}` : 'already at the latest schema');
      } finally {
        await db.destroy();
      }
      return 0;
    }
    case 'serve': {
      const { values, positionals } = parse([sub, ...rest].filter((x): x is string => x !== undefined), {
        'demo-if-empty': { type: 'boolean' }, 'no-migrate': { type: 'boolean' },
      });
      if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
      // Refused whether or not the database is empty: an operator learns it at the first start.
      if (values['demo-if-empty'] && config.production) throw new CliError(DEMO_REFUSED_IN_PRODUCTION);
      requireSessionSecret(config);
      if (values['no-migrate']) config.migrateOnStart = false;
      const db = createDb(config.databaseUrl);
      await prepareSchema(db, config);
      if (values['demo-if-empty'] && (await isDatabaseEmpty(db))) {
        await loadDemoData(db, config);
        console.log('demo data loaded (演示数据已加载；账号见 README)');
      }
      const logger = createLogger(config.logLevel, undefined, { sync: config.logSync });
      const server = await serve(db, config, { logger });
      const shown = config.host === '127.0.0.1' || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      logger.info({ host: config.host, port: config.port, database: config.databaseUrl.split(':')[0] }, `Disclosure Desk listening on http://${shown}:${config.port} (HOST ${config.host}; database: ${config.databaseUrl.split(':')[0]})`);
      // Graceful shutdown (issue 15): the first SIGTERM/SIGINT finishes what is under way and exits 0;
      // a second one does not wait.
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          logger.warn({ signal }, 'second signal: exiting without waiting');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, `${signal} received`);
        server.shutdown().then(
          () => process.exit(0),
          (e) => {
            logger.error({ err: e }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
      return -1; // keep running
    }
    case 'agency': {
      if (sub === 'cert') {
        const { values, positionals } = parse(rest, { code: { type: 'string' }, import: { type: 'string' }, password: { type: 'string' } });
        if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
        required(values, 'code');
        if (values.password !== undefined && values.import === undefined) throw new UsageError('--password goes with --import');
        const file = values.import as string | undefined;
        const bytes = file === undefined ? null : await readFile(file).catch((e: Error) => {
          throw new CliError(`cannot read ${file}: ${e.message} (无法读取证书文件)`);
        });
        const password = (values.password as string | undefined) ?? process.env.CERT_PASSWORD ?? '';
        const info = await withDb(config, async (db) => {
          const agency = await findAgencyByCode(db, values.code as string);
          if (!agency) throw new CliError(`agency ${values.code} does not exist (机关代码 ${values.code} 不存在)`);
          return db.transaction(async (trx) => {
            if (!bytes) {
              await refuseOverImported(trx, agency);
              const made = await makeSelfSignedKey(trx, config, agency);
              await audit(trx, { actor: null, action: 'agency.cert', entity: 'agency', entityId: agency.id, detail: { code: agency.code, selfSigned: true } });
              return made;
            }
            const { info: imported, warnings } = await importAgencyCertificate(trx, config, agency, bytes, password);
            for (const w of warnings) console.warn(`warning: ${w}`);
            await audit(trx, {
              actor: null, action: 'agency.cert', entity: 'agency', entityId: agency.id,
              detail: { code: agency.code, selfSigned: imported.selfSigned, subject: imported.subject, issuer: imported.issuer, serial: imported.serial, fingerprint: imported.fingerprint, notAfter: imported.notAfter },
            });
            return imported;
          });
        });
        console.log(
          bytes
            ? `certificate of ${info.subject} issued by ${info.issuer} (valid until ${info.notAfter.slice(0, 10)}, ${info.chainLength} certificate(s) in its chain) imported for ${values.code}, kept in the database encrypted with KEY_PASSPHRASE (证书已导入)`
            : `self-signed signing certificate for ${values.code} kept in the database, encrypted with KEY_PASSPHRASE (自签名证书已生成)`,
        );
        return 0;
      }
      if (sub !== 'add') throw new UsageError('expected: agency add | agency cert');
      const { values, positionals } = parse(rest, {
        code: { type: 'string' }, name: { type: 'string' }, parent: { type: 'string' },
        prefix: { type: 'string' }, 'seal-purpose': { type: 'string' }, 'reconsideration-body': { type: 'string' },
        court: { type: 'string' }, address: { type: 'string' }, phone: { type: 'string' }, payment: { type: 'string' },
      });
      if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
      required(values, 'code', 'name');
      const str = (k: string) => values[k] as string | undefined;
      const agency = await withDb(config, (db) =>
        addAgency(db, {
          code: values.code as string, name: values.name as string, parentCode: str('parent') ?? null,
          docPrefix: str('prefix'), sealPurpose: str('seal-purpose'), reconsiderationBody: str('reconsideration-body'),
          court: str('court'), address: str('address'), phone: str('phone'), paymentDetails: str('payment'),
        }, null),
      );
      console.log(`agency ${agency.code} added (${agency.name})`);
      return 0;
    }
    case 'user': {
      if (sub !== 'add') throw new UsageError('expected: user add');
      const { values, positionals } = parse(rest, {
        username: { type: 'string' }, role: { type: 'string' }, agency: { type: 'string' }, name: { type: 'string' },
        'password-stdin': { type: 'boolean' }, 'no-expire': { type: 'boolean' },
      });
      if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
      required(values, 'username', 'role', 'agency');
      if (!values['password-stdin']) throw new UsageError('the password is read from stdin: pass --password-stdin');
      if (!(ROLES as readonly string[]).includes(values.role as string)) throw new UsageError(`unknown role ${values.role}`);
      const password = await readStdin();
      await withDb(config, (db) =>
        addUser(db, { username: values.username as string, role: values.role as string, agencyCode: values.agency as string, displayName: values.name as string | undefined, password }, null, config.bcryptRounds,
          // Hardening 11: whoever runs the CLI usually makes accounts for other people, so the password
          // is an initial one, replaced at first login — as when an administrator sets it in the pages.
          { mustChangePassword: !values['no-expire'] }),
      );
      console.log(values['no-expire'] ? `user ${values.username} added` : `user ${values.username} added; the password must be changed at first login (首次登录须修改密码)`);
      return 0;
    }
    case 'demo': {
      if (sub) throw new UsageError(`unexpected argument ${sub}`);
      if (config.production) throw new CliError(DEMO_REFUSED_IN_PRODUCTION);
      await withDb(config, async (db) => {
        if (!(await isDatabaseEmpty(db))) throw new CliError('the database already has data; demo data is loaded only into an empty database (数据库非空，未加载演示数据)');
        await loadDemoData(db, config);
      });
      console.log('demo data loaded');
      return 0;
    }
    case 'calendar': {
      const { values, positionals } = parse(rest, { note: { type: 'string' } });
      if (sub === 'set') {
        const [date, kind] = positionals;
        if (positionals.length !== 2 || !isIsoDate(date) || (kind !== 'workday' && kind !== 'holiday')) throw new UsageError('expected: calendar set YYYY-MM-DD workday|holiday [--note TEXT]');
        const rebuilt = await withDb(config, (db) => setCalendarDay({ db, config, clock: systemClock }, null, { date, kind, note: values.note }));
        console.log(`${date} set to ${kind}; deadlines of ${rebuilt} open applications recomputed`);
        return 0;
      }
      if (sub === 'unset') {
        const [date] = positionals;
        if (positionals.length !== 1 || !isIsoDate(date)) throw new UsageError('expected: calendar unset YYYY-MM-DD');
        await withDb(config, (db) => unsetCalendarDay({ db, config, clock: systemClock }, null, date));
        console.log(`${date} override removed`);
        return 0;
      }
      if (sub === 'show') {
        const year = Number(positionals[0]);
        if (positionals.length !== 1 || !Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError('expected: calendar show YEAR');
        const shown = await withDb(config, (db) => calendarYear({ db, config, clock: systemClock }, year));
        console.log(`${year}: ${shown.official ? 'official data' : 'NO official data — deadlines are provisional (weekends and the statutory holidays; make-up workdays unknown)'}`);
        for (const d of shown.days) console.log(`${d.date}  ${d.working ? 'workday' : 'holiday'}  ${d.source}${d.note ? '  ' + d.note : ''}`);
        if (shown.statutory.length) {
          console.log('statutory holidays assumed (《全国年节及纪念日放假办法》, lunar dates computed):');
          for (const h of shown.statutory) console.log(`${h.date}  ${h.working ? 'workday (override)' : 'holiday'}  ${h.name}`);
        }
        return 0;
      }
      throw new UsageError('expected: calendar set|unset|show');
    }
    case 'consultations': {
      if (sub !== 'sweep' || rest.length) throw new UsageError('expected: consultations sweep');
      const r = await withDb(config, (db) => sweepDeemedConsents({ db, config, clock: systemClock }));
      console.log(`deemed consent recorded: ${r.deemed}; skipped: ${r.skipped}`);
      return 0;
    }
    case 'client': {
      if (sub === 'add') {
        const { values, positionals } = parse(rest, { name: { type: 'string' }, agency: { type: 'string' }, scopes: { type: 'string' } });
        if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
        required(values, 'name', 'agency', 'scopes');
        const { client, clientSecret } = await withDb(config, (db) =>
          addClient(db, { name: values.name as string, agencyCode: values.agency as string, scopes: (values.scopes as string).split(/[,\s]+/) }, null),
        );
        console.log(JSON.stringify({ clientId: client.clientId, clientSecret, name: client.name, agency: client.agencyCode, scopes: client.scopes }));
        return 0;
      }
      if (sub === 'list') {
        if (rest.length) throw new UsageError('expected: client list');
        const clients = await withDb(config, (db) => listApiClients(db));
        for (const c of clients) {
          console.log(JSON.stringify({ clientId: c.clientId, name: c.name, agency: c.agencyCode, scopes: c.scopes, createdAt: c.createdAt, revokedAt: c.revokedAt }));
        }
        return 0;
      }
      if (sub === 'revoke') {
        const { values, positionals } = parse(rest, { id: { type: 'string' } });
        if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
        required(values, 'id');
        const client = await withDb(config, (db) => revokeClient(db, values.id as string, null));
        console.log(`client ${client.clientId} (${client.name}) revoked at ${client.revokedAt}: its tokens no longer work`);
        return 0;
      }
      throw new UsageError('expected: client add | client list | client revoke');
    }
    case 'webhooks': {
      if (sub !== 'deliver' || rest.length) throw new UsageError('expected: webhooks deliver');
      // Signing needs the webhook secrets, kept under SESSION_SECRET: required as for serve.
      requireSessionSecret(config);
      const r = await withDb(config, (db) => deliverDueWebhooks({ db, config, clock: systemClock }));
      console.log(`webhooks delivered: ${r.delivered}; to retry: ${r.retried}; failed: ${r.failed}; cancelled: ${r.cancelled}`);
      return 0;
    }
    case 'backup': {
      const { positionals } = parse([sub, ...rest].filter((x): x is string => x !== undefined), {});
      if (positionals.length !== 1) throw new UsageError('expected: backup FILE');
      // As it is: no migration first (a backup is taken before an upgrade).
      const r = await guarded(() => backupDatabase(config.databaseUrl, positionals[0]!));
      console.log(`backup written: ${r.file} (${r.bytes} bytes, ${r.kind === 'sqlite' ? 'SQLite database' : 'pg_dump custom format'})`);
      return 0;
    }
    case 'restore': {
      const { values, positionals } = parse([sub, ...rest].filter((x): x is string => x !== undefined), { force: { type: 'boolean' } });
      if (positionals.length !== 1) throw new UsageError('expected: restore FILE [--force]');
      const r = await guarded(() => restoreDatabase(config.databaseUrl, positionals[0]!, { force: Boolean(values.force) }));
      console.log(`restored ${r.tables} tables from ${positionals[0]}; \`disclosure-desk migrate\` (or serve) brings the schema to this version (数据已恢复)`);
      return 0;
    }
    case 'audit': {
      if (sub !== 'verify') throw new UsageError('expected: audit verify [--anchor ID:HASH]');
      const { values, positionals } = parse(rest, { anchor: { type: 'string', multiple: true } });
      if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
      const anchors = ((values.anchor as string[] | undefined) ?? []).map(parseAnchor);
      // Read only, and no migration: an auditor may run it with a role that can only SELECT.
      const db = createDb(config.databaseUrl);
      try {
        if (!(await db.schema.hasTable('history_heads'))) throw new CliError('the history is not chained yet: run `disclosure-desk migrate` first (历史记录尚未建立哈希链)');
        const report = await verifyHistory(db, { anchors });
        printVerifyReport(report, anchors);
        return report.ok ? 0 : 1;
      } finally {
        await db.destroy();
      }
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

export class CliError extends Error {}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof BackupError) throw new CliError(e.message);
    throw e;
  }
}

function parseAnchor(text: string): ExternalAnchor {
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(text.trim());
  if (!m) throw new UsageError(`--anchor expects ID:HASH (an audit_log row id and its 64-hex hash), got ${text}`);
  return { id: Number(m[1]), hash: m[2]!.toLowerCase() };
}

function printVerifyReport(report: VerifyReport, anchors: ExternalAnchor[]): void {
  const per: Record<string, string> = { application_events: 'one per application', appeal_events: 'one per appeal', audit_log: 'one for the whole log' };
  for (const t of report.tables) {
    console.log(`${t.table}: ${t.rows} rows checked in ${t.chains} chain(s) (${per[t.table] ?? ''}) — ${t.firstBreak ? 'BROKEN' : 'intact'}`);
  }
  console.log(`event and document hashes recorded in the audit log: ${report.anchorsChecked} checked`);
  for (const a of anchors) console.log(`anchor audit_log row ${a.id}: ${report.breaks.some((b) => b.kind === 'external_anchor' && b.rowId === a.id) ? 'DOES NOT MATCH' : 'matches'}`);
  if (report.ok) {
    if (report.auditHead) {
      console.log(`history intact (历史记录完整). Head of the audit log: row ${report.auditHead.id}, hash ${report.auditHead.hash}`);
      console.log(`Keep that line outside the database; later, \`disclosure-desk audit verify --anchor ${report.auditHead.id}:${report.auditHead.hash}\` checks that nothing up to that row has been rewritten or removed since.`);
    } else console.log('history intact (历史记录完整); the audit log is empty');
    return;
  }
  for (const b of report.breaks) {
    console.error(`BROKEN ${b.table}: ${b.where}: ${b.message}\n  expected: ${b.expected}\n  found:    ${b.found}`);
  }
  const more = report.breakCount - report.breaks.length;
  console.error(`history altered (历史记录被改动): ${report.breakCount} break(s)${more > 0 ? `, the first ${report.breaks.length} shown` : ''}, listed in chain order table by table`);
}

// Run when executed directly (bin or `tsx server/cli.ts`).
const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1].replace(/\\/g, '/')) || process.argv[1]?.endsWith('disclosure-desk');
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err) => {
      if (err instanceof UsageError) {
        console.error(`error: ${err.message}\n\n${USAGE}`);
        process.exit(2);
      }
      if (err instanceof ConfigError || err instanceof CliError) {
        console.error(`error: ${err.message}`);
        process.exit(1);
      }
      if (err instanceof DomainError) {
        const detail = err.fields ? ` (${Object.entries(err.fields).map(([k, v]) => `${k}: ${v}`).join('; ')})` : '';
        console.error(`error: ${err.message}${detail}`);
        process.exit(1);
      }
      console.error(err);
      process.exit(1);
    },
  );
}
