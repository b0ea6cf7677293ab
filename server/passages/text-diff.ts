/** A piece of a character diff: kept, added in the newer text, or deleted from the older one. */
export interface DiffPart {
  op: 'same' | 'add' | 'del';
  text: string;
}

/** Beyond this many cells in the differing middle, the whole middle is shown replaced. */
const MAX_CELLS = 2_000_000;

/**
 * Character diff of two wordings (Chinese has no spaces to split words on, so characters are the
 * unit). The common head and tail are cut first; wording edits are usually small, so the LCS table
 * stays small.
 */
export function diffText(older: string, newer: string): DiffPart[] {
  const a = Array.from(older);
  const b = Array.from(newer);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const parts: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.op === op) last.text += text;
    else parts.push({ op, text });
  };
  push('same', a.slice(0, head).join(''));
  if ((x.length + 1) * (y.length + 1) > MAX_CELLS) {
    push('del', x.join(''));
    push('add', y.join(''));
  } else {
    // lcs[i][j]: LCS length of x[i..] and y[j..], one flat row-major table.
    const w = y.length + 1;
    const lcs = new Uint32Array((x.length + 1) * w);
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < x.length && j < y.length) {
      if (x[i] === y[j]) {
        push('same', x[i]!);
        i++;
        j++;
      } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) push('del', x[i++]!);
      else push('add', y[j++]!);
    }
    push('del', x.slice(i).join(''));
    push('add', y.slice(j).join(''));
  }
  push('same', a.slice(a.length - tail).join(''));
  return parts;
}
