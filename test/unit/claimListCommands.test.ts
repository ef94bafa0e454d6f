import { routeMessage } from '../../dialogs/commands';

describe('typed claim list commands and their filters', () => {
  it.each([
    ['my claims', { kind: 'myClaims', cursor: null, filter: { engagement: null, status: null } }],
    ['My Claims azure migrate', { kind: 'myClaims', cursor: null, filter: { engagement: 'azure migrate', status: null } }],
    ['my claims for azure migrate status submitted', { kind: 'myClaims', cursor: null, filter: { engagement: 'azure migrate', status: 'SUBMITTED' } }],
    ['my claims submitted', { kind: 'myClaims', cursor: null, filter: { engagement: null, status: 'SUBMITTED' } }],
    ['claims status open', { kind: 'claims', cursor: null, filter: { engagement: null, status: 'OPEN' } }],
    ['expiring', { kind: 'expiring', cursor: null, filter: { engagement: null, status: null } }],
    ['expiring soon', { kind: 'expiring', cursor: null, filter: { engagement: null, status: null } }],
    ['what expires this week?', { kind: 'expiring', cursor: null, filter: { engagement: null, status: null } }],
    ['expiring status consent requested', { kind: 'expiring', cursor: null, filter: { engagement: null, status: 'CONSENT_REQUESTED' } }],
    ['summary', { kind: 'summary', cursor: null, filter: { engagement: null, status: null } }],
    ['summary copilot', { kind: 'summary', cursor: null, filter: { engagement: 'copilot', status: null } }],
    ['claims status sleeping', { kind: 'claims', cursor: null, filter: { engagement: null, status: null, unknownStatus: 'sleeping' } }],
  ])('"%s"', (text, route) => {
    expect(routeMessage(text, undefined)).toEqual(route);
  });

  it('reads "cancel claim <id>" as the cancel flow, while plain "cancel" still leaves a flow', () => {
    expect(routeMessage('cancel claim CLM-0QHXK5GJ', undefined)).toEqual({ kind: 'flow', verb: 'cancelClaim', start: { claimId: 'CLM-0QHXK5GJ' } });
    expect(routeMessage('cancel claim', undefined)).toEqual({ kind: 'flow', verb: 'cancelClaim', start: {} });
    expect(routeMessage('cancel', undefined)).toEqual({ kind: 'cancel' });
  });

  it('validates the list cards’ filter inputs with zod', () => {
    expect(routeMessage(undefined, { action: 'expiring', engagementId: 'ANY', status: 'ANY', cursor: 'abc' })).toEqual({
      kind: 'expiring',
      cursor: 'abc',
      filter: { engagement: null, status: null },
    });
    expect(routeMessage(undefined, { action: 'summary', engagementId: 'eng-x', status: 'CLOSED' })).toEqual({ kind: 'summary', cursor: null, filter: { engagement: 'eng-x', status: 'CLOSED' } });
    expect(routeMessage(undefined, { action: 'claims', status: 'DROP TABLE' })).toEqual({ kind: 'badCard', verb: 'claims' });
    expect(routeMessage(undefined, { action: 'claims', engagementId: 'x'.repeat(201) })).toEqual({ kind: 'badCard', verb: 'claims' });
    expect(routeMessage(undefined, { action: 'cancelClaim' })).toEqual({ kind: 'badCard', verb: 'cancelClaim' });
  });
});
