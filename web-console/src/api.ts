// The one way the console talks to the control plane: same-origin fetch with the session cookie and
// the X-Lever-Console header (docs/console.md). A 401 sends the page to the sign-in route.
import { goTo, currentRoute } from './router';
import type { ConsoleSettings, Environment, Instance, Service, Session, Version } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const SESSION_PATH = '/console/session';
export const CONSOLE_HEADERS = { 'X-Lever-Console': '1' };

const enc = encodeURIComponent;
export const paths = {
  environments: '/api/v1/environments',
  environment: (env: string) => `/api/v1/environments/${enc(env)}`,
  services: (env: string) => `${paths.environment(env)}/services`,
  service: (env: string, svc: string) => `${paths.services(env)}/${enc(svc)}`,
  deployments: (env: string) => `${paths.environment(env)}/deployments`,
  events: (env: string) => `${paths.environment(env)}/events`,
  settings: '/api/v1/console/settings',
};

/** Sends the page to sign-in, unless it is there already (where a code may be on its way). */
export function signInRequired(): void {
  if (currentRoute().page !== 'sign-in') goTo('/sign-in');
}

/** Reads the {"code", "message"} error body, or makes one from the status line. */
export async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = await res.json();
    if (body && typeof body.message === 'string') return new ApiError(res.status, body.code ?? '', body.message);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, '', `${res.status} ${res.statusText || 'error'}`.trim());
}

export function checkUnauthorized(status: number, method: string, path: string): void {
  // A refused sign-in is a 401 too: the sign-in page shows its message instead.
  if (status === 401 && !(method === 'POST' && path === SESSION_PATH)) signInRequired();
}

/** Fetches path; rejects with ApiError; resolves to the parsed JSON body (undefined for 204). */
export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { ...CONSOLE_HEADERS };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(0, 'NETWORK', `cannot reach the control plane (${(e as Error).message})`);
  }
  checkUnauthorized(res.status, method, path);
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const api = {
  session: () => request<Session>('GET', SESSION_PATH),
  signIn: (credential: { code: string } | { token: string }) => request<Session>('POST', SESSION_PATH, credential),
  signOut: () => request<void>('DELETE', SESSION_PATH),
  environments: () => request<Environment[]>('GET', paths.environments),
  createEnvironment: (name: string) => request<Environment>('POST', paths.environments, { name }),
  deleteEnvironment: (env: string, withServices: boolean) =>
    request<void>('DELETE', paths.environment(env) + (withServices ? '?withServices=true' : '')),
  environment: (env: string) => request<Environment>('GET', paths.environment(env)),
  services: (env: string) => request<Service[]>('GET', paths.services(env)),
  service: (env: string, svc: string) => request<Service>('GET', paths.service(env, svc)),
  versions: (env: string, svc: string) => request<Version[]>('GET', `${paths.service(env, svc)}/versions`),
  instances: (env: string, svc: string) => request<Instance[]>('GET', `${paths.service(env, svc)}/instances`),
  rollback: (env: string, svc: string, version: number) =>
    request<Service>('POST', `${paths.service(env, svc)}/rollback`, { version }),
  setTraffic: (env: string, svc: string, shares: { version: number; percent: number }[]) =>
    request<Service>('PUT', `${paths.service(env, svc)}/traffic`, { shares }),
  settings: () => request<ConsoleSettings>('GET', paths.settings),
};

/**
 * Uploads a tar.gz archive as a deployment with XMLHttpRequest, which (unlike fetch) reports upload
 * progress: onProgress gets the fraction sent, 0 to 1.
 */
export function uploadArchive(env: string, archive: Blob, onProgress: (fraction: number) => void): Promise<Version> {
  const path = paths.deployments(env);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/gzip');
    xhr.setRequestHeader('X-Lever-Console', '1');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the upload failed: cannot reach the control plane'));
    xhr.onload = () => {
      checkUnauthorized(xhr.status, 'POST', path);
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Version);
      else reject(new ApiError(xhr.status, body?.code ?? '', body?.message ?? `${xhr.status} ${xhr.statusText}`));
    };
    xhr.send(archive);
  });
}
