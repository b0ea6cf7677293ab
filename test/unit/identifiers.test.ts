import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  creditCodeCheckChar,
  isValidCreditCode,
  isValidMobileOrPhone,
  isValidPostcode,
  isValidResidentId,
  maskIdNumber,
  maskPhone,
  residentIdCheckChar,
} from '../../workflows/identifiers.js';

describe('resident identity number (GB 11643-1999)', () => {
  it('accepts the published standard examples', () => {
    assert.equal(isValidResidentId('11010519491231002X'), true);
    assert.equal(isValidResidentId('440524188001010014'), true);
  });

  it('computes the check character with the MOD 11-2 weights', () => {
    // 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 mod 11 = 2 → 'X'.
    assert.equal(residentIdCheckChar('11010519491231002'), 'X');
    assert.equal(residentIdCheckChar('44052418800101001'), '4');
    assert.throws(() => residentIdCheckChar('1101051949123100'), RangeError);
    assert.throws(() => residentIdCheckChar('1101051949123100A'), RangeError);
  });

  it('accepts numbers built with the check function', () => {
    for (const first17 of ['31010119900101123', '32050219880229004', '51010720001231567']) {
      assert.equal(isValidResidentId(first17 + residentIdCheckChar(first17)), true, first17);
    }
  });

  it('rejects a wrong check character', () => {
    assert.equal(isValidResidentId('110105194912310021'), false);
    assert.equal(isValidResidentId('440524188001010015'), false);
  });

  it('rejects an impossible birth date even when the check character matches', () => {
    for (const first17 of ['11010519490230002', '11010519491301002', '11010519490229002', '11010519490000002']) {
      assert.equal(isValidResidentId(first17 + residentIdCheckChar(first17)), false, first17);
    }
  });

  it('rejects wrong length, lower-case x and stray characters', () => {
    assert.equal(isValidResidentId('11010519491231002x'), false);
    assert.equal(isValidResidentId('11010519491231002'), false);
    assert.equal(isValidResidentId('11010519491231002X1'), false);
    assert.equal(isValidResidentId(' 11010519491231002X'), false);
    assert.equal(isValidResidentId('1101051949123100X2'), false);
    assert.equal(isValidResidentId(''), false);
  });

  it('detects every single-digit typo (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const valid = '11010519491231002X';
        const digit = (Number(valid[pos]) + delta) % 10;
        const typo = valid.slice(0, pos) + digit + valid.slice(pos + 1);
        assert.equal(isValidResidentId(typo), false, typo);
      }),
    );
  });
});

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    assert.equal(isValidCreditCode('91350100M000100Y43'), true);
    assert.equal(isValidCreditCode('914403001922038216'), true);
    assert.equal(isValidCreditCode('91440300708461136T'), true);
  });

  it('computes the check character from the 31-character alphabet', () => {
    assert.equal(creditCodeCheckChar('91350100M000100Y4'), '3');
    assert.equal(creditCodeCheckChar('91440300708461136'), 'T');
    assert.throws(() => creditCodeCheckChar('91350100M000100Y'), RangeError);
    assert.throws(() => creditCodeCheckChar('91350100I000100Y4'), RangeError); // I is not in the alphabet
  });

  it('accepts codes built with the check function, including a check value of 0', () => {
    for (const first17 of ['11100000000013127', '12100000400000000', '52110000500021676', '93310115MA1K3B2X1']) {
      assert.equal(isValidCreditCode(first17 + creditCodeCheckChar(first17)), true, first17);
    }
    // Search for a prefix whose sum is divisible by 31 so that 31 - 0 = 31 maps to '0'.
    let found = false;
    for (let n = 0; n < 100 && !found; n++) {
      const first17 = `9111000000000${String(n).padStart(4, '0')}`;
      if (creditCodeCheckChar(first17) === '0') {
        found = true;
        assert.equal(isValidCreditCode(`${first17}0`), true);
      }
    }
    assert.ok(found, 'expected some prefix with check character 0');
  });

  it('rejects a wrong check character, forbidden letters, lower case and wrong length', () => {
    assert.equal(isValidCreditCode('91350100M000100Y44'), false);
    assert.equal(isValidCreditCode('91350100m000100y43'), false);
    assert.equal(isValidCreditCode('91350100O000100Y43'), false); // O is excluded
    assert.equal(isValidCreditCode('91350100M000100Y4'), false);
    assert.equal(isValidCreditCode('91350100M000100Y433'), false);
    assert.equal(isValidCreditCode(''), false);
  });

  it('detects every single-character substitution (property)', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 30 }), (pos, delta) => {
        const valid = '91350100M000100Y43';
        const replaced = alphabet[(alphabet.indexOf(valid[pos]!) + delta) % 31]!;
        const typo = valid.slice(0, pos) + replaced + valid.slice(pos + 1);
        assert.equal(isValidCreditCode(typo), false, typo);
      }),
    );
  });
});

describe('masking personal identifiers', () => {
  it('keeps the first 4 and last 4 characters of an identity number', () => {
    assert.equal(maskIdNumber('310101199001011234'), '3101**********1234');
    assert.equal(maskIdNumber('11010519491231002X'), '1101**********002X');
    assert.equal(maskIdNumber('91350100M000100Y43'), '9135**********0Y43');
    assert.equal(maskIdNumber('E12345678'), 'E123*5678');
  });

  it('masks all but the last 2 characters of short numbers', () => {
    assert.equal(maskIdNumber('12345678'), '******78');
    assert.equal(maskIdNumber('A123'), '**23');
    assert.equal(maskIdNumber('12'), '**');
    assert.equal(maskIdNumber(''), '');
  });

  it('masks the middle four digits of a mobile number', () => {
    assert.equal(maskPhone('13812345678'), '138****5678');
    assert.equal(maskPhone('138 1234 5678'), '138****5678');
    assert.equal(maskPhone('138-1234-5678'), '138****5678');
  });

  it('keeps only the last 4 digits of other numbers', () => {
    assert.equal(maskPhone('021-61234567'), '***-****4567');
    assert.equal(maskPhone('+86 21 6123 4567'), '+** ** **** 4567');
    assert.equal(maskPhone('1234'), '****');
  });

  it('never reveals the masked part of an identity number (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 9, maxLength: 30 }), (s) => {
        const chars = [...s];
        const masked = [...maskIdNumber(s)];
        assert.equal(masked.length, chars.length);
        assert.deepEqual(masked.slice(4, -4), Array(chars.length - 8).fill('*'));
      }),
    );
  });
});

describe('contact detail checks', () => {
  it('accepts 6-digit postcodes only', () => {
    assert.equal(isValidPostcode('200120'), true);
    assert.equal(isValidPostcode('20012'), false);
    assert.equal(isValidPostcode('2001201'), false);
    assert.equal(isValidPostcode('20012A'), false);
  });

  it('accepts loosely formatted phone numbers', () => {
    assert.equal(isValidMobileOrPhone('13812345678'), true);
    assert.equal(isValidMobileOrPhone('021-6123 4567'), true);
    assert.equal(isValidMobileOrPhone('+86 138 1234 5678'), true);
    assert.equal(isValidMobileOrPhone('6123456'), true);
  });

  it('rejects letters, too short or too long numbers', () => {
    assert.equal(isValidMobileOrPhone('123456'), false);
    assert.equal(isValidMobileOrPhone('138-1234-567a'), false);
    assert.equal(isValidMobileOrPhone('123456789012345678901'), false);
    assert.equal(isValidMobileOrPhone('--- --- ---'), false);
  });
});
