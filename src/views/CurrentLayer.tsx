import { useCurrentImage, useLayer, useMode, useView } from '../state/store.ts';
import { readableCommand } from './format-command.ts';

/** Above the tree: which layer it shows and the command that made it. */
export function CurrentLayer() {
  const image = useCurrentImage();
  const layer = useLayer();
  const mode = useMode();
  const view = useView();
  if (!image || !view) return null;
  const step = image.history.find((h) => h.layer === layer);
  return (
    <p className="current-layer" data-layer={layer}>
      <strong>
        {mode === 'changes' ? 'Changes in layer' : 'Filesystem up to layer'} {layer}
      </strong>{' '}
      <code>{step ? readableCommand(step.createdBy) : '(no history step names this layer)'}</code>
    </p>
  );
}
