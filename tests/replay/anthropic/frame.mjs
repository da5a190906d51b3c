// Shared by the expected-output generator: the bytes the loopback server sends for one fixture.
// (harness.py frames the same way; both must stay byte-identical.)
import fs from 'node:fs';

export function framedBody(path) {
  const text = fs.readFileSync(path, 'utf8');
  if (path.endsWith('.json')) return text;
  return text
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => {
      let type;
      try {
        type = JSON.parse(line).type;
      } catch {
        type = undefined;
      }
      return (typeof type === 'string' ? `event: ${type}\n` : '') + `data: ${line}\n\n`;
    })
    .join('');
}
