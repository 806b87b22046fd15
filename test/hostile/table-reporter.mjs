// A node:test reporter for the hostile-peer suite: prints passes per service × fault as a
// Markdown table, and the failing cases with the first line of their error, so a run's result
// can be pasted into an issue or matched against fixes.
//
// Usage (one Node major, the whole suite):
//   node --import tsx --test --test-reporter=./test/hostile/table-reporter.mjs \
//     --test-reporter-destination=stdout test/hostile/*.test.ts
// Add --test-reporter=spec --test-reporter-destination=stderr to see progress as well.

const NAME = /^\[(.+?) × (.+?)\] (.*)$/;

export default async function* tableReporter(source) {
  const cells = new Map(); // service -> fault -> { pass, total }
  const faults = new Set();
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const match = NAME.exec(event.data.name);
    if (match === null) continue;
    const [, service, fault, title] = match;
    faults.add(fault);
    if (!cells.has(service)) cells.set(service, new Map());
    const row = cells.get(service);
    const cell = row.get(fault) ?? { pass: 0, total: 0 };
    cell.total++;
    if (event.type === 'test:pass') cell.pass++;
    else {
      const error = event.data.details?.error;
      const cause = error?.cause ?? error;
      const message = String(cause?.message ?? cause ?? 'failed').split('\n')[0];
      failures.push(`- [${service} × ${fault}] ${title}: ${message}`);
    }
    row.set(fault, cell);
  }
  const columns = [...faults].sort();
  let passed = 0;
  let total = 0;
  yield `| service | ${columns.join(' | ')} |\n`;
  yield `|---|${columns.map(() => '---').join('|')}|\n`;
  for (const service of [...cells.keys()].sort()) {
    const row = cells.get(service);
    const out = columns.map((fault) => {
      const cell = row.get(fault);
      if (cell === undefined) return '';
      passed += cell.pass;
      total += cell.total;
      return `${cell.pass}/${cell.total}${cell.pass < cell.total ? ' ✖' : ''}`;
    });
    yield `| ${service} | ${out.join(' | ')} |\n`;
  }
  yield `\n${passed}/${total} cases pass.\n`;
  if (failures.length > 0) yield `\nFailing:\n${failures.join('\n')}\n`;
}
