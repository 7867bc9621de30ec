import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadModelConfig, ollamaBaseURL } from '../../src/llm/config.js';
import { createModel } from '../../src/llm/providers.js';

const root = mkdtempSync(join(tmpdir(), 'kubemend-llm-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function dirs(yamlText?: string): { cwd: string; home: string } {
  const cwd = join(root, `cwd-${++n}`);
  const home = join(root, `home-${n}`);
  mkdirSync(cwd, { recursive: true });
  mkdirSync(home, { recursive: true });
  if (yamlText !== undefined) writeFileSync(join(cwd, 'kubemend.yaml'), yamlText);
  return { cwd, home };
}

describe('model configuration', () => {
  it('defaults to the builtin model with no file and no environment', () => {
    const r = loadModelConfig({ ...dirs(), env: {} });
    assert.ok(r.ok);
    assert.equal(r.config.defaultModel, 'builtin');
    assert.deepEqual(Object.keys(r.config.models), ['builtin']);
  });

  it('derives models from the environment, with the model id from configuration only', () => {
    const r = loadModelConfig({
      ...dirs(),
      env: {
        DEEPSEEK_API_KEY: 'k1',
        DEEPSEEK_MODEL: 'ds-model',
        DASHSCOPE_API_KEY: 'k2',
        OLLAMA_HOST: '0.0.0.0:11500',
        KUBEMEND_MODEL: 'deepseek',
      },
    });
    assert.ok(r.ok);
    const { models } = r.config;
    assert.equal(r.config.defaultModel, 'deepseek');
    assert.equal(models.deepseek?.baseURL, 'https://api.deepseek.com');
    assert.equal(models.deepseek?.model, 'ds-model');
    assert.equal(models.deepseek?.apiKeyEnv, 'DEEPSEEK_API_KEY');
    assert.equal(models.qwen?.baseURL, 'https://dashscope.aliyuncs.com/compatible-mode/v1');
    assert.equal(models.ollama?.baseURL, 'http://127.0.0.1:11500/v1');
    const qwen = models.qwen;
    assert.ok(qwen);
    const built = createModel(qwen, { env: { DASHSCOPE_API_KEY: 'k2' } });
    assert.ok(!built.ok);
    assert.match(built.error.message, /"qwen" has no model id: set QWEN_MODEL or set models\.qwen\.model/);
  });

  it('reads kubemend.yaml from the working directory, merging the key variable from the environment', () => {
    const r = loadModelConfig({
      ...dirs(`
models:
  deepseek: { model: deepseek-v9, timeoutMs: 30000, pricing: { inputPerMTok: 0.3, outputPerMTok: 1.2 } }
  local: { baseURL: "http://127.0.0.1:8000/v1", model: qwen2 }
default: local
roles: { supervisor: local, fixer: deepseek }
fallback: [deepseek, builtin]
other_feature: { ignored: true }
`),
      env: { DEEPSEEK_API_KEY: 'k' },
    });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.config.models.deepseek?.model, 'deepseek-v9');
    assert.equal(r.config.models.deepseek?.baseURL, 'https://api.deepseek.com');
    assert.equal(r.config.models.deepseek?.timeoutMs, 30000);
    assert.deepEqual(r.config.roles, { supervisor: 'local', fixer: 'deepseek' });
    const ds = r.config.models.deepseek;
    assert.ok(ds);
    const built = createModel(ds, { env: { DEEPSEEK_API_KEY: 'k' } });
    assert.ok(built.ok && built.model.modelId === 'deepseek-v9' && built.model.kind === 'llm');
  });

  it('falls back to ~/.config/kubemend/config.yaml', () => {
    const d = dirs();
    mkdirSync(join(d.home, '.config', 'kubemend'), { recursive: true });
    writeFileSync(
      join(d.home, '.config', 'kubemend', 'config.yaml'),
      'models: { mine: { baseURL: "http://h:1/v1", model: m } }\ndefault: mine\n',
    );
    const r = loadModelConfig({ ...d, env: {} });
    assert.ok(r.ok);
    assert.equal(r.config.defaultModel, 'mine');
    assert.match(r.config.file ?? '', /config\.yaml$/);
  });

  it('names the file and the field of an invalid entry', () => {
    const r = loadModelConfig({ ...dirs('models:\n  big: { baseUrl: "http://x/v1", timeoutMs: "soon" }\n'), env: {} });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'CONFIG_INVALID');
    assert.match(r.error.message, /kubemend\.yaml: models\.big\.timeoutMs: /);
    assert.match(r.error.message, /kubemend\.yaml: models\.big: .*baseUrl/);
  });

  it('rejects a role or fallback naming an unknown model, and warns about a key in the file', () => {
    const bad = loadModelConfig({ ...dirs('roles: { fixer: gpt }\n'), env: {} });
    assert.ok(!bad.ok);
    assert.match(bad.error.message, /roles\.fixer: no model named "gpt"/);
    const unknownDefault = loadModelConfig({ ...dirs(), env: { KUBEMEND_MODEL: 'nope' } });
    assert.ok(!unknownDefault.ok && /env KUBEMEND_MODEL: no model named "nope"/.test(unknownDefault.error.message));
    const warned = loadModelConfig({
      ...dirs('models: { x: { baseURL: "http://h/v1", model: m, apiKey: abc } }\n'),
      env: {},
    });
    assert.ok(warned.ok);
    assert.match(warned.config.warnings.join('\n'), /models\.x\.apiKey holds a key in the file/);
  });

  it('reports unreadable YAML with the file name', () => {
    const r = loadModelConfig({ ...dirs('models: [unclosed\n'), env: {} });
    assert.ok(!r.ok && r.error.code === 'CONFIG_UNREADABLE' && /kubemend\.yaml/.test(r.error.message));
  });

  it('requires the key variable of a remote model to be set', () => {
    const r = loadModelConfig({
      ...dirs('models: { x: { baseURL: "http://h/v1", model: m, apiKeyEnv: X_KEY } }\n'),
      env: {},
    });
    assert.ok(r.ok);
    const x = r.config.models.x;
    assert.ok(x);
    const built = createModel(x, { env: {} });
    assert.ok(!built.ok && /needs X_KEY in the environment/.test(built.error.message));
  });

  it('normalises OLLAMA_HOST forms', () => {
    assert.equal(ollamaBaseURL(undefined), 'http://localhost:11434/v1');
    assert.equal(ollamaBaseURL('gpu-box'), 'http://gpu-box:11434/v1');
    assert.equal(ollamaBaseURL('https://ollama.example.com'), 'https://ollama.example.com/v1');
  });

  it('builds a scripted model from a script file named in the config', async () => {
    const d = dirs();
    const script = join(d.cwd, 'script.yaml');
    writeFileSync(script, '- text: first answer\n- toolCalls: [{ name: get_pods, arguments: "{}" }]\n');
    const r = loadModelConfig({
      ...d,
      env: {},
      file: writeConfig(d.cwd, `models: { s: { provider: scripted, script: "${script}" } }\n`),
    });
    assert.ok(r.ok);
    const s = r.config.models.s;
    assert.ok(s);
    const built = createModel(s, { env: {} });
    assert.ok(built.ok && built.model.kind === 'scripted');
    const missing = loadModelConfig({ ...d, env: {}, file: join(d.cwd, 'nope.yaml') });
    assert.ok(!missing.ok && missing.error.code === 'CONFIG_UNREADABLE');
  });
});

function writeConfig(dir: string, text: string): string {
  const file = join(dir, 'custom.yaml');
  writeFileSync(file, text);
  return file;
}
