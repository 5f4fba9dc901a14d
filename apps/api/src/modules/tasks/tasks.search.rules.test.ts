/** The search rules that need no database: which words are uncommon, and how the common lexemes are kept. */
import { describe, expect, it } from 'vitest';
import { CommonLexemes, rareWords } from './tasks.search';

describe('rareWords', () => {
  const common = ['contract', 'meeting', 'review', 'p13'];

  it('is false without statistics: nothing is known', () => {
    expect(rareWords('zzqxv', null)).toBe(false);
  });

  it('is false when every word is the prefix of a common lexeme (any case), true when one is not', () => {
    expect(rareWords('contract', common)).toBe(false);
    expect(rareWords('Contr MEET', common)).toBe(false);
    expect(rareWords('cotnract', common)).toBe(true);
    expect(rareWords('contract 99999', common)).toBe(true);
    expect(rareWords('contracts', common)).toBe(true);
  });

  it('reads the words as the search does (punctuation is no word)', () => {
    expect(rareWords('review, p13!', common)).toBe(false);
    expect(rareWords('!!!', common)).toBe(false);
  });
});

describe('CommonLexemes', () => {
  it('answers null until the first load has answered, then the loaded list; a request never waits', async () => {
    let release: (v: string[] | null) => void = () => {};
    let loads = 0;
    const lexemes = new CommonLexemes(
      () =>
        new Promise((resolve) => {
          loads++;
          release = resolve;
        }),
    );
    expect(lexemes.current()).toBeNull();
    expect(lexemes.current()).toBeNull(); // the load in flight is not started twice
    expect(loads).toBe(1);
    release(['review']);
    await lexemes.refresh();
    expect(lexemes.current()).toEqual(['review']);
    expect(loads).toBe(1);
  });

  it('reloads after its TTL and keeps what it knew when a load fails', async () => {
    let next: () => Promise<string[] | null> = async () => ['a'];
    const lexemes = new CommonLexemes(() => next(), 0);
    await lexemes.refresh();
    next = async () => {
      throw new Error('replica down');
    };
    await lexemes.refresh();
    next = async () => ['b'];
    expect(lexemes.current()).toEqual(['a']); // what it knew, at once; TTL 0: a reload starts
    await lexemes.refresh(); // joins the reload in flight
    expect(lexemes.current()).toEqual(['b']);
  });
});
