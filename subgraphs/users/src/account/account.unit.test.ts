import { accountOf, evolveAccount, onClosed, onRequested, type Account } from './account';

const at = new Date('2030-01-01T00:00:00Z');
const account = (credits: number, ledger: Account['ledger'] = {}, deleted = false): Account => ({ credits, granted: credits, ledger, deleted });
const booking = (amount: number, status = 'PENDING') => ({ id: 'b1', amount, status });

describe('a credit account in the booking saga', () => {
  it('debits a request the balance covers, exactly once', () => {
    const before = account(30);
    const decision = onRequested(before, booking(20));
    expect(decision).toEqual({ kind: 'debit', amount: 20 });
    const after = evolveAccount(before, 'b1', decision, at)!;
    expect(after).toEqual({ credits: 10, entry: { amount: 20, state: 'debited', at } });
    // The same request again (a redelivery) finds its ledger entry.
    expect(onRequested(account(10, { b1: after.entry }), booking(20))).toEqual({ kind: 'none', why: 'already debited' });
  });

  it('rejects a request the balance does not cover, saying why, and changes no balance', () => {
    const decision = onRequested(account(19), booking(20));
    expect(decision).toEqual({ kind: 'reject', amount: 20, reason: 'insufficient credits: 19 available, 20 needed' });
    expect(evolveAccount(account(19), 'b1', decision, at)).toMatchObject({ credits: 19, entry: { state: 'rejected' } });
  });

  it('rejects a deleted user’s request', () => {
    expect(onRequested(account(100, {}, true), booking(1))).toMatchObject({ kind: 'reject', reason: 'the user has been deleted' });
  });

  it('refunds a debited booking once it closes, once', () => {
    const debited = { b1: { amount: 20, state: 'debited' as const, at } };
    const decision = onClosed(account(10, debited), booking(20, 'EXPIRED'));
    expect(decision).toEqual({ kind: 'refund', amount: 20 });
    const after = evolveAccount(account(10, debited), 'b1', decision, at)!;
    expect(after).toEqual({ credits: 30, entry: { amount: 20, state: 'refunded', at } });
    expect(onClosed(account(30, { b1: after.entry }), booking(20, 'EXPIRED'))).toEqual({ kind: 'none', why: 'already refunded' });
  });

  it('records a booking closed before its request arrived as rejected, so the late request is never debited', () => {
    const decision = onClosed(account(50), booking(20, 'CANCELLED'));
    expect(decision).toMatchObject({ kind: 'reject', reason: 'the booking was cancelled before it was debited' });
    const after = evolveAccount(account(50), 'b1', decision, at)!;
    expect(after.credits).toBe(50);
    expect(onRequested(account(50, { b1: after.entry }), booking(20))).toEqual({ kind: 'none', why: 'already rejected' });
  });

  it('reads an account from a user document that never had one as empty', () => {
    expect(accountOf({ deletedAt: null })).toEqual({ credits: 0, granted: 0, ledger: {}, deleted: false });
  });
});
