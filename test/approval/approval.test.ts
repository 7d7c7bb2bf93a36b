/**
 * The parts of approval on their own: the seal (AES-256-GCM, expiry, another key), the round-trip
 * approver's checks of what a retry carries (capability, seal, principal, tool, arguments, a
 * malformed answer), the call digest, and the memory ledger (spent once, decided once, taken once,
 * forgotten when expired).
 */
import { describe, expect, it } from 'vitest';
import { memoryLedger } from '../../src/approval/ledger.js';
import { operatorApprover } from '../../src/approval/operator.js';
import { APPROVAL_INPUT, roundTripApprover } from '../../src/approval/round-trip.js';
import { createSeal } from '../../src/approval/seal.js';
import { type ApprovalRequest, callDigest } from '../../src/approval/types.js';

const KEY = 'a sealing key of at least thirty-two characters';

const sealed = {
  id: 'abc',
  agent: 'careful',
  principal: '',
  tool: 'get_tag',
  digest: callDigest('get_tag', { tag: '1' }),
  expires: Date.now() + 60_000,
};

describe('the seal', () => {
  it('opens what it sealed, and nothing sealed under another key or changed', () => {
    const seal = createSeal(KEY);
    const state = seal.seal(sealed);
    expect(seal.open(state)).toEqual({ ok: true, call: sealed });
    expect(createSeal(`${KEY}!`).open(state)).toEqual({ ok: false, why: 'malformed' });
    expect(createSeal().open(state)).toEqual({ ok: false, why: 'malformed' });
    const bytes = Buffer.from(state.slice(4), 'base64url');
    bytes[20] = (bytes[20] as number) ^ 1;
    expect(seal.open(`hg1.${bytes.toString('base64url')}`)).toEqual({
      ok: false,
      why: 'malformed',
    });
    expect(seal.open('hg1.')).toEqual({ ok: false, why: 'malformed' });
    expect(seal.open('v1.anything')).toEqual({ ok: false, why: 'malformed' });
  });

  it('refuses a sealed call past its expiry', () => {
    const seal = createSeal(KEY);
    const state = seal.seal({ ...sealed, expires: 1_000 });
    expect(seal.open(state, 999).ok).toBe(true);
    expect(seal.open(state, 1_000)).toEqual({ ok: false, why: 'expired' });
  });

  it('seals the same call differently each time (a fresh IV)', () => {
    const seal = createSeal(KEY);
    expect(seal.seal(sealed)).not.toBe(seal.seal(sealed));
  });
});

