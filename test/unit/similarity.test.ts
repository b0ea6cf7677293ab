import assert from 'node:assert/strict';
import fc from 'fast-check';
import { REPEAT_THRESHOLD, analyse, normalise, requestSimilarity, requestText } from '../../workflows/similarity.js';

// The pairs below justify REPEAT_THRESHOLD: every paraphrase scores at or above it, every different
// request about the same project, year or agency below it, with a margin on both sides.

const PARAPHRASES: [string, string, string][] = [
  ['shorter, abbreviated (控规), year moved', '申请公开东江区浦明路地块控制性详细规划调整的批复文件（2024年）。', '请提供2024年浦明路地块控规调整的批复。'],
  ['reordered clauses, 旧区改造 abbreviated', '申请公开东江区浦明路88号旧区改造项目的房屋征收决定及补偿方案。', '请提供浦明路88号旧改项目房屋征收补偿方案和征收决定'],
  ['the same 文号 in half-width brackets, with the title added', '申请公开东规资〔2024〕12号文件。', '请提供东规资[2024]12号《关于滨江花园二期规划设计方案的批复》全文'],
  ['filler moved to the end', '申请公开滨江花园小区二期项目的建设工程规划许可证及附图。', '滨江花园二期建设工程规划许可证和附图，申请公开。'],
  ['Chinese-numeral year, 年度', '请公开二〇二三年东江区城中村改造项目征地补偿安置方案', '申请公开2023年度东江区城中村改造征地补偿安置方案的相关信息'],
  ['环境影响评价 written out and reordered', '申请公开东江大道拓宽工程的环评报告', '关于拓宽东江大道工程的环境影响评价报告书，请予公开'],
  ['old term 拆迁 for 征收, 安置补偿 reordered', '申请公开浦明路88号房屋征收补偿安置方案', '请提供浦明路88号拆迁安置补偿方案'],
  ['personal wording around the same object', '请提供我家（浦明路88弄5号）被征收房屋的评估报告', '申请公开浦明路88弄5号房屋征收评估报告'],
  ['full-width digits and spaces', '申请公开浦明路１２号地块 国有土地使用权出让合同', '本人申请公开浦明路12号地块国有土地使用权出让合同全文'],
];

const DIFFERENT: [string, string, string][] = [
  ['same project, another year', '申请公开2023年浦明路地块控规调整的批复', '申请公开2024年浦明路地块控规调整的批复'],
  ['same issuer and year, another 文号', '申请公开东规资〔2024〕12号文件', '申请公开东规资〔2024〕15号文件'],
  ['same number and year, another issuer', '申请公开东规资〔2024〕12号文件', '申请公开东建交〔2024〕12号文件'],
  ['same project, planning permit vs construction permit', '申请公开滨江花园二期的建设工程规划许可证', '申请公开滨江花园二期的建设工程施工许可证'],
  ['same project, 工程规划 vs 用地规划 permit', '申请公开滨江花园二期的建设工程规划许可证', '申请公开滨江花园二期的建设用地规划许可证'],
  ['same project, permit vs acceptance record', '申请公开滨江花园二期项目的建设工程规划许可证', '申请公开滨江花园二期项目的竣工验收备案表'],
  ['same plot, land contract vs compensation plan', '申请公开浦明路88号地块国有土地使用权出让合同', '申请公开浦明路88号地块房屋征收补偿方案'],
  ['same street, another house number', '申请公开浦明路88号房屋征收决定', '申请公开浦明路90号房屋征收决定'],
  ['same road project, 环评 vs 立项 and funding', '申请公开东江大道拓宽工程的环境影响评价报告', '申请公开东江大道拓宽工程的立项批复和资金来源'],
  ['same annual report, another year', '申请公开东江区2023年政府信息公开工作年度报告', '申请公开东江区2024年政府信息公开工作年度报告'],
  ['budget vs final accounts', '申请公开东江区2024年度部门预算', '申请公开东江区2024年度部门决算'],
  ['different topics altogether', '申请公开2024年东江区财政预算执行情况', '申请公开浦明路地块控制性详细规划调整的批复文件'],
];

describe('request similarity (Art. 36(六) repeat applications)', () => {
  for (const [what, a, b] of PARAPHRASES) {
    it(`scores a paraphrase as a likely repeat: ${what}`, () => {
      const s = requestSimilarity(a, b);
      assert.ok(s >= REPEAT_THRESHOLD + 0.05, `${s} for ${a} / ${b}`);
    });
  }

  for (const [what, a, b] of DIFFERENT) {
    it(`scores a different request below the threshold: ${what}`, () => {
      const s = requestSimilarity(a, b);
      assert.ok(s <= REPEAT_THRESHOLD - 0.1, `${s} for ${a} / ${b}`);
    });
  }

  it('scores identical texts 1 and texts with nothing in common 0', () => {
    assert.equal(requestSimilarity('申请公开浦明路地块控规调整的批复', '申请公开浦明路地块控规调整的批复'), 1);
    assert.equal(requestSimilarity('申请公开东规资〔2024〕12号', '申请公开东规资〔2024〕12号'), 1);
    assert.equal(requestSimilarity('东江区财政预算执行情况', '滨江花园规划许可证'), 0);
  });

  it('is symmetric and stays within [0, 1] for any text', () => {
    const pieces = ['申请公开', '浦明路', '88号', '2024年', '东规资〔2024〕12号', '控制性详细规划', '批复', '的', '，', ' ', '许可证', 'ABC', '１２'];
    const text = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const s = requestSimilarity(a, b);
        return s >= 0 && s <= 1 && s === requestSimilarity(b, a);
      }),
    );
  });

  it('folds widths, brackets, Chinese-numeral years and abbreviations', () => {
    assert.equal(normalise('东规资［２０２４］１２号'), '东规资〔2024〕12号');
    assert.equal(normalise('二〇二三年控制性详细规划'), '2023年控规');
  });

  it('takes 文号, years and other numbers as strong tokens', () => {
    const t = analyse('请提供东规资〔2024〕第12号及浦明路88号地块2023年的批复').tokens;
    assert.deepEqual([...t.documentNumbers], ['规资2024-12']);
    assert.deepEqual([...t.years].sort(), ['2023', '2024']);
    assert.deepEqual([...t.numbers], ['88']);
  });

  it('reads the document title and number with the description, not the purpose', () => {
    assert.equal(requestText({ description: '申请公开批复', documentTitle: '关于浦明路地块的批复', documentNumber: '东规资〔2024〕12号' }),
      '申请公开批复 关于浦明路地块的批复 东规资〔2024〕12号');
    assert.equal(requestText({ description: '申请公开批复', documentTitle: null, documentNumber: null }), '申请公开批复  ');
  });
});
