import type { RequestName } from '../state/requests-slice.ts';
import { useRequest } from '../state/store.ts';

/** What went wrong with a request a view started, in the view that started it. */
export function RequestError({ name }: { name: RequestName }) {
  const request = useRequest(name);
  if (request?.status !== 'error') return null;
  return (
    <p className="problem" role="alert" data-request={name}>
      {request.error}
    </p>
  );
}
