// Case conferences in the reports (issue 14): how many were convened and signed off in a period, and
// how the applications that were conferenced fared on appeal compared with the others. Counted by
// the database over an agency scope; shared by the dashboard and the briefing (通报).
//
// Definitions:
// - Convened / signed off: conferences of the scope's applications convened (signed off) in the period.
// - Compared: applications of the scope concluded in the period (concluded_date), split by whether
//   any conference was convened on them. Appealed: at least one reconsideration or suit filed on the
//   application; corrected: at least one of them decided with outcome `corrected` (结果纠正: 撤销、
//   变更、确认违法、责令履行……, the annual report's table 四 and the briefing's 纠错), whenever decided.
import type { Db } from '../../db/knex.js';

export interface ConferenceOutcomes {
  concluded: number;
  appealed: number;
  corrected: number;
  /** appealed / concluded */
  appealRate: number | null;
  /** corrected / concluded: the share of concluded cases corrected on appeal */
  correctionRate: number | null;
}

export interface ConferenceStats {
  convened: number;
  signedOff: number;
  conferenced: ConferenceOutcomes;
  others: ConferenceOutcomes;
}

const rate = (part: number, whole: number): number | null => (whole ? part / whole : null);

export async function conferenceStats(db: Db, scope: number[], period: { from: string; to: string }): Promise<ConferenceStats> {
  const convened = await db('conferences').whereIn('agency_id', scope).whereBetween('convened_date', [period.from, period.to]).count({ n: '*' }).first();
  const signedOff = await db('conferences').whereIn('agency_id', scope).whereBetween('signed_off_date', [period.from, period.to]).count({ n: '*' }).first();
  const outcomes = async (withConference: boolean): Promise<ConferenceOutcomes> => {
    const conferenced = (q: ReturnType<Db>) => q.select(db.raw('1')).from('conferences as cf').whereRaw('cf.application_id = a.id');
    const qb = db('applications as a').whereIn('a.agency_id', scope).whereBetween('a.concluded_date', [period.from, period.to]);
    if (withConference) qb.whereExists(function () { conferenced(this); });
    else qb.whereNotExists(function () { conferenced(this); });
    const r: Record<string, unknown> | undefined = await qb
      .count({ n: '*' })
      .select(db.raw('SUM(CASE WHEN EXISTS (SELECT 1 FROM appeals ap WHERE ap.application_id = a.id) THEN 1 ELSE 0 END) AS appealed'))
      .select(db.raw("SUM(CASE WHEN EXISTS (SELECT 1 FROM appeals ap WHERE ap.application_id = a.id AND ap.outcome = 'corrected') THEN 1 ELSE 0 END) AS corrected"))
      .first();
    const concluded = Number(r?.n ?? 0);
    const appealed = Number(r?.appealed ?? 0);
    const corrected = Number(r?.corrected ?? 0);
    return { concluded, appealed, corrected, appealRate: rate(appealed, concluded), correctionRate: rate(corrected, concluded) };
  };
  return {
    convened: Number(convened?.n ?? 0),
    signedOff: Number(signedOff?.n ?? 0),
    conferenced: await outcomes(true),
    others: await outcomes(false),
  };
}
