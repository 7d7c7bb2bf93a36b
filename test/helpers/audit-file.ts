/**
 * An audit file as its reader sees it: every allowed call is an intent record (`pending`, written
 * before anything was sent) and, later, its outcome. `readAuditFile` checks that pairing and
 * answers the outcome records: one per call, as the in-memory sinks of the tests have them.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { AuditRecord } from '../../src/audit/record.js';

const sameCall = (a: AuditRecord, b: AuditRecord) =>
  a.agent === b.agent &&
  a.session === b.session &&
  a.tool === b.tool &&
  JSON.stringify(a.arguments) === JSON.stringify(b.arguments);

export function auditFileRecords(text: string): AuditRecord[] {
  const all = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditRecord);
  const outcomes: AuditRecord[] = [];
  const open: AuditRecord[] = [];
  for (const record of all) {
    if (record.outcome === 'pending') {
      expect(record.decision, 'an intent record is of an allowed call').toBe('allow');
      open.push(record);
      continue;
    }
    if (record.decision === 'allow') {
      const at = open.findIndex((intent) => sameCall(intent, record));
      expect(at, `the outcome of ${record.tool} follows its intent record`).toBeGreaterThanOrEqual(
        0,
      );
      open.splice(at, 1);
    }
    outcomes.push(record);
  }
  return outcomes;
}

export function readAuditFile(path: string): AuditRecord[] {
  return auditFileRecords(readFileSync(path, 'utf8'));
}
