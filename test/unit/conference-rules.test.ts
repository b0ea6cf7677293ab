import assert from 'node:assert/strict';
import {
  conferenceActions, inviteeProblem, mayConclude, mayConvene, mayGiveOpinion, maySignOff, type ConferenceFacts,
} from '../../workflows/conference-rules.js';

// Who may do what on a case conference (会商研判, issue 14): pure rules.
describe('conference rules (issue 14)', () => {
  const caseOf = { agencyId: 1, open: true };
  const cw = { id: 10, role: 'caseworker', agencyId: 1 };
  const appr = { id: 11, role: 'approver', agencyId: 1 };
  const legal = { id: 12, role: 'legal', agencyId: 9 };
  const otherCw = { id: 20, role: 'caseworker', agencyId: 2 };
  const otherAppr = { id: 21, role: 'approver', agencyId: 2 };
  const conf = (status: ConferenceFacts['status'], answered = [false, false]): ConferenceFacts => ({
    status, participants: [{ kind: 'user', userId: 12, agencyId: 9, answered: answered[0]! }, { kind: 'agency', userId: null, agencyId: 2, answered: answered[1]! }],
  });

  it('the case agency\'s caseworker or approver convenes, not on a closed case', () => {
    assert.equal(mayConvene(cw, caseOf).ok, true);
    assert.equal(mayConvene(appr, caseOf).ok, true);
    assert.deepEqual(mayConvene(legal, caseOf), { ok: false, status: 403, code: 'forbidden', message: '只有承办机关的承办人或公开工作机构负责人可以组织会商' });
    assert.equal(mayConvene(otherCw, caseOf).ok, false);
    const closed = mayConvene(cw, { agencyId: 1, open: false });
    assert.ok(!closed.ok && closed.status === 409);
  });

  it('only an invited person, or a caseworker of an invited agency, gives an opinion, once, while opinions are taken', () => {
    assert.equal(mayGiveOpinion(legal, conf('open')).ok, true);
    assert.equal(mayGiveOpinion(otherCw, conf('open')).ok, true);
    const notInvited = mayGiveOpinion(cw, conf('open'));
    assert.ok(!notInvited.ok && notInvited.status === 403);
    assert.ok(!mayGiveOpinion(otherAppr, conf('open')).ok, 'the agency answers by its caseworkers');
    const twice = mayGiveOpinion(legal, conf('open', [true, false]));
    assert.ok(!twice.ok && twice.code === 'answered');
    assert.ok(!mayGiveOpinion(legal, conf('concluded')).ok);
    assert.ok(!mayGiveOpinion(legal, conf('signed_off')).ok);
  });

  it('a conclusion needs an opinion; only the approver signs it off, once; then nothing changes', () => {
    assert.equal((mayConclude(cw, caseOf, conf('open')) as { code: string }).code, 'no_opinion');
    assert.equal(mayConclude(cw, caseOf, conf('open', [true, false])).ok, true);
    assert.equal(mayConclude(cw, caseOf, conf('concluded', [true, false])).ok, true, 'revised until signed off');
    assert.equal((maySignOff(cw, caseOf, conf('concluded', [true, false])) as { status: number }).status, 403);
    assert.equal((maySignOff(otherAppr, caseOf, conf('concluded', [true, false])) as { status: number }).status, 403);
    assert.equal((maySignOff(appr, caseOf, conf('open', [true, false])) as { code: string }).code, 'not_concluded');
    assert.equal(maySignOff(appr, caseOf, conf('concluded', [true, false])).ok, true);
    for (const who of [cw, appr, legal, otherCw]) assert.deepEqual(conferenceActions(who, caseOf, conf('signed_off', [true, false])), [], 'immutable once signed off');
  });

  it('people are invited by name only as legal staff, reviewer or approver who see the case', () => {
    assert.equal(inviteeProblem({ role: 'legal', active: true, seesCase: true, name: '吴静' }), null);
    assert.match(inviteeProblem({ role: 'caseworker', active: true, seesCase: true, name: '李娜' })!, /不是法制/);
    assert.match(inviteeProblem({ role: 'reviewer', active: true, seesCase: false, name: '孙磊' })!, /邀请其所在机关/);
    assert.match(inviteeProblem({ role: 'approver', active: false, seesCase: true, name: '陈刚' })!, /已停用/);
  });
});
