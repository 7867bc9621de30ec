import { deploymentWithPods, container, ago, SEC, MIN, waitingStatus, terminated, event, incidents, NOW, service } from './fixtures.js';
import { formatIncidents } from '../../src/detect/format.js';
const objs = deploymentWithPods('memory-hog', {
  ns: 'demo', replicas: 2,
  containers: [container({ name: 'memory-hog', image: 'polinux/stress', memoryLimit: '100Mi', memoryRequest: '50Mi' })],
  podStatus: () => ({ created: ago(10 * MIN), ready: false, statuses: [waitingStatus('CrashLoopBackOff', 'back-off 1m20s restarting failed container', { name: 'memory-hog', image: 'polinux/stress', restartCount: 4, lastState: terminated(137, 'OOMKilled', ago(40 * SEC)) })] }),
});
objs.push(event(objs[2] as any, 'BackOff', 'Back-off restarting failed container memory-hog in pod x', { count: 12, fieldPath: 'spec.containers{memory-hog}' }));
objs.push(service('memory-hog', {ns: 'demo', selector: {app: 'memory-hog'}}));
objs.push(service('typo', {ns: 'demo', selector: {app: 'memory-hgo'}}));
const inc = await incidents(objs);
console.log(formatIncidents(inc, { format: 'table', now: NOW, width: 150, showNamespace: true }));
console.log(formatIncidents(inc, { format: 'table', now: NOW, width: 80 }));
console.log(formatIncidents(inc.slice(0,1), { format: 'yaml', now: NOW }));
