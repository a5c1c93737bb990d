// Calls a method through the data plane's HTTP API (docs/console.md: POST
// <ingressUrl>/<service>/<method>?forceenv=<env>), or a streaming one over its WebSocket.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf } from '../../api';
import { ErrorText, Loading } from '../../components/Status';
import { useLoad } from '../../hooks';

interface Props {
  env: string;
  svc: string;
}

interface Reply {
  status: number;
  text: string;
  ok: boolean;
  elapsedMs: number;
}

export function Invoke({ env, svc }: Props) {
  const settings = useLoad(api.settings, []);
  const [method, setMethod] = useState('');
  const [args, setArgs] = useState('[]');
  const [stream, setStream] = useState(false);
  const [argsError, setArgsError] = useState<string | null>(null);
  const [callError, setCallError] = useState<string | null>(null);
  const [reply, setReply] = useState<Reply | null>(null);
  const [busy, setBusy] = useState(false);
  const [streamUrl, setStreamUrl] = useState<{ url: string; first: string } | null>(null);

  if (settings.data === undefined) return settings.loading ? <Loading /> : <ErrorText message={settings.error} />;
  const ingressUrl = settings.data.ingressUrl.replace(/\/+$/, '');

  const call = async (e: Event) => {
    e.preventDefault();
    setCallError(null);
    setReply(null);
    const parsedArgs = parseArgs(args);
    setArgsError(parsedArgs.error);
    if (parsedArgs.error !== null) return;
    if (method.trim() === '') {
      setCallError('Enter a method name.');
      return;
    }
    const url = `${ingressUrl}/${encodeURIComponent(svc)}/${encodeURIComponent(method.trim())}?forceenv=${encodeURIComponent(env)}`;
    if (stream) {
      setStreamUrl({ url: url.replace(/^http/, 'ws'), first: parsedArgs.json });
      return;
    }
    setBusy(true);
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json' },
        body: parsedArgs.json,
      });
      const text = await res.text();
      const elapsedMs = performance.now() - started;
      setReply({ status: res.status, ok: res.ok, text: pretty(text), elapsedMs });
      if (!res.ok) setCallError(errorMessage(text) ?? `${res.status} ${res.statusText}`);
    } catch (err) {
      setCallError(`The call did not reach ${ingressUrl}: ${messageOf(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form class="invoke" onSubmit={call}>
        <div class="field">
          <label for="method">Method</label>
          <input id="method" data-test="method" value={method} onInput={(e) => setMethod(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="args">Arguments (a JSON array)</label>
          <textarea
            id="args"
            data-test="args"
            rows={5}
            spellcheck={false}
            value={args}
            aria-invalid={argsError ? true : undefined}
            aria-describedby="args-error"
            onInput={(e) => setArgs(e.currentTarget.value)}
          />
          {argsError && (
            <p id="args-error" class="error" role="alert" data-test="args-error">
              {argsError}
            </p>
          )}
        </div>
        <label class="check">
          <input type="checkbox" data-test="stream" checked={stream} onChange={(e) => setStream(e.currentTarget.checked)} />
          Stream (WebSocket)
        </label>
        <div class="actions">
          <button type="submit" data-test="call" disabled={busy}>
            {busy ? 'Calling…' : 'Call'}
          </button>
          <span class="muted">
            {stream ? `WebSocket ${ingressUrl.replace(/^http/, 'ws')}` : `POST ${ingressUrl}`}
            /{svc}/{method || '<method>'}?forceenv={env}
          </span>
        </div>
      </form>
      {callError && (
        <p class="error" role="alert" data-test="call-error">
          {callError}
        </p>
      )}
      {reply && (
        <div class="reply">
          <p>
            Status <span data-test="status">{reply.status}</span> in <span data-test="elapsed">{Math.round(reply.elapsedMs)} ms</span>
          </p>
          {reply.ok && <pre data-test="reply">{reply.text}</pre>}
        </div>
      )}
      {streamUrl && <StreamSession key={streamUrl.url + streamUrl.first} url={streamUrl.url} first={streamUrl.first} />}
    </>
  );
}

function parseArgs(text: string): { json: string; error: string | null } {
  try {
    const value = JSON.parse(text);
    if (!Array.isArray(value)) return { json: '', error: 'The arguments must be a JSON array, e.g. ["Ada", 3].' };
    return { json: JSON.stringify(value), error: null };
  } catch (e) {
    return { json: '', error: `The arguments are not valid JSON: ${messageOf(e)}` };
  }
}

const pretty = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** The message of a JSON error reply, if it has one. */
function errorMessage(text: string): string | null {
  try {
    const body = JSON.parse(text);
    if (typeof body?.message === 'string') return body.code ? `${body.code}: ${body.message}` : body.message;
  } catch {
    // not JSON
  }
  return text.trim() || null;
}

type Entry = { direction: 'sent' | 'received' | 'info'; text: string };

/**
 * One streaming call: the arguments go as the first text message, then whatever the user sends;
 * "Close" sends an empty text message (the half-close) and the server ends the stream.
 */
function StreamSession({ url, first }: { url: string; first: string }) {
  const socket = useRef<WebSocket | null>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const add = (entry: Entry) => setEntries((list) => [...list, entry]);

  useEffect(() => {
    const ws = new WebSocket(url);
    socket.current = ws;
    const started = performance.now();
    ws.onopen = () => {
      setOpen(true);
      ws.send(first);
      add({ direction: 'sent', text: first });
    };
    ws.onmessage = (e) => add({ direction: 'received', text: typeof e.data === 'string' ? pretty(e.data) : '(binary message)' });
    ws.onerror = () => add({ direction: 'info', text: 'WebSocket error' });
    ws.onclose = (e) => {
      setOpen(false);
      const elapsed = Math.round(performance.now() - started);
      add({ direction: 'info', text: `Closed: code ${e.code}${e.reason ? `, reason "${e.reason}"` : ''} after ${elapsed} ms` });
    };
    return () => ws.close();
  }, [url, first]);

  const send = (e: Event) => {
    e.preventDefault();
    socket.current?.send(message);
    add({ direction: 'sent', text: message });
    setMessage('');
  };
  const halfClose = () => {
    socket.current?.send('');
    add({ direction: 'info', text: 'Sent the end of the stream' });
  };

  return (
    <div class="stream">
      <h2>Stream</h2>
      <ol class="stream-log" data-test="stream-messages" aria-live="polite">
        {entries.map((entry, i) => (
          <li key={i} class={`stream-${entry.direction}`} data-test={`stream-${entry.direction}`}>
            <span class="muted">{entry.direction === 'sent' ? '→' : entry.direction === 'received' ? '←' : '·'}</span>{' '}
            <pre>{entry.text}</pre>
          </li>
        ))}
      </ol>
      <form class="inline-form" onSubmit={send}>
        <label for="stream-message">Message</label>
        <input id="stream-message" data-test="stream-message" value={message} disabled={!open} onInput={(e) => setMessage(e.currentTarget.value)} />
        <button type="submit" data-test="stream-send" disabled={!open || message === ''}>
          Send
        </button>
        <button type="button" data-test="stream-close" disabled={!open} onClick={halfClose}>
          Close
        </button>
      </form>
    </div>
  );
}
