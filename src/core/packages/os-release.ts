/** The distribution an image says it is (`/etc/os-release`), for purls' namespace and `distro`. */
export interface Distro {
  id: string;
  versionId: string;
}

export function parseOsRelease(text: string): Distro | null {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values.set(m[1]!, m[2]!.replace(/^["']|["']$/g, ''));
  }
  const id = values.get('ID');
  return id ? { id, versionId: values.get('VERSION_ID') ?? '' } : null;
}

/** `distro=` as purls write it: `debian-12`, `alpine-3.19.1`. */
export function distroQualifier(distro: Distro | null): Record<string, string> {
  if (!distro) return {};
  return { distro: distro.versionId ? `${distro.id}-${distro.versionId}` : distro.id };
}
