import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export interface Config {
  databaseUrl: string;
  port: number;
  dataDir: string;
  sessionSecret: string;
  production: boolean;
  /** bcrypt cost; lower only in tests. */
  bcryptRounds: number;
}

export class ConfigError extends Error {}

/** Reads the environment. Nothing else is needed to run (issue 2). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL ?? `sqlite:${resolve(dataDir, 'disclosure-desk.sqlite')}`;
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT 无效：${env.PORT}`);
  let sessionSecret = env.SESSION_SECRET ?? '';
  if (!sessionSecret) {
    if (production) {
      throw new ConfigError(
        'SESSION_SECRET is required when NODE_ENV=production (set it to a long random string). ' +
          '生产环境必须设置 SESSION_SECRET。',
      );
    }
    sessionSecret = randomBytes(32).toString('hex');
  }
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres:// (got ${databaseUrl.split(':')[0]}:…)`);
  }
  const bcryptRounds = env.BCRYPT_ROUNDS ? Number(env.BCRYPT_ROUNDS) : 11;
  return { databaseUrl, port, dataDir, sessionSecret, production, bcryptRounds };
}
