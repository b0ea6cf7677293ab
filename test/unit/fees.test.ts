import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applicationBand, feeLineText, quoteFee, type FeeQuote } from '../../workflows/fees.js';

// 国办函〔2020〕109号 (domain.md §4). Every expected amount below is worked out by hand.
const quote = (input: Parameters<typeof quoteFee>[0]): FeeQuote => {
  const r = quoteFee(input);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.fields)}`);
  return r.quote;
};
const pages = (n: number) => quote({ basis: 'per_page', pages: n });
const nth = (n: number) => quote({ basis: 'per_application', nthInMonth: n });
const refusal = (input: Parameters<typeof quoteFee>[0]) => {
  const r = quoteFee(input);
  assert.equal(r.ok, false, `expected a refusal of ${JSON.stringify(input)}`);
  return (r as { fields: Record<string, string> }).fields;
};

describe('fee quotes by volume (按量, progressive by portion)', () => {
  it('one page is free, and the free band is still shown', () => {
    assert.deepEqual(pages(1), { amount: 0, breakdown: [{ band: '1–30页部分', quantity: 1, unitPrice: 0, subtotal: 0 }] });
  });

  it('30 pages are free', () => {
    assert.deepEqual(pages(30), { amount: 0, breakdown: [{ band: '1–30页部分', quantity: 30, unitPrice: 0, subtotal: 0 }] });
  });

  it('the 31st page costs 10 元', () => {
    assert.deepEqual(pages(31), {
      amount: 10,
      breakdown: [
        { band: '1–30页部分', quantity: 30, unitPrice: 0, subtotal: 0 },
        { band: '31–100页部分', quantity: 1, unitPrice: 10, subtotal: 10 },
      ],
    });
  });

  it('100 pages: 70 × 10 = 700 元', () => {
    assert.equal(pages(100).amount, 700);
    assert.deepEqual(pages(100).breakdown.at(-1), { band: '31–100页部分', quantity: 70, unitPrice: 10, subtotal: 700 });
  });

  it('101 pages: 70 × 10 + 1 × 20 = 720 元', () => {
    assert.deepEqual(pages(101), {
      amount: 720,
      breakdown: [
        { band: '1–30页部分', quantity: 30, unitPrice: 0, subtotal: 0 },
        { band: '31–100页部分', quantity: 70, unitPrice: 10, subtotal: 700 },
        { band: '101–200页部分', quantity: 1, unitPrice: 20, subtotal: 20 },
      ],
    });
  });

  it('120 pages: 700 + 20 × 20 = 1100 元', () => {
    assert.equal(pages(120).amount, 1100);
  });

  it('200 pages: 700 + 100 × 20 = 2700 元', () => {
    assert.equal(pages(200).amount, 2700);
    assert.equal(pages(200).breakdown.length, 3);
  });

  it('201 pages: 2700 + 1 × 40 = 2740 元', () => {
    assert.deepEqual(pages(201).breakdown.at(-1), { band: '201页以上部分', quantity: 1, unitPrice: 40, subtotal: 40 });
    assert.equal(pages(201).amount, 2740);
  });

  it('1000 pages: 2700 + 800 × 40 = 34700 元', () => {
    assert.equal(pages(1000).amount, 34700);
  });

  it('zero, negative, fractional or missing pages are refused', () => {
    for (const p of [0, -5, 2.5, '40', Number.NaN]) assert.ok(refusal({ basis: 'per_page', pages: p }).pages, String(p));
    assert.ok(refusal({ basis: 'per_page' }).pages);
  });
});

describe('fee quotes per application (按件, the nth of the applicant in the month)', () => {
  const cases: [number, number, string][] = [
    [1, 0, '第1–10件'],
    [10, 0, '第1–10件'],
    [11, 100, '第11–30件'],
    [30, 100, '第11–30件'],
    [31, 200, '第31–40件'],
    [40, 200, '第31–40件'],
    [41, 300, '第41–50件'],
    [50, 300, '第41–50件'],
    [51, 400, '第51–60件'],
    [100, 800, '第91–100件'],
    [101, 900, '第101–110件'],
  ];
  for (const [n, amount, band] of cases) {
    it(`application no. ${n} of the month costs ${amount} 元 (${band})`, () => {
      assert.deepEqual(nth(n), { amount, breakdown: [{ band, quantity: 1, unitPrice: amount, subtotal: amount }] });
    });
  }

  it('a zero or fractional nth is refused', () => {
    for (const n of [0, -1, 1.5, '11']) assert.ok(refusal({ basis: 'per_application', nthInMonth: n }).nthInMonth, String(n));
    assert.ok(refusal({ basis: 'per_application' }).nthInMonth);
  });
});

describe('fee quote validation', () => {
  it('a basis is required and must be one of the two', () => {
    assert.ok(refusal({ pages: 40 }).basis);
    assert.ok(refusal({ basis: 'both', pages: 40 }).basis);
  });

  it('pages and an nth together are refused: never both bases', () => {
    assert.equal(refusal({ basis: 'per_page', pages: 40, nthInMonth: 12 }).basis, '不能同时按件和按量收费');
    assert.equal(refusal({ basis: 'per_application', pages: 40, nthInMonth: 12 }).basis, '不能同时按件和按量收费');
    assert.match(refusal({ basis: 'per_application', pages: 40 }).pages!, /不能同时按件和按量收费/);
    assert.match(refusal({ basis: 'per_page', nthInMonth: 12 }).nthInMonth!, /不能同时按件和按量收费/);
  });
});

describe('fee quote properties', () => {
  it('the amount never decreases as pages grow, and equals the sum of its lines', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 500 }), (p, more) => {
        const a = pages(p);
        assert.equal(a.amount, a.breakdown.reduce((s, l) => s + l.subtotal, 0));
        assert.equal(a.breakdown.reduce((s, l) => s + l.quantity, 0), p);
        assert.ok(pages(p + more).amount >= a.amount);
      }),
    );
  });

  it('the price per application never decreases as the nth grows, and steps by 100 元 every 10 from the 31st', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 200 }), (n, more) => {
        assert.ok(nth(n + more).amount >= nth(n).amount);
        if (n >= 31) assert.equal(applicationBand(n + 10).unitPrice, applicationBand(n).unitPrice + 100);
      }),
    );
  });
});

describe('fee lines as the notice prints them', () => {
  it('priced and free lines', () => {
    assert.equal(feeLineText({ band: '31–100页部分', quantity: 70, unitPrice: 10, subtotal: 700 }, 'per_page'), '31–100页部分：70页×10元/页＝700元');
    assert.equal(feeLineText({ band: '1–30页部分', quantity: 30, unitPrice: 0, subtotal: 0 }, 'per_page'), '1–30页部分：30页，不收费');
    assert.equal(feeLineText({ band: '第11–30件', quantity: 1, unitPrice: 100, subtotal: 100 }, 'per_application'), '第11–30件：1件×100元/件＝100元');
  });
});
