/**
 * What a `play` run found, and the two report formats it writes on request: JUnit XML (`--junit OUT`) and TAP
 * (`--tap`). Pure: results in, text out. No times are written, so reports are reproducible.
 */

export type CaseStatus = 'passed' | 'failed' | 'skipped';

/** One step of a scenario, or one command line of a batch. */
export interface CaseResult {
  readonly name: string;
  readonly status: CaseStatus;
  /** Why it failed or was skipped, one line each. */
  readonly details: readonly string[];
}

/** One playbook file (a scenario, or a batch). */
export interface SuiteResult {
  readonly name: string;
  readonly file: string;
  readonly cases: readonly CaseResult[];
}

export interface Totals {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function totals(suites: readonly SuiteResult[]): Totals {
  const all = suites.flatMap((s) => s.cases);
  return {
    passed: all.filter((c) => c.status === 'passed').length,
    failed: all.filter((c) => c.status === 'failed').length,
    skipped: all.filter((c) => c.status === 'skipped').length,
  };
}

/** The closing line: `N passed, N failed`, and `, N skipped` when something was. */
export function summaryLine(t: Totals): string {
  return `${t.passed} passed, ${t.failed} failed${t.skipped > 0 ? `, ${t.skipped} skipped` : ''}`;
}

/** Characters XML 1.0 cannot hold at all (control characters other than TAB, LF, CR; lone surrogates). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value: quotes escaped, and TAB/LF/CR as character references so that readers keep them. */
function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** JUnit XML as Jenkins, GitLab and Surefire read it: one testsuite per file, one testcase per step. */
export function junitXml(suites: readonly SuiteResult[]): string {
  const all = totals(suites);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="metabase play" tests="${all.passed + all.failed + all.skipped}" failures="${all.failed}" errors="0" skipped="${all.skipped}">`,
  ];
  for (const suite of suites) {
    const t = totals([suite]);
    lines.push(
      `  <testsuite name="${xmlAttr(suite.name)}" file="${xmlAttr(suite.file)}" tests="${suite.cases.length}" failures="${t.failed}" errors="0" skipped="${t.skipped}">`,
    );
    for (const c of suite.cases) {
      const open = `    <testcase classname="${xmlAttr(suite.file)}" name="${xmlAttr(c.name)}"`;
      if (c.status === 'passed') {
        lines.push(`${open}/>`);
        continue;
      }
      const tag = c.status === 'failed' ? 'failure' : 'skipped';
      lines.push(`${open}>`, `      <${tag} message="${xmlAttr(c.details[0] ?? c.status)}">${xmlText(c.details.join('\n'))}</${tag}>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

/** TAP version 13: one test point per step, details as a YAML block, the plan at the end. */
export function tapLines(suites: readonly SuiteResult[]): string[] {
  const lines = ['TAP version 13'];
  let n = 0;
  for (const suite of suites) {
    lines.push(suite.name === suite.file ? `# ${suite.file}` : `# ${suite.file}: ${oneLine(suite.name)}`);
    for (const c of suite.cases) {
      n++;
      const head = `${c.status === 'failed' ? 'not ok' : 'ok'} ${n} - ${oneLine(c.name).replace(/#/g, '\\#')}`;
      lines.push(c.status === 'skipped' ? `${head} # SKIP ${oneLine(c.details[0] ?? '')}` : head);
      if (c.status === 'failed' && c.details.length > 0) {
        lines.push('  ---', '  message: |', ...c.details.flatMap((d) => d.split('\n')).map((d) => `    ${d}`), '  ...');
      }
    }
  }
  lines.push(`1..${n}`, `# ${summaryLine(totals(suites))}`);
  return lines;
}

const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ');
