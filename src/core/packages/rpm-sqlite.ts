/**
 * rpm ≥ 4.16's `rpmdb.sqlite` (RHEL 9, Fedora, CBL-Mariner): the `Packages` table's `blob` column
 * holds one header blob a row. Read with sql.js (SQLite compiled to WebAssembly), loaded only when
 * an image has such a database. The page sets where its .wasm file is served (`sqliteWasmAt`);
 * Node finds it beside the package.
 */
let wasmUrl: string | undefined;
let engine: Promise<unknown> | undefined;

export function sqliteWasmAt(url: string): void {
  wasmUrl = url;
}

interface SqlJs {
  Database: new (
    bytes: Uint8Array,
  ) => {
    exec(sql: string): { values: unknown[][] }[];
    close(): void;
  };
}

export async function sqliteBlobs(db: Uint8Array): Promise<Uint8Array[]> {
  engine ??= import('sql.js').then((m) =>
    m.default(wasmUrl ? { locateFile: () => wasmUrl! } : undefined),
  );
  const sql = (await engine) as SqlJs;
  const database = new sql.Database(db);
  try {
    const rows = database.exec('SELECT blob FROM Packages')[0]?.values ?? [];
    return rows.map((row) => row[0]).filter((v): v is Uint8Array => v instanceof Uint8Array);
  } finally {
    database.close();
  }
}
