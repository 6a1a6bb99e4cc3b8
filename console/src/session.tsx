// The signed-in session, available to every page: who is acting, for which organization, and
// what their roles allow the console to offer (the server decides; this only hides dead ends).
import { createContext, useContext } from 'react';
import type { Role, SessionInfo } from './api.ts';

export interface SessionContextValue {
  session: SessionInfo;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}

export function hasRole(session: SessionInfo, role: Role): boolean {
  return session.user.roles.includes(role);
}
