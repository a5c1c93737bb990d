// #/sign-in[?code=lvc_…]: a code from `lever console` is posted at once; otherwise a token is pasted.
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api';
import { goTo } from '../router';
import type { Session } from '../types';

interface Props {
  code: string | null;
  onSignedIn: (session: Session) => void;
}

export function SignIn({ code, onSignedIn }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const signIn = async (credential: { code: string } | { token: string }) => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(credential));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!code) return;
    goTo('/sign-in', true); // a code is good once: drop it from the address either way
    signIn({ code });
  }, [code]);

  const submit = (e: Event) => {
    e.preventDefault();
    if (token.trim() !== '') signIn({ token: token.trim() });
  };

  return (
    <section class="sign-in">
      <h1>Sign in</h1>
      <p class="muted">
        Run <code>lever console</code> for a sign-in link, or paste a token.
      </p>
      <form data-test="sign-in" onSubmit={submit}>
        <label for="token">Token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          data-test="token"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-describedby="sign-in-error"
        />
        <button type="submit" data-test="sign-in-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {error && (
        <p id="sign-in-error" class="error" role="alert" data-test="sign-in-error">
          {error}
        </p>
      )}
    </section>
  );
}
