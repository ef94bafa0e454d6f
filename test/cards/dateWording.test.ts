import { cardSamples } from '../support/cardSamples';

/**
 * One date format on every card (cards/format.ts): a day is "3 March 2026", an instant "3 March 2026
 * at 14:05 UTC". No month is abbreviated ("31 Dec"), no day is left without its year, and no fact
 * shows an ISO date (a date input's own value and limits are ISO, as Adaptive Cards need, and a
 * reply may quote the date someone typed).
 */

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';
const ABBREVIATED = /\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?/;
const DAY_WITHOUT_YEAR = new RegExp(`\\b\\d{1,2} (${MONTHS})\\b(?! \\d{4})`);
const MONTH_FIRST = new RegExp(`\\b(${MONTHS}) \\d{1,2}\\b`);
const ISO_DAY = /\b\d{4}-\d{2}-\d{2}\b/;

interface Read {
  text: string;
  fact: boolean;
}

/** The words a person reads on a card: texts, titles, facts and input labels; not data, ids or input values. */
function readTexts(node: unknown, out: Read[] = []): Read[] {
  if (Array.isArray(node)) node.forEach((item) => readTexts(item, out));
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const isInput = typeof record.type === 'string' && record.type.startsWith('Input.');
    for (const [key, value] of Object.entries(record)) {
      if (key === 'data') continue;
      if (typeof value === 'string') {
        if (['text', 'title', 'label', 'altText', 'fallbackText'].includes(key)) out.push({ text: value, fact: false });
        else if (key === 'value' && !isInput) out.push({ text: value, fact: true });
      } else readTexts(value, out);
    }
  }
  return out;
}

describe('one date format across cards', () => {
  const samples = cardSamples();

  it.each(samples.map((s) => [s.name, s] as const))('%s writes every date as "3 March 2026"', (_name, sample) => {
    const texts = readTexts(sample.card);
    for (const { text, fact } of texts) {
      expect({ text, abbreviated: ABBREVIATED.test(text) }).toEqual({ text, abbreviated: false });
      expect({ text, withoutYear: DAY_WITHOUT_YEAR.test(text) }).toEqual({ text, withoutYear: false });
      expect({ text, monthFirst: MONTH_FIRST.test(text) }).toEqual({ text, monthFirst: false });
      expect({ text, iso: fact && ISO_DAY.test(text) }).toEqual({ text, iso: false });
    }
  });

  it('has samples with dates in them, so the check reads something', () => {
    const dated = samples.filter((s) => readTexts(s.card).some(({ text }) => new RegExp(`\\d{1,2} (${MONTHS}) \\d{4}`).test(text)));
    expect(dated.length).toBeGreaterThan(5);
  });
});