describe('callDigest', () => {
  it('ignores key order and undefined fields, and tells apart any other difference', () => {
    const digest = callDigest('get_tag', { a: 1, b: { c: [1, 2] } });
    expect(callDigest('get_tag', { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(digest);
    expect(callDigest('get_tag', { a: 1, b: { c: [2, 1] } })).not.toBe(digest);
    expect(callDigest('get_tags', { a: 1, b: { c: [1, 2] } })).not.toBe(digest);
    expect(callDigest('get_tag', { a: '1', b: { c: [1, 2] } })).not.toBe(digest);
  });
});

describe('the round-trip approver', () => {
  const request: ApprovalRequest = {
    agent: 'careful',
    principal: { sub: 'alice', client_id: 'app' },
    tool: 'get_tag',
    resources: ['repo:library/nginx'],
    arguments: { tag: '1' },
    grants: ['repo:library/* (read)'],
    digest: callDigest('get_tag', { tag: '1' }),
  };
  const deps = () => ({ seal: createSeal(KEY), ledger: memoryLedger(), expiresMs: 60_000 });
  const canAsk = { elicitation: { form: {} } };

  /** The question for `request`, then the approver of its retry carrying `answer`. */
  async function retry(
    d: ReturnType<typeof deps>,
    answer: unknown,
    changes: Partial<ApprovalRequest> = {},
  ) {
    const asked = await roundTripApprover(d, { clientCapabilities: canAsk })(request);
    expect(asked.decision).toBe('asked');
    const material = {
      clientCapabilities: canAsk,
      requestState: asked.ask?.requestState,
      inputResponses: { [APPROVAL_INPUT]: answer },
    };
    return roundTripApprover(d, material)({ ...request, ...changes });
  }

  it('takes `elicitation: {}` as form mode, and refuses a client that declares none', async () => {
    const d = deps();
    expect(
      (await roundTripApprover(d, { clientCapabilities: { elicitation: {} } })(request)).decision,
    ).toBe('asked');
    expect((await roundTripApprover(d, { clientCapabilities: {} })(request)).decision).toBe(
      'unavailable',
    );
    expect(
      (await roundTripApprover(d, { clientCapabilities: { elicitation: { url: {} } } })(request))
        .decision,
    ).toBe('unavailable');
  });

  it('binds the answer to the OAuth principal, the tool and the arguments', async () => {
    const yes = { action: 'accept', content: { approve: true } };
    expect((await retry(deps(), yes)).decision).toBe('accept');
    expect(
      (await retry(deps(), yes, { principal: { sub: 'mallory', client_id: 'app' } })).decision,
    ).toBe('mismatch');
    expect((await retry(deps(), yes, { principal: undefined })).decision).toBe('mismatch');
    expect((await retry(deps(), yes, { tool: 'check_tag' })).decision).toBe('mismatch');
    expect(
      (await retry(deps(), yes, { digest: callDigest('get_tag', { tag: '2' }) })).decision,
    ).toBe('mismatch');
  });

  it('reads only a yes as yes, and asks again when the answer is missing or malformed', async () => {
    expect((await retry(deps(), { action: 'accept', content: { approve: 'true' } })).decision).toBe(
      'decline',
    );
    expect((await retry(deps(), { action: 'accept' })).decision).toBe('decline');
    expect((await retry(deps(), { action: 'sure' })).decision).toBe('asked');
    expect((await retry(deps(), undefined)).decision).toBe('asked');
    const d = deps();
    const notAString = roundTripApprover(d, { clientCapabilities: canAsk, requestState: 42 });
    expect((await notAString(request)).decision).toBe('invalid');
  });

  it('spends a no too: the seal that carried it cannot carry a yes after', async () => {
    const d = deps();
    const asked = await roundTripApprover(d, { clientCapabilities: canAsk })(request);
    const answering = (answer: unknown) =>
      roundTripApprover(d, {
        clientCapabilities: canAsk,
        requestState: asked.ask?.requestState,
        inputResponses: { [APPROVAL_INPUT]: answer },
      })(request);
    expect((await answering({ action: 'decline' })).decision).toBe('decline');
    expect((await answering({ action: 'accept', content: { approve: true } })).decision).toBe(
      'replayed',
    );
  });
});

describe('the memory ledger', () => {
  it('spends an id once, until it expires', async () => {
    let now = 1_000;
    const ledger = memoryLedger(() => now);
    expect(await ledger.spend('a', 2_000)).toBe(true);
    expect(await ledger.spend('a', 2_000)).toBe(false);
    now = 2_000;
    expect(await ledger.spend('a', 3_000)).toBe(true);
  });

  it('asks once per call, decides once, is taken once, and forgets what expired', async () => {
    let now = 1_000;
    const ledger = memoryLedger(() => now);
    const call = {
      agent: 'nightly',
      tool: 'get_tag',
      resources: [],
      arguments: {},
      grants: [],
      digest: 'd1',
      asked_at: 'then',
      expires: 5_000,
    };
    const first = await ledger.ask(call);
    expect((await ledger.ask(call)).id).toBe(first.id);
    expect((await ledger.ask({ ...call, digest: 'd2' })).id).not.toBe(first.id);
    expect(await ledger.take('nightly', 'd1')).toBeUndefined();
    expect(await ledger.decide(first.id, true, 'oncall')).toMatchObject({ ok: true });
    expect(await ledger.decide(first.id, false, 'oncall')).toEqual({ ok: false, why: 'decided' });
    expect(await ledger.take('other', 'd1')).toBeUndefined();
    expect(await ledger.take('nightly', 'd1')).toMatchObject({ status: 'approved', by: 'oncall' });
    expect(await ledger.take('nightly', 'd1')).toBeUndefined();
    now = 5_000;
    expect(await ledger.list()).toEqual([]);
    expect(await ledger.decide('nope', true, 'oncall')).toEqual({ ok: false, why: 'unknown' });
  });
});

describe('the operator approver', () => {
  it('keeps the waiting call with its secret fields redacted, as the audit log does', async () => {
    const ledger = memoryLedger();
    const answer = await operatorApprover(
      ledger,
      () => 60_000,
    )({
      agent: 'nightly',
      tool: 'create_org_access_token',
      resources: ['org:acme'],
      arguments: { org: 'acme', password: 'hunter2', label: 'ci' },
      grants: ['org:acme (admin)'],
      digest: 'd',
    });
    expect(answer).toMatchObject({ decision: 'pending', via: 'operator' });
    const [waiting] = await ledger.list();
    expect(waiting?.arguments).toEqual({ org: 'acme', password: '[redacted]', label: 'ci' });
  });
});
