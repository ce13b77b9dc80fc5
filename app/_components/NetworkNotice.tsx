"use client";

import { isNetworkUser, networkReadOnlyNote } from "../_lib/institutions.ts";
import { useSession } from "./AuthProvider.tsx";

/**
 * Said once on a page that would offer changes (start, abort, edit, create),
 * to a network-role user, who gets none of them: nothing for anyone else.
 */
export function NetworkNotice() {
  const { user } = useSession();
  if (!isNetworkUser(user)) return null;
  return (
    <p className="notice notice--info" data-testid="network-notice">
      {networkReadOnlyNote}
    </p>
  );
}
