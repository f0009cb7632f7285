declare module 'js-untar' {
  /** Untars a whole archive held in memory; resolves with one object per entry. */
  export default function untar(buffer: ArrayBuffer): Promise<unknown[]>;
}
