// #/environments: the list, a create form, and delete with a confirmation naming what will stop.
import { useState } from 'preact/hooks';
import { api, messageOf } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Empty, ErrorText, Loading } from '../components/Status';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { links } from '../router';
import type { Environment } from '../types';

interface PendingDelete {
  env: string;
  text: string;
  /** Whether the confirmation named services that will stop (else an empty environment is expected). */
  withServices: boolean;
}

export function Environments() {
  const list = useLoad(api.environments, []);
  const [pending, setPending] = useState<PendingDelete | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const askDelete = async (env: string) => {
    setDeleteError(null);
    try {
      const services = await api.services(env);
      const names = services.map((s) => s.name);
      const text =
        names.length === 0
          ? `Delete environment ${env}? It has no services.`
          : `Delete environment ${env}? Its ${names.length} ${names.length === 1 ? 'service' : 'services'} will stop: ${names.join(', ')}`;
      setPending({ env, text, withServices: names.length > 0 });
    } catch (e) {
      setDeleteError(messageOf(e));
    }
  };

  const confirmDelete = async () => {
    if (!pending) return;
    const { env, withServices } = pending;
    setPending(null);
    try {
      await api.deleteEnvironment(env, withServices);
    } catch (e) {
      setDeleteError(`Could not delete ${env}: ${messageOf(e)}`);
    }
    list.reload();
  };

  return (
    <section>
      <h1>Environments</h1>
      <CreateEnvironment onCreated={list.reload} />
      <ErrorText message={list.error ?? deleteError} />
      {list.data === undefined ? (
        list.loading && <Loading />
      ) : list.data.length === 0 ? (
        <Empty>No environments yet: create one above.</Empty>
      ) : (
        <EnvironmentTable environments={list.data} onDelete={askDelete} />
      )}
      {pending && (
        <ConfirmDialog
          text={pending.text}
          confirmLabel="Delete"
          onConfirm={confirmDelete}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}

function EnvironmentTable({ environments, onDelete }: { environments: Environment[]; onDelete: (env: string) => void }) {
  return (
    <div class="table-wrap">
      <table data-test="environments">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" class="num">
              Services
            </th>
            <th scope="col">Created</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {environments.map((env) => (
            <tr key={env.name} data-test="environment-row" data-name={env.name}>
              <td>
                <a href={links.environment(env.name)}>{env.name}</a>
              </td>
              <td class="num">{env.serviceCount}</td>
              <td>{dateTime(env.createdAt)}</td>
              <td class="row-actions">
                <button
                  type="button"
                  class="danger"
                  data-test="delete-environment"
                  aria-label={`Delete ${env.name}`}
                  onClick={() => onDelete(env.name)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CreateEnvironment({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.createEnvironment(name.trim());
      setName('');
      onCreated();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="inline-form" onSubmit={submit}>
      <label for="new-environment">New environment</label>
      <input
        id="new-environment"
        data-test="new-environment"
        placeholder="staging.lever"
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
        aria-describedby="create-environment-error"
        aria-invalid={error ? true : undefined}
      />
      <button type="submit" data-test="create-environment" disabled={busy}>
        Create
      </button>
      {error && (
        <span id="create-environment-error" class="error" role="alert" data-test="create-environment-error">
          {error}
        </span>
      )}
    </form>
  );
}
