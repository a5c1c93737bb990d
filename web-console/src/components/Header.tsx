import { useState } from 'preact/hooks';
import { links, type Route } from '../router';
import { currentTheme, setTheme, type Theme } from '../theme';
import type { Session } from '../types';

interface Props {
  route: Route;
  session: Session | null;
  onSignOut: () => void;
}

export function Header({ route, session, onSignOut }: Props) {
  const env = 'env' in route ? route.env : null;
  return (
    <header class="top">
      <a class="brand" href={links.environments}>
        Lever
      </a>
      <nav aria-label="Main">
        <a href={links.environments} aria-current={route.page === 'environments' ? 'page' : undefined}>
          Environments
        </a>
        {env !== null && (
          <a href={links.environment(env)} aria-current={route.page === 'environment' ? 'page' : undefined}>
            {env}
          </a>
        )}
      </nav>
      <div class="top-end">
        {session && (
          <>
            <span class="whoami" data-test="whoami" title={`scope ${session.scope}`}>
              {session.name}
            </span>
            <button type="button" data-test="sign-out" onClick={onSignOut}>
              Sign out
            </button>
          </>
        )}
        <ThemeToggle />
      </div>
    </header>
  );
}

function ThemeToggle() {
  const [theme, setCurrent] = useState<Theme>(currentTheme);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  const toggle = () => {
    setTheme(next);
    setCurrent(next);
  };
  return (
    <button type="button" data-test="theme" onClick={toggle} aria-label={`Switch to the ${next} theme`}>
      {theme === 'dark' ? 'Light' : 'Dark'} theme
    </button>
  );
}
