// Structured logs (issue 15): one JSON object per line on stdout, for the operator's log collector.
// Lines written while serving a request carry its `requestId` (server/http/request-log.ts).
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppContext } from './context.js';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A logger at `level` (LOG_LEVEL), writing to stdout unless a destination is given (tests read their own). */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      // `"level":"info"` rather than 30: readable without pino's tools.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

const made = new WeakMap<AppContext, Logger>();

/** The context's logger: the one it was given, else one at the configured level (made once per context). */
export function loggerOf(ctx: AppContext): Logger {
  if (ctx.logger) return ctx.logger;
  let logger = made.get(ctx);
  if (!logger) {
    logger = createLogger(ctx.config.logLevel ?? 'info');
    made.set(ctx, logger);
  }
  return logger;
}
