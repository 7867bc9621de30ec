import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize } from '../../../src/memory/index.js';

describe('tokenize', () => {
  it('lowercases English, splits on punctuation and drops stop words', () => {
    assert.deepEqual(tokenize('The Pod memory-hog: exit code 137, on node-1'), [
      'pod',
      'memory',
      'hog',
      'exit',
      'code',
      '137',
      'node',
      '1',
    ]);
  });

  it('keeps Kubernetes reasons whole and adds their parts, in camelCase or lowercase alike', () => {
    assert.deepEqual(tokenize('OOMKilled'), ['oomkilled', 'oom', 'killed']);
    assert.deepEqual(tokenize('reason=oomkilled'), ['reason', 'oomkilled', 'oom', 'killed']);
    assert.deepEqual(tokenize('CrashLoopBackOff'), tokenize('crashloopbackoff'));
    assert.deepEqual(tokenize('ImagePullBackOff'), ['imagepullbackoff', 'image', 'pull', 'back', 'off']);
    assert.deepEqual(tokenize('HTTPServer k8sPod'), ['httpserver', 'http', 'server', 'k8spod', 'k8s', 'pod']);
  });

  it('folds plurals so "limits" finds "limit" and "pods" finds "pod"', () => {
    assert.deepEqual(tokenize('limits pods replicas status process k8s'), [
      'limit',
      'pod',
      'replica',
      'status',
      'process',
      'k8s',
    ]);
  });

  it('turns Chinese runs into characters and character bigrams', () => {
    assert.deepEqual(tokenize('镜像拉取'), ['镜', '镜像', '像', '像拉', '拉', '拉取', '取']);
    assert.deepEqual(tokenize('内存'), ['内', '内存', '存']);
  });

  it('separates Chinese from Latin words in mixed text and normalizes full-width characters', () => {
    assert.deepEqual(tokenize('pod内存溢出OOMKilled'), [
      'pod',
      '内',
      '内存',
      '存',
      '存溢',
      '溢',
      '溢出',
      '出',
      'oomkilled',
      'oom',
      'killed',
    ]);
    assert.deepEqual(tokenize('ＯＯＭ，重启１２次'), ['oom', '重', '重启', '启', '12', '次']);
  });

  it('gives nothing for text without letters or digits', () => {
    assert.deepEqual(tokenize(' --- ,,, '), []);
  });
});
