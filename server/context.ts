import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Clock } from './time.js';
import type { Logger } from './log.js';

/** What every router and use case needs; built once by createApp. */
export interface AppContext {
  db: Knex;
  config: Config;
  clock: Clock;
  /** Where log lines go; by default stdout at LOG_LEVEL (server/log.ts: loggerOf). */
  logger?: Logger;
}
