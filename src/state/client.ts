import { ArchiveClient } from '../worker/client.ts';

/** The page's one worker client, shared by the actions. */
export const client = new ArchiveClient();
