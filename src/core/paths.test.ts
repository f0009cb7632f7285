import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanPath } from '../testing/path-model.ts';
import { dirOf, normalise, resolve } from './paths.ts';

describe('the one path normaliser', () => {
  it.each([
    ['usr/.', 'usr'],
    ['usr/./bin', 'usr/bin'],
    ['a/b/..', 'a'],
    ['a/b/../c', 'a/c'],
    ['./', ''],
    ['.', ''],
    ['./etc/passwd', 'etc/passwd'],
    ['//etc//passwd', 'etc/passwd'],
    ['/etc/', 'etc'],
    ['..', ''],
    ['../../etc/shadow', 'etc/shadow'],
    ['a/../../b', 'b'],
    ['a/..b/c', 'a/..b/c'],
    ['...', '...'],
    ['a/b/.', 'a/b'],
    ['', ''],
  ])('%j is %j', (path, expected) => {
    expect(normalise(path)).toBe(expected);
  });

  it.each([
    ['usr/lib', '../bin/sh', 'usr/bin/sh'],
    ['usr/lib', '/bin/sh', 'bin/sh'],
    ['usr/lib', './x', 'usr/lib/x'],
    ['', '../../../etc/passwd', 'etc/passwd'],
    ['a', '', 'a'],
    ['a/b', '..', 'a'],
  ])('a link in %j to %j leads to %j', (dir, target, expected) => {
    expect(resolve(dir, target)).toBe(expected);
  });

  it('the folder of a path', () => {
    expect(dirOf('a/b/c')).toBe('a/b');
    expect(dirOf('a')).toBe('');
  });
});

describe('normalise on any name', () => {
  it('gives what splitting on "/" and applying "." and ".." gives, fast paths or not', () => {
    const piece = fc.constantFrom('a', 'b.c', '.', '..', '...', '.a', '/', '//', './', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const path = pieces.join('');
        expect(normalise(path)).toBe(cleanPath(path));
      }),
      { numRuns: 2000, seed: 20261129 },
    );
  });
});
