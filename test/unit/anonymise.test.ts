import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anonymiseName, anonymiseText, splitChineseName, type NamedParty } from '../../workflows/anonymise.js';

describe('anonymiseName', function () {
  const persons: [string, string][] = [
    ['张建国', '张某'],
    ['李四', '李某'],
    ['王小明', '王某'],
    ['欧阳修', '欧阳某'],
    ['欧阳娜娜', '欧阳某'],
    ['司马光', '司马某'],
    ['诸葛亮', '诸葛某'],
    ['上官婉儿', '上官某'],
    ['东方明珠', '东方某'],
    ['皇甫嵩', '皇甫某'],
    ['尉迟恭', '尉迟某'],
    ['公孙胜', '公孙某'],
    ['慕容复', '慕容某'],
    ['令狐冲', '令狐某'],
    ['宇文泰', '宇文某'],
    ['长孙无忌', '长孙某'],
    ['司徒雷登', '司徒某'],
    ['夏侯惇', '夏侯某'],
    ['端木蓉', '端木某'],
    ['爱新觉罗·溥仪', '爱新觉罗某'], // a clan name before the dot
    ['阿卜杜拉·买买提', '阿某'], // a transliterated name: the first character only
    ['钟离明', '钟某'], // 钟 + 离明, not the rare 钟离
    ['夏明', '夏某'], // a two-character name is surname + given name even when it starts like 夏侯
    ['欧阳', '欧某'],
    ['  张建国 ', '张某'],
    ['张 建国', '张某'],
    ['John Smith', 'J某'],
    ['john smith', 'J某'],
    ['Émile Zola', 'É某'],
    ['O\'Brien', 'O某'],
    ['Иван Петров', 'И某'],
    ['', '某'],
  ];
  for (const [name, expected] of persons) {
    it(`person ${JSON.stringify(name)} → ${expected}`, function () {
      assert.equal(anonymiseName(name, 'natural_person'), expected);
    });
  }

  const organisations: [string, string][] = [
    ['北京某某科技有限公司', '某有限公司'],
    ['北京宏达科技有限责任公司', '某有限责任公司'],
    ['中国石油化工股份有限公司', '某股份有限公司'],
    ['北京宏达科技有限公司上海分公司', '某分公司'],
    ['宏达集团', '某集团'],
    ['北京宏达公司', '某公司'],
    ['北京市金杜律师事务所', '某律师事务所'],
    ['立信会计师事务所（特殊普通合伙）', '某合伙企业（特殊普通合伙）'],
    ['北京宏达投资中心（有限合伙）', '某合伙企业（有限合伙）'],
    ['北京宏达科技有限公司（北京）', '某有限公司'],
    ['中国科学院自动化研究所', '某研究所'],
    ['北京市城市规划设计研究院', '某研究院'],
    ['北京市消费者权益促进会', '某协会'],
    ['北京市律师协会', '某协会'],
    ['中国法学会', '某学会'],
    ['北京市东城区某某社区居民委员会', '某居民委员会'],
    ['北京大学', '某大学'],
    ['北京协和医院', '某医院'],
    ['中国工商银行股份有限公司北京东城支行', '某支行'],
    ['北京宏达农业专业合作社', '某合作社'],
    ['宏达基金会', '某基金会'],
    ['Acme Ltd.', '某公司'],
    ['Acme Corporation', '某公司'],
    ['Baker McKenzie LLP', '某律师事务所'],
    ['Stanford University', '某大学'],
    ['东城区政务服务中心', '某中心'],
    ['东城区自由职业者联谊', '某单位'],
    ['', '某单位'],
  ];
  for (const [name, expected] of organisations) {
    it(`organisation ${name || '(empty)'} → ${expected}`, function () {
      assert.equal(anonymiseName(name, 'organisation'), expected);
    });
  }

  it('splits surname and given name', function () {
    assert.deepEqual(splitChineseName('张建国'), { surname: '张', given: '建国' });
    assert.deepEqual(splitChineseName('欧阳修'), { surname: '欧阳', given: '修' });
    assert.deepEqual(splitChineseName('司马相如'), { surname: '司马', given: '相如' });
    assert.deepEqual(splitChineseName('王五'), { surname: '王', given: '五' });
  });
});

