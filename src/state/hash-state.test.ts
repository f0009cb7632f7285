import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './hash-state.ts';

describe('view state in the URL hash', () => {
  it('round-trips every field', () => {
    const state = {
      url: 'https://example.test/images/app.tar?x=1&y=2',
      image: 1,
      layer: 3,
      mode: 'changes' as const,
      path: '/etc/os release',
      filter: '*.so',
    };
    expect(parseHash(formatHash(state))).toEqual(state);
  });

  it('ignores what it does not understand or trust', () => {
    expect(parseHash('#url=javascript:alert(1)&layer=x&mode=weird&path=relative')).toEqual({});
  });
});
