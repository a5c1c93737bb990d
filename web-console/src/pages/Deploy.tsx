// #/environments/{env}/deploy: upload a .tar.gz, or a folder packed into one in the browser.
import { useRef, useState } from 'preact/hooks';
import { messageOf, uploadArchive } from '../api';
import { links } from '../router';
import { insideFolder, tarGz, type FolderFile } from '../tar';
import type { Version } from '../types';

type Source = { kind: 'archive'; file: File } | { kind: 'folder'; name: string; files: FolderFile[] };

type Progress = { phase: 'packing' } | { phase: 'uploading'; fraction: number };

// The folder picker's attribute, which Preact's types do not list.
const folderPicker = { webkitdirectory: true } as Record<string, boolean>;

export function Deploy({ env }: { env: string }) {
  const [source, setSource] = useState<Source | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<Version | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const archiveInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const choose = (next: Source | null) => {
    setSource(next);
    setResult(null);
    setError(null);
  };

  // One source at a time: choosing one clears the other input.
  const onArchive = (input: HTMLInputElement) => {
    if (folderInput.current) folderInput.current.value = '';
    const file = input.files?.[0];
    choose(file ? { kind: 'archive', file } : null);
  };

  const onFolder = (input: HTMLInputElement) => {
    if (archiveInput.current) archiveInput.current.value = '';
    const files = [...(input.files ?? [])];
    if (files.length === 0) return choose(null);
    const name = files[0].webkitRelativePath.split('/')[0];
    choose({ kind: 'folder', name, files: files.map((file) => ({ path: insideFolder(file.webkitRelativePath), file })) });
  };

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const entry = e.dataTransfer?.items[0]?.webkitGetAsEntry();
    try {
      if (entry?.isDirectory) {
        choose({ kind: 'folder', name: entry.name, files: await readFolder(entry as FileSystemDirectoryEntry) });
      } else if (entry?.isFile) {
        const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
        choose({ kind: 'archive', file });
      }
    } catch (err) {
      setError(`Could not read what was dropped: ${messageOf(err)}`);
    }
  };

  const deploy = async (e: Event) => {
    e.preventDefault();
    if (!source) {
      setError('Choose a .tar.gz archive or a folder first.');
      return;
    }
    setError(null);
    setResult(null);
    try {
      if (source.kind === 'folder') setProgress({ phase: 'packing' });
      const archive = source.kind === 'archive' ? source.file : await pack(source.files);
      setProgress({ phase: 'uploading', fraction: 0 });
      setResult(await uploadArchive(env, archive, (fraction) => setProgress({ phase: 'uploading', fraction })));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <section>
      <h1>Deploy to {env}</h1>
      <p class="muted">
        A service folder holds its <code>lever.json</code>. The same as <code>lever deploy</code> in that folder.
      </p>
      <form class="deploy" onSubmit={deploy}>
        <div
          class={dragging ? 'drop-zone dragging' : 'drop-zone'}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>Drop a service folder or a .tar.gz here, or choose one:</p>
          <div class="field">
            <label for="archive">Archive (.tar.gz)</label>
            <input
              id="archive"
              ref={archiveInput}
              type="file"
              accept=".tar.gz,.tgz,application/gzip"
              data-test="archive"
              aria-describedby="deploy-error"
              onChange={(e) => onArchive(e.currentTarget)}
            />
          </div>
          <div class="field">
            <label for="folder">Folder</label>
            <input id="folder" ref={folderInput} type="file" data-test="folder" {...folderPicker} onChange={(e) => onFolder(e.currentTarget)} />
          </div>
          {source && <p data-test="deploy-source">{describe(source)}</p>}
        </div>
        {error && (
          <p id="deploy-error" class="error" role="alert" data-test="deploy-error">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" data-test="deploy-submit" disabled={progress !== null}>
            Deploy
          </button>
          {progress && <ProgressBar progress={progress} />}
        </div>
      </form>
      {result && (
        <p class="result" role="status" data-test="deploy-result">
          Deployed <a href={links.service(env, result.service)}>{result.service}</a> version {result.version} (
          {result.state}).
        </p>
      )}
    </section>
  );
}

function ProgressBar({ progress }: { progress: Progress }) {
  if (progress.phase === 'packing') {
    return (
      <label>
        Packing… <progress data-test="deploy-progress" />
      </label>
    );
  }
  return (
    <label>
      Uploading {Math.round(progress.fraction * 100)}%{' '}
      <progress data-test="deploy-progress" max={1} value={progress.fraction} />
    </label>
  );
}

async function pack(files: FolderFile[]): Promise<Blob> {
  try {
    return await tarGz(files);
  } catch (e) {
    throw new Error(`Could not pack the folder: ${messageOf(e)}`);
  }
}

function describe(source: Source): string {
  if (source.kind === 'archive') return `Archive ${source.file.name} (${source.file.size} bytes)`;
  return `Folder ${source.name} (${source.files.length} files)`;
}

/** Every regular file under a dropped folder, with its path inside that folder. */
async function readFolder(root: FileSystemDirectoryEntry): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  const walk = async (dir: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    for (const entry of await readEntries(dir)) {
      const path = prefix + entry.name;
      if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, `${path}/`);
      else if (entry.isFile) {
        const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
        files.push({ path, file });
      }
    }
  };
  await walk(root, '');
  return files;
}

/** readEntries answers in batches (about 100 each) until an empty one. */
async function readEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}
