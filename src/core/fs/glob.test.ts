import { describe, expect, it } from 'vitest';
import { globLiteral, globMatcher } from './glob.ts';

describe('path globs', () => {
  it.each([
    ['*.txt', '/root/example/somefile1.txt', true],
    ['/root/*.txt', '/root/example/somefile1.txt', false],
    ['/root/**.txt', '/root/example/somefile1.txt', true],
    ['/root/**/*.txt', '/root/example/somefile1.txt', true],
    ['somefile?.txt', '/root/example/somefile3.txt', true],
    ['somefile[12].txt', '/root/example/somefile3.txt', false],
    ['somefile[1-3].txt', '/root/example/somefile3.txt', true],
    ['somefile[!a].txt', '/root/example/somefile3.txt', true],
    ['somefile[!3].txt', '/root/example/somefile3.txt', false],
    ['somefile[^3].txt', '/root/example/somefile3.txt', false],
    ['SOMEFILE*.TXT', '/root/example/somefile3.txt', true],
    ['file3.txt', '/root/example/somefile3.txt', false], // a trailing part starts a segment
    ['example/*', '/root/example/somefile3.txt', true],
    ['*', '/a/b', true],
    ['/*', '/a/b', false],
    ['a?b', '/a/b', false], // ? never matches a slash
    ['a[/]b', '/a/b', false],
    ['[', '/x/[', true], // an unclosed bracket is a plain character
    ['lib*.so.*', '/usr/lib/libc.so.6', true],
  ])('%s on %s: %s', (pattern, path, expected) => {
    expect(globMatcher(pattern)(path)).toBe(expected);
  });

  it('a pattern that makes a backtracking matcher explode is answered on long paths', () => {
    // As a regular expression this pattern backtracks for seconds on one 100-character path and
    // would not finish on these (it is reachable from a shared link); run as a set of states it
    // costs pattern length × path length steps.
    const pattern = '**a**a**a**a**a**a**a**b';
    const path = `/${'a'.repeat(5000)}`;
    const match = globMatcher(pattern);
    expect(match(path)).toBe(false);
    expect(match(`${path}b`)).toBe(true);
    const many = Array.from({ length: 2000 }, (_, i) => `/dir${i}/${'a'.repeat(100)}`);
    expect(many.filter(match)).toEqual([]);
  });

  it('name their longest run of plain characters, lower-cased, which every match holds', () => {
    expect(globLiteral('/Usr/**/lib*.SO')).toBe('/usr/');
    expect(globLiteral('*.json')).toBe('.json');
    expect(globLiteral('d7/f1*')).toBe('d7/f1');
    expect(globLiteral('a?bc[de]f')).toBe('bc');
    expect(globLiteral('*')).toBe('');
    expect(globLiteral('[abc')).toBe('[abc');
  });
});
