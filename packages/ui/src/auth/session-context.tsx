import { createContext, useContext } from 'react';
import type { WhoAmIResponse } from '../api/types.js';

export interface Session {
  whoami: WhoAmIResponse;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside of a logged-in app');
  return s;
}
