import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKubectlCommand } from '../../src/tools/kubectl-command.js';
import { splitShellWords } from '../../src/tools/shell-words.js';

describe('shell words', () => {
  const cases: [string, readonly string[]][] = [
    [`get pods`, ['get', 'pods']],
    [`  get   pods  `, ['get', 'pods']],
    [`patch deploy web -p '{"spec": {"replicas": 2}}'`, ['patch', 'deploy', 'web', '-p', '{"spec": {"replicas": 2}}']],
    [`label pod a "team=red blue"`, ['label', 'pod', 'a', 'team=red blue']],
    [`get pods -o jsonpath='{.items[*].metadata.name}'`, ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']],
    [`annotate pod a note=it\\'s`, ['annotate', 'pod', 'a', "note=it's"]],
    [`get pod "a\\"b"`, ['get', 'pod', 'a"b']],
    [`get pod ''`, ['get', 'pod', '']],
    [`get pod a""b`, ['get', 'pod', 'ab']],
    [`get pod 'x'"y"z`, ['get', 'pod', 'xyz']],
    [`get pods -l 'app in (a,b)'`, ['get', 'pods', '-l', 'app in (a,b)']],
    [`get pods --field-selector=status.phase!=Running`, ['get', 'pods', '--field-selector=status.phase!=Running']],
    [`logs web -c "app"`, ['logs', 'web', '-c', 'app']],
    [`get pods 'a;b'`, ['get', 'pods', 'a;b']],
    [`get pods "a|b"`, ['get', 'pods', 'a|b']],
  ];
  for (const [text, argv] of cases)
    it(`splits ${text}`, () => {
      const r = splitShellWords(text);
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.deepEqual(r.argv, argv);
    });

  const refused: [string, string][] = [
    [`get pods | grep web`, 'COMPOUND'],
    [`get pods; kubectl delete ns prod`, 'COMPOUND'],
    [`get pods && kubectl delete ns prod`, 'COMPOUND'],
    [`get pods || true`, 'COMPOUND'],
    [`get pods > /tmp/x`, 'COMPOUND'],
    [`apply -f - < /etc/passwd`, 'COMPOUND'],
    [`get pods 2>&1`, 'COMPOUND'],
    [`get pods &`, 'COMPOUND'],
    [`get pods\ndelete ns prod`, 'COMPOUND'],
    [`get pods $(kubectl delete ns prod)`, 'EXPANSION'],
    [`get pods \`rm -rf /\``, 'EXPANSION'],
    [`get pods "$(whoami)"`, 'EXPANSION'],
    [`get pods -n $NS`, 'EXPANSION'],
    [`get pods -n \${NS}`, 'EXPANSION'],
    [`get pods 'unterminated`, 'UNTERMINATED'],
    [`get pods "unterminated`, 'UNTERMINATED'],
    [`get pods \\`, 'UNTERMINATED'],
    [`get pods # and a comment`, 'COMPOUND'],
  ];
  for (const [text, code] of refused)
    it(`refuses ${JSON.stringify(text)} (${code})`, () => {
      const r = splitShellWords(text);
      assert.equal(r.ok, false);
      assert.equal(r.ok ? '' : r.code, code);
    });
});

describe('kubectl command classification', () => {
  type Expect = { effect: string; namespace?: string; verb?: string };
  const table: [string, Expect][] = [
    ['kubectl get pods', { effect: 'read', verb: 'get' }],
    ['get pods -n shop', { effect: 'read', namespace: 'shop' }],
    ['get pods --namespace=shop', { effect: 'read', namespace: 'shop' }],
    ['get pods --namespace shop', { effect: 'read', namespace: 'shop' }],
    ['get pods -nshop', { effect: 'read', namespace: 'shop' }],
    ['get pods -n=shop', { effect: 'read', namespace: 'shop' }],
    ['-n shop get pods', { effect: 'read', namespace: 'shop', verb: 'get' }],
    ['get pods -A', { effect: 'read', namespace: '*' }],
    ['get pods --all-namespaces', { effect: 'read', namespace: '*' }],
    ['describe pod web-1 -n shop', { effect: 'read' }],
    ['logs web-1 -p -n shop', { effect: 'read', namespace: 'shop' }],
    ['logs web-1 -pn shop', { effect: 'read', namespace: 'shop' }],
    ['logs web-1 --tail 50 -c app', { effect: 'read' }],
    ['top pods -n shop', { effect: 'read' }],
    ['explain deployment.spec', { effect: 'read' }],
    ['api-resources', { effect: 'read' }],
    ['api-versions', { effect: 'read' }],
    ['version', { effect: 'read' }],
    ['cluster-info', { effect: 'read' }],
    ['cluster-info dump --output-directory=/tmp/x', { effect: 'unknown' }],
    ['config view', { effect: 'read' }],
    ['config use-context other', { effect: 'unknown' }],
    ['rollout status deploy/web', { effect: 'read' }],
    ['rollout history deploy/web', { effect: 'read' }],
    ['rollout restart deploy/web -n shop', { effect: 'write', namespace: 'shop' }],
    ['rollout undo deploy/web --to-revision 2', { effect: 'write' }],
    ['rollout pause deploy/web', { effect: 'write' }],
    ['rollout frobnicate deploy/web', { effect: 'unknown' }],
    ['apply -f manifest.yaml', { effect: 'write' }],
    ['apply view-last-applied deploy/web', { effect: 'read' }],
    ['apply set-last-applied -f x.yaml', { effect: 'unknown' }],
    [`patch deploy web -n shop --type merge -p '{"spec":{"replicas":2}}'`, { effect: 'write', namespace: 'shop' }],
    ['scale deploy/web --replicas=3', { effect: 'write' }],
    ['set image deploy/web app=nginx:1.27', { effect: 'write' }],
    ['label pod a x=y', { effect: 'write' }],
    ['annotate pod a x=y', { effect: 'write' }],
    ['create configmap c --from-literal=a=b', { effect: 'write' }],
    ['run tmp --image=busybox', { effect: 'write' }],
    ['expose deploy web --port 80', { effect: 'write' }],
    ['autoscale deploy web --max 5', { effect: 'write' }],
    ['scale deploy/web --replicas=3 --dry-run=server', { effect: 'read' }],
    ['scale deploy/web --replicas=3 --dry-run=server --dry-run=none', { effect: 'write' }],
    ['scale deploy/web --replicas=3 --dry-run', { effect: 'write' }],
    ['delete pod web-1', { effect: 'destructive' }],
    ['delete namespace production', { effect: 'destructive', namespace: 'production' }],
    ['delete ns kube-system -n shop', { effect: 'destructive', namespace: 'kube-system' }],
    ['delete namespace/kube-system', { effect: 'destructive', namespace: 'kube-system' }],
    ['delete --grace-period 0 namespace kube-system', { effect: 'destructive', namespace: 'kube-system' }],
    ['delete ns a b', { effect: 'destructive', namespace: '*' }],
    ['delete ns --all', { effect: 'destructive', namespace: '*' }],
    ['delete pods --all -A', { effect: 'destructive', namespace: '*' }],
    ['drain node-1', { effect: 'destructive' }],
    ['cordon node-1', { effect: 'destructive' }],
    ['uncordon node-1', { effect: 'destructive' }],
    ['exec web-1 -- rm -rf /data', { effect: 'destructive' }],
    ['replace -f x.yaml', { effect: 'destructive' }],
    ['cp web-1:/etc/passwd ./x', { effect: 'destructive' }],
    ['debug web-1 --image=busybox', { effect: 'destructive' }],
    ['kustomize .', { effect: 'unknown' }],
    ['proxy', { effect: 'unknown' }],
    ['frobnicate pods', { effect: 'unknown' }],
    ['certificate approve csr-1', { effect: 'unknown' }],
    ['auth can-i delete pods', { effect: 'read' }],
  ];
  for (const [command, expect] of table)
    it(`${command} -> ${expect.effect}${expect.namespace ? ` in ${expect.namespace}` : ''}`, () => {
      const c = parseKubectlCommand(command);
      assert.ok(c.ok, c.ok ? '' : c.message);
      assert.equal(c.effect, expect.effect);
      if (expect.namespace !== undefined) assert.equal(c.namespace, expect.namespace);
      if (expect.verb !== undefined) assert.equal(c.verb, expect.verb);
    });

  const refused: [string, RegExp][] = [
    ['edit deploy/web', /interactive/],
    ['port-forward svc/web 8080:80', /interactive/],
    ['attach web-1', /interactive/],
    ['get pods --kubeconfig /root/.kube/admin', /--kubeconfig is not allowed/],
    ['get pods --kubeconfig=/root/.kube/admin', /--kubeconfig is not allowed/],
    ['--context prod delete pod x', /--context is not allowed/],
    ['get pods --server https://evil:6443', /--server is not allowed/],
    ['get pods -s https://evil:6443', /-s \(--server\) is not allowed/],
    ['get pods --token abc', /--token is not allowed/],
    ['get pods --as system:admin', /--as is not allowed/],
    ['get pods --as-group=system:masters', /--as-group is not allowed/],
    ['get pods -o go-template-file=/etc/passwd', /template file/],
    ['get pods --output jsonpath-file=/etc/passwd', /template file/],
    ['apply -f x.yaml --prune -l app=web', /--prune/],
    ['get pods | sh', /shell syntax/],
    ['', /empty command/],
    ['kubectl', /empty command/],
  ];
  for (const [command, message] of refused)
    it(`refuses ${JSON.stringify(command)}`, () => {
      const c = parseKubectlCommand(command);
      assert.equal(c.ok, false);
      assert.match(c.ok ? '' : c.message, message);
    });

  it('knows which write verbs can be dry-run on the server', () => {
    const dry = (cmd: string) => {
      const c = parseKubectlCommand(cmd);
      return c.ok && c.dryRunnable;
    };
    assert.equal(dry('scale deploy/web --replicas=1'), true);
    assert.equal(dry('rollout restart deploy/web'), true);
    assert.equal(dry('rollout pause deploy/web'), false);
    assert.equal(dry('exec web-1 -- ls'), false);
  });
});
