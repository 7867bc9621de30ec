import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeLogs } from '../../src/tools/k8s-insight-tools.js';
import { capText, compactKubectlOutput, trimObject } from '../../src/tools/output.js';

describe('tool output compaction', () => {
  it('caps at a line boundary and says how to narrow', () => {
    const text = Array.from({ length: 500 }, (_, i) => `pod-${i}   Running`).join('\n');
    const c = capText(text, { maxChars: 200, narrow: 'add -n NAMESPACE' });
    assert.equal(c.truncated, true);
    assert.ok(c.content.length < 320);
    assert.match(c.content, /^pod-0 {3}Running\n/);
    assert.match(c.content, /\[truncated: \d+ more lines .*narrow the query: add -n NAMESPACE\]$/);
    const tail = capText(text, { maxChars: 200, keep: 'tail' });
    assert.match(tail.content, /pod-499 {3}Running$/);
    assert.deepEqual(capText('short'), { content: 'short', truncated: false });
  });

  it('drops managedFields and last-applied, and blanks Secret values', () => {
    const trimmed = trimObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        managedFields: [{ manager: 'kubectl' }],
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}',
          team: 'a',
        },
      },
      data: { password: 'aHVudGVyMg==' },
    });
    const text = JSON.stringify(trimmed);
    assert.doesNotMatch(text, /managedFields|last-applied|aHVudGVyMg/);
    assert.match(text, /"team":"a"/);
    assert.match(text, /"password":"\[REDACTED\]"/);
  });

  it('turns list JSON and YAML into trimmed YAML documents', () => {
    const list = JSON.stringify({
      kind: 'List',
      items: [
        { kind: 'Pod', metadata: { name: 'a', managedFields: [{}] }, spec: { nodeName: null } },
        { kind: 'Pod', metadata: { name: 'b' } },
      ],
    });
    const out = compactKubectlOutput(list);
    assert.equal(out, 'kind: Pod\nmetadata:\n  name: a\n---\nkind: Pod\nmetadata:\n  name: b');
    const yaml = compactKubectlOutput('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  token: c2VjcmV0\n');
    assert.doesNotMatch(yaml, /c2VjcmV0/);
    assert.equal(compactKubectlOutput('NAME   READY\nweb    1/1\n'), 'NAME   READY\nweb    1/1');
  });

  it('puts log error lines first and redacts credentials', () => {
    const log = [
      'starting',
      'password=hunter22 connecting',
      ...Array.from({ length: 50 }, (_, i) => `tick ${i}`),
      'FATAL: QUEUE_URL is not set',
    ].join('\n');
    const s = summarizeLogs(log, 8_000);
    assert.match(s.content, /^Error lines \(1\):\nFATAL: QUEUE_URL is not set\n\nLog tail \(53 lines\):/);
    assert.doesNotMatch(s.content, /hunter22/);
  });
});
