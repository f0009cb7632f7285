import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, concatBytes } from '../core/bytes.ts';
import { counted, decompress } from '../core/compression.ts';
import { StrataError } from '../core/errors.ts';
import { DEFAULT_LIMITS } from '../core/limits.ts';
import { readArchive } from '../core/read-archive.ts';
import { fixtureBytes } from '../testing/fixtures.ts';
import { tarEntry } from '../testing/tar-writer.ts';
import { type Port, receiveDecoded, sendDecoded } from './decode-stream.ts';

/** Both ends of a channel, as the archive worker and its decoder see them. */
function channel(): { sender: Port; receiver: Port; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  return {
    sender: port1 as unknown as Port,
    receiver: port2 as unknown as Port,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('decoded data handed from one thread to another', () => {
  it('arrives whole and in order, with the compressed bytes read so far', async () => {
    const data = new Uint8Array(5_000_000).map((_, i) => (i * 7919) % 251);
    const { sender, receiver, close } = channel();
    let stored = 0;
    // Views of one buffer, as a decoder may hand out: each is copied before its memory is moved.
    void sendDecoded(
      sender,
      counted(pieces(data, 70_001), (n) => (stored += n)),
      () => stored,
    );
    let stopped = false;
    const received = receiveDecoded(receiver, () => (stopped = true));
    const out: Uint8Array[] = [];
    const storedSeen: number[] = [];
    for await (const chunk of received.chunks) {
      out.push(chunk.slice());
      storedSeen.push(received.stored());
    }
    close();
    // Compared as buffers: a deep equality walks five million elements one by one.
    expect(Buffer.compare(concatBytes(out), data)).toBe(0);
    expect(storedSeen.at(-1)).toBe(data.length);
    expect(storedSeen).toEqual([...storedSeen].sort((a, b) => a - b));
    expect(stopped).toBe(true);
  });

  it('lets go of a chunk once two megabytes more have been handed out, and not before', async () => {
    const data = new Uint8Array(6_000_000).map((_, i) => (i * 31) % 253);
    const { sender, receiver, close } = channel();
    void sendDecoded(sender, pieces(data, 65_536), () => 0);
    const received = receiveDecoded(receiver, () => {});
    const seen: { chunk: Uint8Array; at: number; length: number }[] = [];
    let at = 0;
    for await (const chunk of received.chunks) {
      // Everything handed out in the last two megabytes is still whole, and holds what was sent.
      for (const s of seen)
        if (at - s.at < 2 << 20) {
          expect(s.chunk.length).toBe(s.length);
          expect(s.chunk[0]).toBe(data[s.at]);
        }
      seen.push({ chunk, at, length: chunk.length });
      at += chunk.length;
    }
    close();
    expect(at).toBe(data.length);
    // Let go: every chunk with two megabytes or more handed out after it.
    const letGo = seen.filter((s) => s.chunk.length === 0).map((s) => s.at);
    const due = seen.filter((s) => data.length - (s.at + s.length) >= 2 << 20).map((s) => s.at);
    expect(letGo).toEqual(due);
    expect(letGo.length).toBeGreaterThan(50);
  });

  it('holds back once 32 MiB wait untaken, and goes on as they are taken', async () => {
    const { sender, receiver, close } = channel();
    let made = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      while (made < 256) {
        made++;
        yield new Uint8Array(1 << 20);
      }
    }
    const sending = sendDecoded(sender, endless(), () => made);
    const received = receiveDecoded(receiver, () => {});
    const iterator = received.chunks[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((r) => setTimeout(r, 200));
    // Nothing more is taken: the sender stops within a window (and a batch) of what was taken.
    expect(made).toBeGreaterThanOrEqual(32);
    expect(made).toBeLessThanOrEqual(34);
    let taken = 1;
    while (!(await iterator.next()).done) taken++;
    await sending;
    close();
    expect(taken).toBe(256);
  });

  it('passes a failure on as the same error, after what came before it', async () => {
    const { sender, receiver, close } = channel();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      throw new StrataError('bad-compression', 'The gzip data is damaged: test.', 'at byte 10');
    }
    void sendDecoded(sender, failing(), () => 10);
    const received = receiveDecoded(receiver, () => {});
    let bytes = 0;
    const error = await (async () => {
      try {
        for await (const chunk of received.chunks) bytes += chunk.length;
      } catch (caught) {
        return caught;
      }
    })();
    close();
    expect(bytes).toBe(10);
    expect(error).toBeInstanceOf(StrataError);
    expect(error).toMatchObject({ code: 'bad-compression', detail: 'at byte 10' });
  });

  it('ends with an error, after what came before, when the decoding worker dies', async () => {
    const { sender, receiver, close } = channel();
    const worker = Object.assign(receiver, { onerror: null as Port['onerror'] });
    // One batch, then nothing more: the worker is stuck, and then it dies.
    async function* stuck(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(3 << 20);
      await new Promise(() => {});
    }
    void sendDecoded(sender, stuck(), () => 1000);
    const received = receiveDecoded(worker, () => {});
    const iterator = received.chunks[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.length).toBe(3 << 20);
    // The worker crashes: what it sent was delivered; the end never comes, the error does.
    worker.onerror?.({ message: 'out of memory', preventDefault() {} } as ErrorEvent);
    await expect(iterator.next()).rejects.toMatchObject({
      code: 'read-failed',
      message: expect.stringContaining('out of memory'),
    });
    close();
  });

  it('reads a docker save | gzip archive decoded elsewhere exactly as one decoded in place', async () => {
    const bytes = fixtureBytes('trivy__alpine-310.tar.gz');
    const here = await readArchive(bytesSource(bytes, 65536));
    const { sender, receiver, close } = channel();
    const read = await readArchive(bytesSource(bytes, 65536), {
      decodeElsewhere: (compression) => {
        let stored = 0;
        const open = () => counted(bytesSource(bytes, 65536).read(0), (n) => (stored += n));
        void sendDecoded(sender, decompress(compression, open(), open), () => stored);
        return receiveDecoded(receiver, close);
      },
    });
    expect(read.model).toEqual(here.model);
    expect([...read.scans.keys()]).toEqual([...here.scans.keys()]);
    for (const [path, scan] of here.scans) expect(read.scans.get(path)).toEqual(scan);
  });

  it('stops a decompression bomb decoded elsewhere, as in place', async () => {
    // A tar whose first file is 64 MiB of zeros: about 64 KiB of gzip.
    const bomb = gzipSync(
      concatBytes(tarEntry({ name: 'zeros', data: new Uint8Array(64 << 20), mode: 0o644 })),
    );
    const { sender, receiver, close } = channel();
    const reading = readArchive(bytesSource(bomb), {
      limits: { ...DEFAULT_LIMITS, expansionRatio: 100, expansionFloor: 1 << 20 },
      decodeElsewhere: (compression) => {
        let stored = 0;
        const open = () => counted(bytesSource(bomb).read(0), (n) => (stored += n));
        void sendDecoded(sender, decompress(compression, open(), open), () => stored);
        return receiveDecoded(receiver, close);
      },
    });
    await expect(reading).rejects.toMatchObject({ code: 'limit' });
  });
});
