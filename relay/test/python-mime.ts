/**
 * Python's email parser (Debian's python3, through e2e/fixtures/mime_parts.py)
 * as the reader no one here wrote: what each leaf part of a message decodes
 * to, and the longest line of the message.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../e2e/fixtures/mime_parts.py', import.meta.url));

export interface PythonPart {
  content_type: string;
  charset: string | null;
  encoding: string;
  /** The decoded octets. */
  payload: Buffer;
  /** A text part's text, decoded from its charset; null for other parts. */
  text: string | null;
  attachment: boolean;
}

export interface PythonReading {
  /** The message's header fields as a reader shows them: unfolded, encoded-words decoded. */
  headers: [string, string][];
  parts: PythonPart[];
  defects: string[];
  longest_line: number;
}

export function readWithPython(message: Buffer): Promise<PythonReading> {
  return new Promise((resolve, reject) => {
    const child = execFile('/usr/bin/python3', [script], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`mime_parts.py failed: ${stderr}`));
        return;
      }
      const reading = JSON.parse(stdout) as Omit<PythonReading, 'parts'> & { parts: (Omit<PythonPart, 'payload'> & { payload: string })[] };
      resolve({ ...reading, parts: reading.parts.map((p) => ({ ...p, payload: Buffer.from(p.payload, 'base64') })) });
    });
    child.stdin?.end(message);
  });
}
