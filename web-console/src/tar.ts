// Packs a folder chosen in the browser into the tar.gz a deployment takes: a minimal ustar writer
// (regular files only, mode 0644, mtime now) and the browser's own gzip (CompressionStream).

export interface FolderFile {
  /** Path relative to the folder's root, "/"-separated, e.g. "src/main.js". */
  path: string;
  file: Blob;
}

const BLOCK = 512;
const encoder = new TextEncoder();

/** Packs files into a gzip-compressed ustar archive. */
export async function tarGz(files: FolderFile[]): Promise<Blob> {
  const gzip = tar(files).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(gzip).blob();
}

/** The uncompressed ustar archive: per file a header, its bytes padded to 512, then two empty blocks. */
export function tar(files: FolderFile[]): Blob {
  const mtime = Math.floor(Date.now() / 1000);
  const parts: BlobPart[] = [];
  for (const { path, file } of files) {
    parts.push(header(path, file.size, mtime), file);
    const padding = (BLOCK - (file.size % BLOCK)) % BLOCK;
    if (padding > 0) parts.push(new Uint8Array(padding));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return new Blob(parts, { type: 'application/x-tar' });
}

function header(path: string, size: number, mtime: number): Uint8Array<ArrayBuffer> {
  const [prefix, name] = splitName(path);
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, length: number, value: string | Uint8Array) => {
    const bytes = typeof value === 'string' ? encoder.encode(value) : value;
    block.set(bytes.subarray(0, length), offset);
  };
  const octal = (offset: number, length: number, value: number) =>
    put(offset, length, value.toString(8).padStart(length - 1, '0') + '\0');

  put(0, 100, name);
  octal(100, 8, 0o644); // mode
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  octal(124, 12, size);
  octal(136, 12, mtime);
  put(148, 8, '        '); // checksum: spaces while summing
  put(156, 1, '0'); // typeflag: regular file
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  put(345, 155, prefix);
  const checksum = block.reduce((sum, b) => sum + b, 0);
  put(148, 8, checksum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

/**
 * A path over 100 bytes goes into the ustar prefix (up to 155 bytes) and name (up to 100 bytes),
 * split at a "/".
 */
function splitName(path: string): [Uint8Array, Uint8Array] {
  const whole = encoder.encode(path);
  if (whole.length <= 100) return [new Uint8Array(0), whole];
  for (let i = whole.length - 1; i > 0; i--) {
    if (whole[i] !== 0x2f) continue; // "/"
    const prefix = whole.subarray(0, i);
    const name = whole.subarray(i + 1);
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return [prefix, name];
  }
  throw new Error(`the path '${path}' is too long for a tar archive (expected: a name of at most 100 bytes after a folder path of at most 155)`);
}

/** webkitRelativePath is "<chosen folder>/a/b.js": the path inside the folder drops the first segment. */
export const insideFolder = (relativePath: string): string => relativePath.split('/').slice(1).join('/');
