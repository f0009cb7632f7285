import { useEffect, useState } from 'react';
import { platformText } from '../core/image/model.ts';
import { loadImage } from '../state/explorer-actions.ts';
import {
  useCurrentImage,
  useFileName,
  useImageIndex,
  useLayerSummaries,
  useModel,
} from '../state/store.ts';
import { formatBytes } from './format.ts';
import { VerificationStatus } from './VerificationStatus.tsx';

/** File, tags, image ID, platform, created, sizes, layers; a picker when there are several images. */
export function ImageHeader() {
  const model = useModel();
  const image = useCurrentImage();
  const imageIndex = useImageIndex();
  const fileName = useFileName();
  const summaries = useLayerSummaries();
  const [copied, setCopied] = useState('');
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(''), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  // The tab's title names the image, so a person with many tabs finds it.
  const title = image ? (image.tags[0] ?? image.id.slice(7, 19)) : null;
  useEffect(() => {
    document.title = title ? `${title} · Strata` : 'Strata';
  }, [title]);
  if (!model || !image) return null;
  const uncompressed = image.layers.reduce(
    (sum, l) => sum + (l.blobPath ? (summaries[l.blobPath]?.size ?? 0) : 0),
    0,
  );
  return (
    <section className="image-header" aria-label="Image">
      {(model.images.length > 1 || model.artifacts.length > 0) && (
        <label className="picker">
          {model.images.length === 1 ? '1 image' : `${model.images.length} images`}
          {model.artifacts.length > 0 &&
            ` and ${model.artifacts.length} artifact${model.artifacts.length === 1 ? '' : 's'}`}{' '}
          in this file:{' '}
          <select
            value={imageIndex}
            onChange={(e) => void loadImage(Number(e.target.value))}
            aria-label="Image"
          >
            {model.images.map((img, i) => (
              <option key={`${img.id}-${i}`} value={i} disabled={!img.included}>
                {`${img.tags[0] ?? img.id.slice(7, 19)} · ${platformText(img.platform)}`}
                {img.included ? '' : ' (not included in this file)'}
              </option>
            ))}
            {model.artifacts.length > 0 && (
              <optgroup label="Artifacts (not filesystems)">
                {model.artifacts.map((a) => (
                  <option key={a.digest} disabled>
                    {`${a.artifactType ?? 'unknown type'} · ${a.digest.slice(7, 19)}`}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
      )}
      <button
        type="button"
        className="copy-link"
        title="A link to this image and this place in it. For a local file, it restores the view when the same file is dropped again."
        onClick={() => {
          void navigator.clipboard?.writeText(location.href).then(
            () => setCopied('Link copied'),
            () => setCopied('The browser did not allow copying'),
          );
        }}
      >
        Copy link
      </button>
      <span className="copied muted" role="status">
        {copied}
      </span>
      <h1 className="image-title">
        {image.tags.length > 0 ? image.tags.join(', ') : <span className="muted">untagged</span>}
      </h1>
      <dl className="facts">
        <div>
          <dt>Image ID</dt>
          <dd className="mono" title={image.id}>
            {image.id.replace('sha256:', '').slice(0, 12)}
          </dd>
        </div>
        <div>
          <dt>Platform</dt>
          <dd className="mono">{platformText(image.platform)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            {image.created
              ? image.created.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC')
              : '-'}
          </dd>
        </div>
        <div>
          <dt>Layers</dt>
          <dd>{image.layers.length}</dd>
        </div>
        <div>
          <dt>Uncompressed</dt>
          <dd>{formatBytes(uncompressed)}</dd>
        </div>
        <div>
          <dt>Archive</dt>
          <dd>
            {formatBytes(model.archiveBytes)} <span className="muted">{fileName}</span>
          </dd>
        </div>
        <div>
          <dt>Format</dt>
          <dd>
            {VARIANT_NAMES[model.variant]}
            {model.compression !== 'none' ? `, ${model.compression}-compressed` : ''}
          </dd>
        </div>
      </dl>
      <VerificationStatus />
    </section>
  );
}

const VARIANT_NAMES: Record<string, string> = {
  'docker-legacy': 'docker save (before Docker 25)',
  'docker-oci': 'docker save (Docker 25+, OCI layout)',
  oci: 'OCI image archive',
  crane: 'crane / go-containerregistry tarball',
  'containers-image': 'podman / skopeo docker-archive',
};
