import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../../testing/fixtures.ts';
import { legacyArchive } from '../../testing/sample-image.ts';
import { dockerfileText, instructionOf } from './dockerfile.ts';

describe('history as a Dockerfile', () => {
  it.each([
    ['/bin/sh -c #(nop)  CMD ["sh"]', 'CMD ["sh"]'],
    ['/bin/sh -c #(nop) ADD file:ce026b62356eec3a in / ', 'ADD file:ce026b62356eec3a /'],
    ['/bin/sh -c #(nop) COPY dir:abc123 in /app ', 'COPY dir:abc123 /app'],
    ['/bin/sh -c #(nop)  ENV PATH=/usr/bin', 'ENV PATH=/usr/bin'],
    ['/bin/sh -c #(nop) WORKDIR /src', 'WORKDIR /src'],
    [
      '/bin/sh -c apt-get update && apt-get install -y curl',
      'RUN apt-get update && apt-get install -y curl',
    ],
    ['RUN /bin/sh -c make install # buildkit', 'RUN make install'],
    [
      'RUN |2 VERSION=1.2 TARGET=x86 /bin/sh -c ./build.sh $VERSION # buildkit',
      'RUN ./build.sh $VERSION',
    ],
    ['COPY . /app # buildkit', 'COPY . /app'],
    ['ENTRYPOINT ["/app"]', 'ENTRYPOINT ["/app"]'],
    ['ARG VERSION=1.2', 'ARG VERSION=1.2'],
    [
      'HEALTHCHECK &{["CMD" "true"] "30s" "3s" "0s" \'\\x03\'}',
      'HEALTHCHECK &{["CMD" "true"] "30s" "3s" "0s" \'\\x03\'}',
    ],
    ['SHELL [/bin/bash -c]', 'SHELL [/bin/bash -c]'],
    ['apt-get install curl', 'RUN apt-get install curl'],
    ['', ''],
  ])('%s → %s', (createdBy, instruction) => {
    expect(instructionOf(createdBy)).toBe(instruction);
  });

  it("rebuilds dive's test image recipe in order, each step with its layer", async () => {
    const read = await readBytes(fixtureBytes('dive__test-docker-image.tar'));
    const image = read.model.images[0]!;
    const text = dockerfileText(image, (l) => read.scans.get(image.layers[l]!.blobPath!)!.size);
    const lines = text.split('\n');
    expect(lines[2]).toBe('FROM <unknown base>');
    expect(lines[3]).toMatch(
      /^ADD file:ce026b62356eec3ad1214f92be2c9dc063fe205bd5e600be3492c4dfb17148bd \/ {2}# layer 0, 1\.15 MB$/,
    );
    expect(lines[4]).toBe('CMD ["sh"]  # no layer');
    expect(lines[6]).toBe('RUN mkdir -p /root/example/really/nested  # layer 2, 0 B');
    expect(lines.filter((l) => !l.startsWith('#') && l !== '')).toHaveLength(16);
  });

  it('the sample image: the steps of its recipe in the order they were run', async () => {
    // The sample's Dockerfile: FROM busybox-like base (ADD, CMD sh), then RUN echo hihi,
    // RUN touch /hi, RUN rm /hi, CMD ["echo", "hello"].
    const read = await readBytes(legacyArchive());
    const image = read.model.images[0]!;
    const steps = dockerfileText(image, () => null)
      .split('\n')
      .filter((l) => /^[A-Z]+ /.test(l) && !l.startsWith('FROM'))
      .map((l) => l.replace(/ {2}#.*$/, ''));
    expect(steps.slice(1)).toEqual([
      'CMD ["sh"]',
      'RUN echo hihi',
      'RUN touch /hi',
      'RUN rm /hi',
      'CMD ["echo" "hello"]',
    ]);
    expect(steps[0]).toMatch(/^ADD file:[0-9a-f]{64} \/$/);
  });
});