describe('anonymiseText', function () {
  const p = (name: string): NamedParty => ({ name, kind: 'natural_person' });
  const o = (name: string): NamedParty => ({ name, kind: 'organisation' });

  const cases: [string, NamedParty[], string, string][] = [
    ['full name', [p('张建国')], '张建国申请公开讨论记录，张建国不服。', '张某申请公开讨论记录，张某不服。'],
    ['given name alone', [p('张建国')], '申请人张建国（以下简称建国）称：建国于2026年提出申请。', '申请人张某（以下简称张某）称：张某于2026年提出申请。'],
    ['two-character name: full name only', [p('李四')], '李四与四川省人民政府', '李某与四川省人民政府'],
    ['compound surname, two-character given name', [p('司马相如')], '司马相如、相如', '司马某、司马某'],
    ['compound surname, one-character given name: full name only', [p('欧阳修')], '欧阳修修改了申请', '欧阳某修改了申请'],
    ['organisation', [o('北京宏达科技有限公司')], '北京宏达科技有限公司申请公开', '某有限公司申请公开'],
    ['person and organisation', [p('王小明'), o('北京市金杜律师事务所')], '北京市金杜律师事务所律师王小明代理小明申请', '某律师事务所律师王某代理王某申请'],
    ['longer names first', [p('张建'), p('张建国')], '张建国和张建', '张某和张某'],
    ['a full name outranks another party\'s given name', [p('赵建国'), p('建国')], '建国与赵建国', '建某与赵某'],
    ['a given name shared by two people cannot be attributed', [p('张建国'), p('李建国')], '张建国、李建国和建国', '张某、李某和某某'],
    ['Latin names match whole words only', [p('Ann Lee'), p('Ann')], 'Ann Lee and Anna met Ann.', 'A某 and Anna met A某.'],
    ['regular-expression characters in names', [o('A.B (China) Co., Ltd.')], 'A.B (China) Co., Ltd. and AxB (China) Co., Ltd.', '某公司 and AxB (China) Co., Ltd.'],
    ['no names', [], '张建国', '张建国'],
    ['empty names are ignored', [p(''), p('  ')], '张建国', '张建国'],
    ['text without the names is unchanged', [p('张建国')], '本机关依法作出答复。', '本机关依法作出答复。'],
    ['replaced text is not replaced again', [p('张某某'), p('张建国')], '张建国', '张某'],
  ];
  for (const [title, names, text, expected] of cases) {
    it(title, function () {
      assert.equal(anonymiseText(text, names), expected);
    });
  }

  it('leaves no full name in the text (property)', function () {
    const han = fc.constantFrom(...'张王李赵刘陈杨黄周吴建国明华小红伟芳秀英军平东方欧阳司马上官'.split(''));
    const hanName = fc.array(han, { minLength: 2, maxLength: 4 }).map((cs) => cs.join(''));
    const filler = fc.array(fc.constantFrom(...'的了和与申请人不服公开，。、'.split('')), { maxLength: 6 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: hanName, kind: fc.constantFrom('natural_person' as const, 'organisation' as const) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(filler, fc.nat()), { maxLength: 8 }),
        (names, parts) => {
          const text = parts.map(([f, k]) => f + names[k % names.length]!.name).join('') + '。';
          const out = anonymiseText(text, names);
          for (const { name } of names) assert.ok(!out.includes(name), `${name} survives in ${out} (from ${text})`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves no given name of a three-character name (property)', function () {
    const surname = fc.constantFrom('张', '王', '李', '欧阳', '司马');
    const given = fc.array(fc.constantFrom(...'建国明华红伟芳秀英军'.split('')), { minLength: 2, maxLength: 2 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(surname, given, fc.string({ maxLength: 10 }), (s, g, filler) => {
        const name = s + g;
        const out = anonymiseText(`${filler}${name}${filler}${g}${filler}`, [p(name)]);
        assert.ok(!out.includes(name) && !out.includes(g), out);
        assert.ok(out.includes(`${s}某`));
      }),
      { numRuns: 300 },
    );
  });
});
