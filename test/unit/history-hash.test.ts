import assert from 'node:assert/strict';
import { canonicalJson, chainHash, chainText, GENESIS } from '../../db/history-hash.js';

// One event as each database hands it back: SQLite gives text and numbers; PostgreSQL gives json
// columns parsed (a jsonb column reorders keys), timestamps as Date and bigints as strings.
const asSqliteReturnsIt = {
  id: 17, application_id: 4, seq: 2, type: 'REQUEST_CORRECTION', effective_date: '2026-11-05',
  payload: '{"items":["请写明所需文件的名称"],"periodWorkingDays":10,"note":{"b":1,"a":[true,null,1.5]}}',
  actor_id: 3, actor_role: 'caseworker', recorded_at: '2026-11-05T02:03:04.005Z',
  prev_hash: 'ignored: the hash takes prev from its argument', hash: 'ignored',
};
const asPostgresReturnsIt = {
  id: '17', application_id: '4', seq: 2n, type: 'REQUEST_CORRECTION', effective_date: '2026-11-05',
  payload: { periodWorkingDays: 10, note: { a: [true, null, 1.5], b: 1 }, items: ['请写明所需文件的名称'] },
  actor_id: 3, actor_role: 'caseworker', recorded_at: new Date('2026-11-05T02:03:04.005Z'),
};
// Fixed: a change here means every stored chain stops verifying — it needs a migration, not an edit.
// The hash is `printf '%s' "$TEXT" | sha256sum` of this text (checked by hand when it was written).
const TEXT = '{"chain":"application_events","prev":"0000000000000000000000000000000000000000000000000000000000000000",'
  + '"row":{"actor_id":3,"actor_role":"caseworker","application_id":4,"effective_date":"2026-11-05",'
  + '"payload":{"items":["请写明所需文件的名称"],"note":{"a":[true,null,1.5],"b":1},"periodWorkingDays":10},'
  + '"recorded_at":"2026-11-05T02:03:04.005Z","seq":2,"type":"REQUEST_CORRECTION"}}';
const GOLDEN_HASH = '3bd1341b43446cf3ab5defcc7efc19d59006aec362bf504c51b01163b4c03ddf';

describe('the history hash (canonical content)', () => {
  it('writes JSON with sorted keys, no spaces, dates in ISO-8601 UTC and no undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: new Date('2026-01-02T03:04:05Z') }, u: undefined }),
      '{"a":{"c":"2026-01-02T03:04:05.000Z","d":[1,"x",null]},"b":1}');
    assert.equal(canonicalJson('东江区\n"引号"'), '"东江区\\n\\"引号\\""');
  });

  it('refuses values JSON cannot state exactly rather than hash them one way here and another there', () => {
    assert.throws(() => canonicalJson({ x: Number.NaN }));
    assert.throws(() => canonicalJson({ x: Infinity }));
    assert.throws(() => canonicalJson(() => 1));
  });

  it('hashes the same event the same whichever database returned it', () => {
    assert.equal(chainHash('application_events', GENESIS, asSqliteReturnsIt), chainHash('application_events', GENESIS, asPostgresReturnsIt));
  });

  it('is a fixed function of the content that anyone can recompute: SHA-256 of this exact text', () => {
    assert.equal(chainText('application_events', GENESIS, asPostgresReturnsIt), TEXT);
    assert.equal(chainHash('application_events', GENESIS, asSqliteReturnsIt), GOLDEN_HASH);
  });

  it('changes with any meaningful column, with the previous hash and with the table', () => {
    const base = chainHash('application_events', GENESIS, asSqliteReturnsIt);
    assert.notEqual(chainHash('application_events', GENESIS, { ...asSqliteReturnsIt, payload: '{"items":[]}' }), base);
    assert.notEqual(chainHash('application_events', GENESIS, { ...asSqliteReturnsIt, actor_id: 4 }), base);
    assert.notEqual(chainHash('application_events', GENESIS, { ...asSqliteReturnsIt, recorded_at: '2026-11-05T02:03:04.006Z' }), base);
    assert.notEqual(chainHash('application_events', 'f'.repeat(64), asSqliteReturnsIt), base);
    assert.notEqual(chainHash('appeal_events', GENESIS, { ...asSqliteReturnsIt, appeal_id: 4 }), base);
  });

  it('does not depend on the generated id nor on the stored hash columns', () => {
    const base = chainHash('application_events', GENESIS, asSqliteReturnsIt);
    assert.equal(chainHash('application_events', GENESIS, { ...asSqliteReturnsIt, id: 99, hash: 'x', prev_hash: 'y' }), base);
  });

  it('hashes an audit entry the same from text or parsed detail, and null and absent alike', () => {
    const text = { at: '2026-11-05T02:03:04.005Z', user_id: 3, username: 'cw', action: 'document.edit', entity: 'document', entity_id: '12', detail: '{"oldBody":"甲","newBody":"乙"}', ip: null };
    const parsed = { ...text, user_id: '3', at: new Date(text.at), detail: { newBody: '乙', oldBody: '甲' }, ip: undefined };
    assert.equal(chainHash('audit_log', GENESIS, text), chainHash('audit_log', GENESIS, parsed));
  });
});
