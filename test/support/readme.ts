import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README_PATH = fileURLToPath(new URL('../../README.md', import.meta.url));

export function readme(): string {
  return readFileSync(README_PATH, 'utf8');
}

/** The text of a `## title` or `### title` section, up to the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`README has no heading '${heading}'`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line) && (/^#+/.exec(line)?.[0].length ?? 0) <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Rows of the first markdown table whose header's first cell is `firstHeader`, as trimmed cells. */
export function table(markdown: string, firstHeader: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => cells(line)[0] === firstHeader);
  if (start < 0) throw new Error(`no table with a '${firstHeader}' column`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

function cells(line: string): string[] {
  if (!line.trim().startsWith('|')) return [];
  // Escaped pipes (`ideal\|realistic`) belong to the cell.
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

export interface CodeBlock {
  /** The marker comment just above the fence (`<!-- readme-test: name -->`), if any. */
  readonly marker?: string;
  readonly language: string;
  readonly body: string;
}

/** Every fenced code block, with the `<!-- readme-test: … -->` marker that precedes it. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const pattern = /(?:<!-- readme-test: ([\w-]+) -->\n)?```(\w*)\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) {
    blocks.push({ ...(match[1] === undefined ? {} : { marker: match[1] }), language: match[2] ?? '', body: match[3] ?? '' });
  }
  return blocks;
}
