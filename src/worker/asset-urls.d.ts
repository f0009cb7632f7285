/** Files the build serves and names by URL (Vite's `?url` imports): the worker's sql.js WebAssembly. */
declare module '*?url' {
  const url: string;
  export default url;
}
