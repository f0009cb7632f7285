import type { ImageRecord } from './model.ts';

/**
 * The build recipe, read back from an image's history. Builders record each step's instruction in
 * `created_by`, each in its own way (shared/docs/FORMATS.md §7):
 * - the classic builder: `/bin/sh -c #(nop)  ENV A=b` for steps that run nothing, and
 *   `/bin/sh -c apt-get …` (a RUN) for the others;
 * - BuildKit: `RUN |2 A=1 B=2 /bin/sh -c make # buildkit` (the `|N` prefix lists the N build
 *   arguments the step saw), `COPY . /app # buildkit`, `ENV A=b`, `CMD ["x"]`;
 * - kaniko, buildah and others: the instruction as written.
 * The base image is not recorded: its own steps come first, as they were built.
 */
export const INSTRUCTIONS = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'MAINTAINER',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);

export interface RecipeStep {
  /** The instruction as a Dockerfile would write it, or '' when nothing was recorded. */
  instruction: string;
  /** Its keyword (RUN, COPY, …), or '' when nothing was recorded. */
  keyword: string;
  /** Index of the history step. */
  step: number;
  /** The layer it made, or null. */
  layer: number | null;
}

/** One history `created_by` as a Dockerfile instruction. */
export function instructionOf(createdBy: string): string {
  let text = createdBy.trim().replace(/\s*# buildkit$/, '');
  if (text === '') return '';
  const nop = /^\/bin\/sh -c #\(nop\)\s*([\s\S]*)$/.exec(text);
  if (nop) text = nop[1]!.trim();
  else if (/^\/bin\/sh -c\s/.test(text)) text = `RUN ${text.replace(/^\/bin\/sh -c\s+/, '')}`;
  // BuildKit's `RUN |N a=1 b=2 <command>`: the N build arguments are not part of the command.
  const args = /^RUN \|(\d+)\s+([\s\S]*)$/.exec(text);
  if (args) {
    let rest = args[2]!;
    for (let i = 0; i < Number(args[1]); i++) rest = rest.replace(/^\S+\s*/, '');
    text = `RUN ${rest}`;
  }
  text = text.replace(/^RUN \/bin\/sh -c\s+/, 'RUN ');
  // The classic builder writes `ADD file:<digest> in /dest`: the source is the content digest.
  text = text.replace(/^(ADD|COPY) ((?:file|dir|multi):[0-9a-f]+) in (.*)$/, '$1 $2 $3');
  const keyword = text.split(/\s/, 1)[0]!;
  if (!INSTRUCTIONS.has(keyword.toUpperCase())) text = `RUN ${text}`;
  return text;
}

export function recipeOf(image: ImageRecord): RecipeStep[] {
  return image.history.map((h, step) => {
    const instruction = instructionOf(h.createdBy);
    return {
      instruction,
      keyword: instruction.split(/\s/, 1)[0]!.toUpperCase(),
      step,
      layer: h.layer,
    };
  });
}

/** Sizes as the comments write them: bytes, kB, MB, GB (decimal, three significant digits). */
function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toPrecision(3)} ${units[unit]}`;
}

/**
 * The recipe as a Dockerfile text: a header saying what it is, then one instruction per history
 * step with its layer and size in a comment. `layerBytes` gives each layer's uncompressed size.
 */
export function dockerfileText(
  image: ImageRecord,
  layerBytes: (layer: number) => number | null,
): string {
  const name = image.tags[0] ?? image.id.slice(7, 19);
  const lines = [
    `# Rebuilt by Strata from the history of ${name} (${image.id.slice(7, 19)}).`,
    '# The base image is not recorded: FROM is unknown, and its own steps come first below.',
    'FROM <unknown base>',
  ];
  for (const step of recipeOf(image)) {
    const bytes = step.layer === null ? null : layerBytes(step.layer);
    const where =
      step.layer === null
        ? 'no layer'
        : `layer ${step.layer}${bytes === null ? '' : `, ${size(bytes)}`}`;
    const text = step.instruction || '# (no command recorded)';
    // A command over several lines stays one instruction: continuation backslashes.
    lines.push(`${text.replace(/\n/g, ' \\\n    ')}  # ${where}`);
  }
  return `${lines.join('\n')}\n`;
}
