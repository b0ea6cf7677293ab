// The window every date a person enters lies in (finding 4): not before the Regulation took effect
// (2008-05-01), facts not after today, plans at most two years ahead, report years 2008 to next year.
import assert from 'node:assert/strict';
import {
  addYears, dateInWindow, dateWindowProblem, latestPlanDate, PLAN_HORIZON_YEARS, REGULATION_IN_FORCE, reportYearProblem,
} from '../../workflows/dates.js';

const TODAY = '2026-11-20';

describe('the date window', () => {
  it('opens on 1 May 2008, when the Regulation took effect (国务院令第492号)', () => {
    assert.equal(REGULATION_IN_FORCE, '2008-05-01');
    assert.equal(dateWindowProblem('2008-05-01', TODAY), null);
    assert.equal(dateWindowProblem('2008-04-30', TODAY), '日期不能早于2008年5月1日（《政府信息公开条例》施行之日）');
    assert.equal(dateWindowProblem('0001-01-01', TODAY, { label: '收到申请之日' }), '收到申请之日不能早于2008年5月1日（《政府信息公开条例》施行之日）');
    assert.match(dateWindowProblem('2008-04-30', TODAY, { kind: 'plan' }) ?? '', /不能早于2008年5月1日/, 'plans too');
  });

  it('puts facts no later than today', () => {
    assert.equal(dateWindowProblem(TODAY, TODAY), null);
    assert.equal(dateWindowProblem('2026-11-21', TODAY, { label: '生效日期' }), '生效日期不能晚于今天');
  });

  it('lets plans lie up to two years ahead, no further', () => {
    assert.equal(PLAN_HORIZON_YEARS, 2);
    assert.equal(latestPlanDate(TODAY), '2028-11-20');
    assert.equal(dateWindowProblem('2028-11-20', TODAY, { kind: 'plan' }), null);
    assert.equal(dateWindowProblem('2028-11-21', TODAY, { kind: 'plan', label: '新的答复期限' }), '新的答复期限不能晚于2028年11月20日（2年之内）');
    assert.equal(dateWindowProblem('9999-12-31', TODAY, { kind: 'plan' }), '日期不能晚于2028年11月20日（2年之内）');
  });

  it('dateInWindow takes anything and says whether it is a date inside the window', () => {
    assert.equal(dateInWindow('2024-09-02', TODAY), true);
    for (const bad of ['0001-01-01', '2008-04-30', '2026-11-21', '2024-02-30', '', null, 20240902]) assert.equal(dateInWindow(bad, TODAY), false, String(bad));
    assert.equal(dateInWindow('2027-06-01', TODAY, 'plan'), true);
  });

  it('adds years to the same day of the month, 29 February becoming 28 February', () => {
    assert.equal(addYears('2024-02-29', 2), '2026-02-28');
    assert.equal(addYears('2024-02-29', 4), '2028-02-29');
    assert.equal(addYears('2026-11-20', -18), '2008-11-20');
  });

  it('reports are about a year from 2008 to next year', () => {
    assert.equal(reportYearProblem(2008, TODAY), null);
    assert.equal(reportYearProblem(2027, TODAY), null);
    assert.equal(reportYearProblem(2007, TODAY), '年份不能早于2008年（《政府信息公开条例》2008年5月1日施行）');
    assert.equal(reportYearProblem(2028, TODAY), '年份不能晚于2027年');
    assert.equal(reportYearProblem(2026.5, TODAY), '请填写年份（如 2026）');
    assert.equal(reportYearProblem(Number.NaN, TODAY), '请填写年份（如 2026）');
  });
});
