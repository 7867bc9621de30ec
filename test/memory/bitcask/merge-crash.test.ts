// Failure mode 5 of the reference: a process SIGKILLed at each stage of a merge. A child process runs the merge
// with KUBEMEND_BITCASK_CRASH_AT naming the stage (see src/memory/bitcask/crash-points.ts) and kills itself there;
// afterwards a read-only opener and then a writer must both see exactly the pre-merge contents.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CRASH_ENV, CRASH_POINTS, openBitcask } from '../../../src/memory/bitcask/index.js';
import { contents, fixture, runChild, sortedModel, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const key = (i: number) => `k/${String(i).padStart(4, '0')}`;

/** A closed store spread over many files, with overwrites, deletes and batches; plus its expected contents. */
async function prepare(): Promise<{ dir: string; model: Map<string, string> }> {
  const dir = tempDir();
  const db = await openBitcask({ dir, sync: 'none', autoMerge: false, maxFileSize: 4096 });
  const model = new Map<string, string>();
  for (let gen = 0; gen < 2; gen++) {
    for (let i = 0; i < 300; i++) {
      await db.put(key(i), `g${gen}-${i}`.repeat(3));
      model.set(key(i), `g${gen}-${i}`.repeat(3));
    }
  }
  for (let i = 0; i < 300; i += 7) {
    await db.delete(key(i));
    model.delete(key(i));
  }
  await db.batch([
    { type: 'put', key: 'batched/a', value: 'A' },
    { type: 'delete', key: key(1) },
  ]);
  model.set('batched/a', 'A');
  model.delete(key(1));
  await db.close();
  return { dir, model: sortedModel(model) };
}

const leftovers = (dir: string) => readdirSync(dir).filter((n) => n.includes('.merging') || n.startsWith('MERGEFIN'));

describe('SIGKILL at each merge stage leaves exactly the pre-merge state', () => {
  for (const point of CRASH_POINTS) {
    test(point, async () => {
      const { dir, model } = await prepare();
      const crashed = await runChild(fixture('merge-child.ts'), [dir, '4096'], { [CRASH_ENV]: point });
      assert.equal(crashed.signal, 'SIGKILL', `child should have been killed at ${point}: ${crashed.stderr}`);
      const committed = ['merge:after-commit', 'merge:after-rename', 'merge:after-delete'].includes(point);
      assert.equal(
        readdirSync(dir).includes('MERGEFIN'),
        committed,
        'the commit marker exists only after the commit point',
      );
      const merging = readdirSync(dir).filter((n) => n.endsWith('.merging'));
      const renamed = point === 'merge:after-rename' || point === 'merge:after-delete';
      assert.equal(merging.length > 0, !renamed, `output still under its temporary name: ${merging.join(', ')}`);
      if (point === 'merge:after-output' || point === 'merge:after-commit') {
        assert.ok(
          merging.some((n) => n.endsWith('.hint.merging')),
          'hints written before the commit point',
        );
      }

      const before = readdirSync(dir).sort();
      const reader = await openBitcask({ dir, readOnly: true });
      assert.deepEqual(contents(reader), model, 'read-only view of the crashed directory');
      await reader.close();
      assert.deepEqual(readdirSync(dir).sort(), before, 'a read-only open changes nothing');

      const writer = await openBitcask({ dir, autoMerge: false, maxFileSize: 4096 });
      assert.deepEqual(contents(writer), model);
      assert.deepEqual(leftovers(dir), [], 'the writer settled the interrupted merge');
      assert.equal(writer.verify().ok, true);
      await writer.close();

      const finished = await runChild(fixture('merge-child.ts'), [dir, '4096']);
      assert.match(finished.stdout, /^merged /, finished.stderr);
      const after = await openBitcask({ dir, readOnly: true });
      assert.deepEqual(contents(after), model);
      assert.equal(after.verify().ok, true);
      await after.close();
    });
  }
});
