import { outcomeOf } from './graphql-telemetry';
import { operationLabels } from './operation-label';

describe('operation label', () => {
  it('keeps plain identifiers, and names anything else other or anonymous', () => {
    const label = operationLabels();
    expect(label('CreateUser')).toBe('CreateUser');
    expect(label(undefined)).toBe('anonymous');
    expect(label(null)).toBe('anonymous');
    expect(label('')).toBe('anonymous');
    expect(label('drop table; --')).toBe('other');
    expect(label('a'.repeat(65))).toBe('other');
    expect(label('a'.repeat(64))).toBe('a'.repeat(64));
  });

  it('counts names beyond the limit as other, and keeps those it already has', () => {
    const label = operationLabels(3);
    expect(['A', 'B', 'C', 'D'].map(label)).toEqual(['A', 'B', 'C', 'other']);
    expect(label('A')).toBe('A');
  });
});

describe('operation outcome', () => {
  it('is ok without errors, client_error when every error is the client\'s, error otherwise', () => {
    expect(outcomeOf(undefined)).toBe('ok');
    expect(outcomeOf([])).toBe('ok');
    expect(outcomeOf([{ extensions: { code: 'BAD_USER_INPUT' } }, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }])).toBe('client_error');
    expect(outcomeOf([{ extensions: { code: 'BAD_USER_INPUT' } }, { extensions: { code: 'INTERNAL_SERVER_ERROR' } }])).toBe('error');
    expect(outcomeOf([{}])).toBe('error');
  });
});
