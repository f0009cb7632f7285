import { Fragment } from 'react';

/**
 * A JSON document pretty-printed, with every string that names something in the archive (a
 * digest, a file) turned into a link. Everything is rendered as text: nothing from the archive is
 * ever interpreted as HTML.
 */
export function JsonView({
  text,
  linkFor,
  onFollow,
}: {
  text: string;
  linkFor: (value: string) => string | null;
  onFollow: (target: string) => void;
}) {
  let pretty: string;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return <pre className="json">{text}</pre>;
  }
  const parts: React.ReactNode[] = [];
  const strings = /"(?:[^"\\]|\\.)*"/g;
  let last = 0;
  for (const match of pretty.matchAll(strings)) {
    const at = match.index ?? 0;
    const literal = match[0];
    let value = '';
    try {
      value = JSON.parse(literal) as string;
    } catch {
      continue;
    }
    const target = linkFor(value);
    if (!target) continue;
    parts.push(pretty.slice(last, at));
    // A link, not a button: it flows with the text and wraps like it, so the comma after a long
    // digest stays on its line. The href names the entry; the click opens it in place.
    parts.push(
      <a
        key={at}
        href={`#entry=${encodeURIComponent(target)}`}
        className="json-link"
        onClick={(event) => {
          event.preventDefault();
          onFollow(target);
        }}
        title={`Go to ${target}`}
      >
        {literal}
      </a>,
    );
    last = at + literal.length;
  }
  parts.push(pretty.slice(last));
  return (
    <pre className="json">
      {parts.map((part, i) => (
        <Fragment key={i}>{part}</Fragment>
      ))}
    </pre>
  );
}
