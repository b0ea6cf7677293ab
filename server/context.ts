import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Clock } from './time.js';

/** What every router and use case needs; built once by createApp. */
export interface AppContext {
  db: Knex;
  config: Config;
  clock: Clock;
}
