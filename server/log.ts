// Structured logs (issue 15): one JSON object per line on stdout, for the operator's log collector.
// Lines written while serving a request carry its `requestId` (server/http/request-log.ts).
import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppContext } from './context.js';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Standard output, shared by every logger of the process. In the background by default (issue 15: a
 * write call per request line cost ~7 % of a case GET): lines are gathered and written several at a
 * time, at most half a second late, and what is pending is written out when the process exits (pino
 * flushes on exit). LOG_SYNC=1 writes each line before going on.
 */
const stdout = { sync: undefined as DestinationStream | undefined, background: undefined as DestinationStream | undefined };
function stdoutDestination(sync: boolean): DestinationStream {
  if (sync) return (stdout.sync ??= pino.destination({ dest: 1, sync: true }));
  if (!stdout.background) {
    // Gathered up to 4 KB between writes, and written out at least every half second when the desk is
    // quiet (and at exit): a write call per line cost ~5 % of a case GET.
    const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    setInterval(() => {
      try {
        dest.flush();
      } catch {
        // A write under way: the next tick writes what is left.
      }
    }, 500).unref();
    stdout.background = dest;
  }
  return stdout.background;
}

/** A logger at `level` (LOG_LEVEL), writing to stdout unless a destination is given (tests read their own). */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream, opts: { sync?: boolean } = {}): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      // `"level":"info"` rather than 30: readable without pino's tools.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? stdoutDestination(opts.sync ?? true),
  );
}

const made = new WeakMap<AppContext, Logger>();

/** The context's logger: the one it was given, else one at the configured level (made once per context). */
export function loggerOf(ctx: AppContext): Logger {
  if (ctx.logger) return ctx.logger;
  let logger = made.get(ctx);
  if (!logger) {
    logger = createLogger(ctx.config.logLevel ?? 'info', undefined, { sync: ctx.config.logSync ?? false });
    made.set(ctx, logger);
  }
  return logger;
}
