// The shell: checks the session once, then shows the header and the page the route names.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { Header } from './components/Header';
import { Deploy } from './pages/Deploy';
import { EnvironmentPage } from './pages/Environment';
import { Environments } from './pages/Environments';
import { ServicePage } from './pages/Service';
import { SignIn } from './pages/SignIn';
import { goTo, links, useRoute, type Route } from './router';
import type { Session } from './types';

export function App() {
  const route = useRoute();
  // undefined until the first check answers; null when signed out.
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    api.session().then(setSession, () => setSession(null));
  }, []);

  // Signed out, any page but sign-in goes there (also when only the address's fragment changes).
  useEffect(() => {
    if (session === null && route.page !== 'sign-in') goTo('/sign-in', true);
  }, [session, route.page]);

  const signedIn = (s: Session) => {
    setSession(s);
    goTo(links.environments, true);
  };
  const signOut = async () => {
    try {
      await api.signOut();
    } finally {
      setSession(null);
      goTo('/sign-in');
    }
  };

  return (
    <>
      <Header route={route} session={session ?? null} onSignOut={signOut} />
      <main id="main">
        {route.page === 'sign-in' ? (
          <SignIn code={route.code} onSignedIn={signedIn} />
        ) : session ? (
          <Page route={route} />
        ) : (
          <p class="muted">Loading…</p>
        )}
      </main>
    </>
  );
}

function Page({ route }: { route: Exclude<Route, { page: 'sign-in' }> }) {
  switch (route.page) {
    case 'environments':
      return <Environments />;
    case 'environment':
      return <EnvironmentPage key={route.env} env={route.env} />;
    case 'deploy':
      return <Deploy env={route.env} />;
    case 'service':
      return <ServicePage key={`${route.env}/${route.svc}`} env={route.env} svc={route.svc} tab={route.tab} />;
    case 'not-found':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No page at <code>{route.path}</code>. <a href={links.environments}>Environments</a>
          </p>
        </section>
      );
  }
}
