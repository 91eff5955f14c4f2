// What a Markdown report would let through on GitHub: everything outside fenced code blocks and
// code spans (CommonMark's rules for their fences), where HTML, images, links, autolinks and
// mentions would render. Written independently of src/cli/report.ts.

const INVISIBLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

/** The text outside fenced code blocks and code spans. */
export function proseOf(markdown: string): string {
  const out: string[] = [];
  let fence: { char: string; length: number } | undefined;
  for (const line of markdown.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1][0] === fence.char && m[1].length >= fence.length && line.trim() === m[1]) fence = undefined;
      continue;
    }
    if (m) { fence = { char: m[1][0], length: m[1].length }; continue; }
    let rest = '';
    let i = 0;
    while (i < line.length) {
      if (line[i] === '\\' && i + 1 < line.length) { rest += line.slice(i, i + 2); i += 2; continue; }
      if (line[i] !== '`') { rest += line[i++]; continue; }
      let n = 0;
      while (line[i + n] === '`') n++;
      // The closing run has exactly n backticks.
      let j = i + n;
      let close = -1;
      while (j < line.length) {
        if (line[j] !== '`') { j++; continue; }
        let k = 0;
        while (line[j + k] === '`') k++;
        if (k === n) { close = j; break; }
        j += k;
      }
      if (close < 0) { rest += line.slice(i, i + n); i += n; continue; }
      rest += ' ';
      i = close + n;
    }
    out.push(rest);
  }
  return out.join('\n');
}

/** Every place where repository text could render as HTML, an image, a link or a mention, or an invisible character. */
export function markdownLeaks(markdown: string): string[] {
  const leaks: string[] = [];
  const prose = proseOf(markdown);
  for (const [name, re] of [
    ['html', /<[A-Za-z/!?]/], ['link', /\]\(/], ['autolink', /https?:\/\/|www\./i], ['mention', /(^|[^\w`])@[A-Za-z0-9]/], ['entity', /&[#A-Za-z0-9]+;/],
  ] as const) {
    const m = re.exec(prose);
    if (m) leaks.push(`${name}: ${JSON.stringify(prose.slice(Math.max(0, m.index - 30), m.index + 40))}`);
  }
  if (INVISIBLE.test(markdown.replace(/\n/g, ''))) leaks.push('an invisible or bidi character');
  return leaks;
}
