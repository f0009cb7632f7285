// Strata's service worker: after the first visit the app works offline. Only the app's own files
// are cached (same origin, whole-file GETs); archives fetched by #url= are never touched.
// Pages: network first, so a new version is seen at once; the cache serves when offline.
// Hashed assets and the sample: cache first, since their names change when their content does.
// It also serves downloads that stream (src/state/stream-download.ts): the page hands it a port,
// then opens ./strata-download/<id> in a hidden frame; the response's body is pulled from the
// port chunk by chunk, so a download of gigabytes never sits whole in memory.
const CACHE = 'strata-app-v1';

/** Downloads announced by a page and not yet asked for: id -> { name, port }. */
const downloads = new Map();

self.addEventListener('message', (event) => {
  const data = event.data;
  if (data?.type !== 'strata-download') return;
  downloads.set(data.id, { name: data.name, port: data.port });
  data.port.postMessage({ type: 'ready' });
});

function streamedDownload(id) {
  const download = downloads.get(id);
  if (!download) return new Response('This download is gone.', { status: 404 });
  downloads.delete(id);
  const { name, port } = download;
  const body = new ReadableStream(
    {
      start(controller) {
        port.onmessage = ({ data }) => {
          if (data.type === 'chunk') controller.enqueue(data.chunk);
          else if (data.type === 'end') controller.close();
          else if (data.type === 'error') controller.error(new Error(data.message));
        };
      },
      // One request per chunk wanted: the page sends no more than is asked for.
      pull() {
        port.postMessage({ type: 'pull' });
      },
      cancel() {
        port.postMessage({ type: 'cancel' });
      },
    },
    { highWaterMark: 4 },
  );
  return new Response(body, {
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    },
  });
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(['./', './index.html', './favicon.svg']))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const download = /\/strata-download\/([\w-]+)$/.exec(url.pathname);
  if (download && url.origin === self.location.origin) {
    event.respondWith(streamedDownload(download[1]));
    return;
  }
  if (
    request.method !== 'GET' ||
    url.origin !== self.location.origin ||
    request.headers.has('range')
  )
    return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put('./index.html', copy));
          return response;
        })
        .catch(() => caches.match('./index.html')),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(
      (cached) =>
        cached ??
        fetch(request).then((response) => {
          if (response.ok && response.status === 200) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
