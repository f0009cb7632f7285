import type { Problem } from '../errors.ts';
import {
  arrayAt,
  isObject,
  keysAt,
  objectAt,
  stringAt,
  stringRecordAt,
  stringsAt,
} from './json.ts';
import type { HistoryStep, ImageConfigSummary, LayerRef, Platform } from './model.ts';

/** What the image config (OCI image-spec config.md) says, checked field by field. */
export interface ParsedConfig {
  platform: Platform | undefined;
  created: string | null;
  config: ImageConfigSummary;
  diffIds: string[];
  history: Omit<HistoryStep, 'layer'>[];
}

export function parseConfig(json: unknown): ParsedConfig {
  const runConfig = objectAt(json, 'config') ?? {};
  const os = stringAt(json, 'os');
  const architecture = stringAt(json, 'architecture');
  const variant = stringAt(json, 'variant');
  const platform =
    os || architecture
      ? {
          os: os ?? 'unknown',
          architecture: architecture ?? 'unknown',
          ...(variant ? { variant } : {}),
        }
      : undefined;
  const history = (arrayAt(json, 'history') ?? []).filter(isObject).map((step) => ({
    createdBy: stringAt(step, 'created_by') ?? '',
    created: stringAt(step, 'created') ?? null,
    comment: stringAt(step, 'comment') ?? null,
    emptyLayer: step.empty_layer === true,
  }));
  const diffIds = (arrayAt(objectAt(json, 'rootfs'), 'diff_ids') ?? []).filter(
    (d): d is string => typeof d === 'string',
  );
  return {
    platform,
    created: stringAt(json, 'created') ?? null,
    config: {
      entrypoint: stringsAt(runConfig, 'Entrypoint') ?? null,
      cmd: stringsAt(runConfig, 'Cmd') ?? null,
      env: stringsAt(runConfig, 'Env') ?? [],
      workingDir: stringAt(runConfig, 'WorkingDir') ?? '',
      user: stringAt(runConfig, 'User') ?? '',
      labels: stringRecordAt(runConfig, 'Labels'),
      exposedPorts: keysAt(runConfig, 'ExposedPorts'),
      volumes: keysAt(runConfig, 'Volumes'),
    },
    diffIds,
    history,
  };
}

/**
 * Pairs history steps with layers: each step without `empty_layer` takes the next layer
 * (shared/docs/FORMATS.md §7). When the counts disagree (edited archives, attestation configs
 * with no history) the steps still map in order as far as there are layers, with a warning.
 */
export function mapHistory(
  steps: Omit<HistoryStep, 'layer'>[],
  layerCount: number,
  where: string,
  warnings: Problem[],
): HistoryStep[] {
  const nonEmpty = steps.filter((s) => !s.emptyLayer).length;
  if (steps.length > 0 && nonEmpty !== layerCount) {
    warnings.push({
      code: 'history-mismatch',
      message: `The history has ${nonEmpty} steps that made a layer, but the image has ${layerCount} layers; steps and layers are paired in order.`,
      detail: where,
    });
  }
  let next = 0;
  return steps.map((step) => {
    if (step.emptyLayer || next >= layerCount) return { ...step, layer: null };
    return { ...step, layer: next++ };
  });
}

/** Layers a manifest lists against the diff_ids the config lists, with a warning when they differ. */
export function checkLayerCount(
  layers: LayerRef[],
  diffIds: string[],
  where: string,
  warnings: Problem[],
): void {
  if (layers.length !== diffIds.length) {
    warnings.push({
      code: 'layer-count-mismatch',
      message: `The manifest lists ${layers.length} layers but the config lists ${diffIds.length} diff_ids.`,
      detail: where,
    });
  }
}
