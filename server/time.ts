import { todayInShanghai } from '../workflows/dates.js';

/** The one place the server reads the clock, so tests can pin "today". */
export interface Clock {
  now(): Date;
  today(): string;
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => todayInShanghai(new Date()),
};

export function fixedClock(today: string): Clock {
  return { now: () => new Date(), today: () => today };
}

export function nowIso(clock: Clock = systemClock): string {
  return clock.now().toISOString();
}
