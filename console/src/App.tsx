// The console application: find the session (or ask to sign in), then the shell with its
// header, navigation and the page of the current path.
import { useCallback, useEffect, useState } from 'react';
import {
  type ApiError,
  api,
  asApiError,
  type SessionInfo,
  setCsrfToken,
  setUnauthenticatedHandler,
} from './api.ts';
import { ProblemBanner } from './components/ProblemBanner.tsx';
import { Shell } from './components/Shell.tsx';
import { SignInPage } from './pages/SignIn.tsx';
import { navigate, useLocation } from './router.tsx';
import { HOME } from './routes.tsx';
import { SessionContext } from './session.tsx';

type State =
  | { phase: 'checking' }
  | { phase: 'signed-out'; notice?: string }
  | { phase: 'signed-in'; session: SessionInfo }
  | { phase: 'failed'; error: ApiError };

export function App() {
  const [state, setState] = useState<State>({ phase: 'checking' });
  const { pathname } = useLocation();

  const signedIn = useCallback((session: SessionInfo) => {
    setCsrfToken(session.csrfToken);
    setState({ phase: 'signed-in', session });
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setState({ phase: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' });
    });
    api.session.current().then(signedIn, (e: unknown) => {
      const err = asApiError(e);
      if (err.status === 401) setState({ phase: 'signed-out' });
      else setState({ phase: 'failed', error: err });
    });
    return () => setUnauthenticatedHandler(null);
  }, [signedIn]);

  useEffect(() => {
    if (state.phase === 'signed-in' && (pathname === '/' || pathname === '/signin'))
      navigate(HOME, { replace: true });
  }, [state.phase, pathname]);

  const signOut = useCallback(async () => {
    try {
      await api.session.signOut();
    } finally {
      setCsrfToken(null);
      setState({ phase: 'signed-out', notice: 'You have signed out.' });
    }
  }, []);

  switch (state.phase) {
    case 'checking':
      return <div className="splash">Loading Bulwark…</div>;
    case 'failed':
      return (
        <div className="splash">
          <ProblemBanner error={state.error} />
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Try again
          </button>
        </div>
      );
    case 'signed-out':
      return <SignInPage notice={state.notice} onSignedIn={signedIn} />;
    case 'signed-in':
      return (
        <SessionContext.Provider value={{ session: state.session, signOut }}>
          <Shell pathname={pathname} />
        </SessionContext.Provider>
      );
  }
}
