import { ZxcvbnFactory, type TranslationKeys } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

// What a password people type must be (hardening 11, 等保 level 3 expects complexity checks): at
// least 10 characters, not the person's username, not a password published with the desk, and hard
// to guess by the zxcvbn estimate (score ≥ 3 of 4: "safely unguessable", about 10^8 guesses and
// more) with its list of common passwords and keyboard patterns. Seeds bypass it explicitly.

export const MIN_LENGTH = 10;
export const MAX_LENGTH = 128;
export const MIN_SCORE = 3;

/** The password of every demo account, printed in the README. */
export const DEMO_PASSWORD = 'demo-pass-2026';
/** The test fixtures' password (test/helpers/test-app.ts), public with the source. */
export const TEST_PASSWORD = 'test-pass-123';
/** Hardening 7: published with the desk, so never typed in and never working in production. */
export const PUBLISHED_PASSWORDS: readonly string[] = [DEMO_PASSWORD, TEST_PASSWORD];
export const isPublishedPassword = (password: string): boolean => PUBLISHED_PASSWORDS.includes(password);
export const PUBLISHED_PASSWORD_REFUSED = '该密码是随系统公开发布的演示密码，生产环境中不能使用。请联系系统管理员重置密码。';

/**
 * Words anyone guessing a password on this desk tries first: its own names, roles and place, and
 * pinyin that common-password lists (mostly English) miss.
 */
const DESK_WORDS = [
  'disclosure', 'desk', 'zhengwu', 'gongkai', 'xinxi', 'zhengfu', 'shenqing', 'dongjiang', 'guihua', 'jianshe',
  'caseworker', 'reviewer', 'approver', 'manager', 'legal', 'admin', 'administrator',
  'mima', 'woaini', 'zhongguo', 'beijing', 'shanghai', 'zhangsan', 'lisi', 'wangwu',
];

// zxcvbn's feedback keys in Chinese: the reason a password is refused is shown to the person.
const ZH: TranslationKeys = {
  warnings: {
    straightRow: '键盘上连成一行的按键很容易被猜到',
    keyPattern: '简短的键盘组合很容易被猜到',
    simpleRepeat: '重复的字符（如 aaa）很容易被猜到',
    extendedRepeat: '重复的字符组合（如 abcabcabc）很容易被猜到',
    sequences: '常见的字符序列（如 abc、123）很容易被猜到',
    recentYears: '近些年份很容易被猜到',
    dates: '日期很容易被猜到',
    topTen: '这是最常用的密码之一',
    topHundred: '这是非常常用的密码',
    common: '这是常用密码',
    similarToCommon: '与常用密码过于相似',
    wordByItself: '单个词语很容易被猜到',
    namesByThemselves: '单独的姓名很容易被猜到',
    commonNames: '常见姓名很容易被猜到',
    userInputs: '不应包含用户名、姓名或本系统相关的词语',
    pwned: '该密码已在互联网上的数据泄露中出现过',
  },
  suggestions: {
    l33t: '避免可预测的字符替换（如用 @ 代替 a）',
    reverseWords: '避免把常用词倒过来写',
    allUppercase: '只把部分字母大写',
    capitalization: '不要只把首字母大写',
    dates: '避免与自己相关的日期和年份',
    recentYears: '避免使用近些年份',
    associatedYears: '避免与自己相关的年份',
    sequences: '避免常见的字符序列',
    repeated: '避免重复的词语和字符',
    longerKeyboardPattern: '键盘组合要更长，并多次改变方向',
    anotherWord: '再加几个不常见的词',
    useWords: '用几个词组成密码，但避免常见短语',
    noNeed: '不必使用符号、数字或大写字母，几个不常见的词连起来就很安全',
    pwned: '如在其他地方使用过该密码，请一并修改',
  },
  timeEstimation: {
    ltSecond: '不到 1 秒', second: '1 秒', seconds: '秒', minute: '1 分钟', minutes: '分钟', hour: '1 小时', hours: '小时',
    day: '1 天', days: '天', month: '1 个月', months: '个月', year: '1 年', years: '年', centuries: '数百年',
  },
};

let estimator: ZxcvbnFactory | null = null;
/** Built on first use (~40 ms: the dictionaries are ranked once per process). */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...dictionary, desk: DESK_WORDS }, graphs: adjacencyGraphs, translations: ZH });
  return estimator;
}

export interface PasswordOwner {
  username: string;
  displayName?: string | null;
}

/** Null when the password may be used by this person; otherwise why not, in Chinese. */
export function passwordProblem(password: string, owner: PasswordOwner): string | null {
  if (password.length < MIN_LENGTH) return `密码至少 ${MIN_LENGTH} 位`;
  if (password.length > MAX_LENGTH) return `密码不能超过 ${MAX_LENGTH} 位`;
  const lower = password.toLowerCase();
  const username = owner.username.trim().toLowerCase();
  if (username.length >= 3 && lower.includes(username)) return '密码不能包含用户名';
  if (isPublishedPassword(password)) return '该密码已随系统公开发布（演示或测试用），不能使用';
  const inputs = [owner.username, ...(owner.displayName ? [owner.displayName] : [])];
  const result = zxcvbn().check(password, inputs);
  if (result.score >= MIN_SCORE) return null;
  const deskWord = result.sequence.some((m) => m.pattern === 'dictionary' && (m as { dictionaryName?: string }).dictionaryName === 'desk');
  const why = result.feedback.warning ?? (deskWord ? '包含本系统相关的词语或常见拼音，容易被猜到' : '组合太简单，容易被猜到');
  const hint = result.feedback.suggestions[0] ?? ZH.suggestions.anotherWord;
  return `密码强度不足：${why}。建议：${hint}`;
}

/** What the forms say before anyone types. */
export const PASSWORD_RULES = `至少 ${MIN_LENGTH} 位，不含用户名，不能是常用密码或简单的键盘、数字序列；几个不常见的词连起来最好记也最安全`;
