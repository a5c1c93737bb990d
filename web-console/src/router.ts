// Routes live in the URL fragment (docs/console.md): #/sign-in, #/environments,
// #/environments/{env}, #/environments/{env}/deploy, #/environments/{env}/services/{svc}[/{tab}].
import { useEffect, useState } from 'preact/hooks';

export const SERVICE_TABS = ['overview', 'versions', 'invoke', 'logs', 'scaling'] as const;
export type ServiceTab = (typeof SERVICE_TABS)[number];

export type Route =
  | { page: 'sign-in'; code: string | null }
  | { page: 'environments' }
  | { page: 'environment'; env: string }
  | { page: 'deploy'; env: string }
  | { page: 'service'; env: string; svc: string; tab: ServiceTab }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts.length === 0) return { page: 'environments' };
  if (parts[0] === 'sign-in' && parts.length === 1) {
    return { page: 'sign-in', code: new URLSearchParams(query).get('code') };
  }
  if (parts[0] !== 'environments') return { page: 'not-found', path };
  const [, env, section, svc, tab] = parts;
  if (env === undefined) return { page: 'environments' };
  if (section === undefined) return { page: 'environment', env };
  if (section === 'deploy' && svc === undefined) return { page: 'deploy', env };
  if (section === 'services' && svc !== undefined && parts.length <= 5) {
    const known = SERVICE_TABS.find((t) => t === (tab ?? 'overview'));
    if (known) return { page: 'service', env, svc, tab: known };
  }
  return { page: 'not-found', path };
}

export const currentRoute = (): Route => parseRoute(location.hash);

const enc = encodeURIComponent;
export const links = {
  environments: '#/environments',
  environment: (env: string) => `#/environments/${enc(env)}`,
  deploy: (env: string) => `#/environments/${enc(env)}/deploy`,
  service: (env: string, svc: string, tab: ServiceTab = 'overview') =>
    `#/environments/${enc(env)}/services/${enc(svc)}${tab === 'overview' ? '' : `/${tab}`}`,
};

/**
 * Goes to a route. With replace, the current history entry is replaced (so a sign-in code does not
 * stay in the history); replaceState fires no hashchange, so one is dispatched.
 */
export function goTo(path: string, replace = false): void {
  const hash = path.startsWith('#') ? path : `#${path}`;
  if (replace) {
    history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
