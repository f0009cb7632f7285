import './dockerfile.css';
import { dockerfileText, recipeOf } from '../core/image/dockerfile.ts';
import { selectLayer } from '../state/explorer-actions.ts';
import { saveBlob } from '../state/save-blob.ts';
import { useCurrentImage, useLayerSummaries } from '../state/store.ts';
import { formatBytes } from './format.ts';

/**
 * The image's history read back as a Dockerfile: one instruction per step, each with the layer it
 * made (a link into the Files tab) and that layer's size. Copy or download the text.
 */
export function DockerfileView({ onOpenLayer }: { onOpenLayer: () => void }) {
  const image = useCurrentImage();
  const summaries = useLayerSummaries();
  if (!image) return null;
  const bytesOf = (layer: number) => {
    const blob = image.layers[layer]?.blobPath;
    return blob ? (summaries[blob]?.size ?? null) : null;
  };
  const text = dockerfileText(image, bytesOf);
  const name = `${(image.tags[0] ?? image.id.slice(7, 19)).replace(/[^A-Za-z0-9._-]+/g, '_')}.Dockerfile`;
  return (
    <section className="dockerfile" aria-label="Dockerfile">
      <header className="dockerfile-head">
        <p className="hint">
          Rebuilt from the image's history. The base image is not recorded, so FROM is unknown and
          the base's own steps come first.
        </p>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(text)}>
          Copy
        </button>
        <button
          type="button"
          onClick={() => saveBlob(new Blob([text], { type: 'text/plain' }), name)}
        >
          Download
        </button>
      </header>
      <ol className="dockerfile-lines">
        <li className="muted">
          <code>FROM &lt;unknown base&gt;</code>
        </li>
        {recipeOf(image).map((step) => {
          const bytes = step.layer === null ? null : bytesOf(step.layer);
          return (
            <li key={step.step} data-keyword={step.keyword}>
              <code className="instruction">{step.instruction || '# (no command recorded)'}</code>
              <span className="step-layer">
                {step.layer === null ? (
                  <span className="muted">no layer</span>
                ) : (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      void selectLayer(step.layer!);
                      onOpenLayer();
                    }}
                  >
                    layer {step.layer}
                  </button>
                )}
                {bytes !== null && <span className="muted"> · {formatBytes(bytes)}</span>}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
