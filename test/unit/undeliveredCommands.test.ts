import { routeMessage } from '../../dialogs/commands';

describe('the undelivered command and its card verb', () => {
  it.each(['undelivered', 'Undelivered messages', 'dead letters', 'dead-letters', 'Failed messages'])('"%s"', (text) => {
    expect(routeMessage(text, undefined)).toEqual({ kind: 'undelivered', cursor: null });
  });

  it('validates the card data with zod: an optional cursor of bounded length', () => {
    expect(routeMessage(undefined, { action: 'undelivered' })).toEqual({ kind: 'undelivered', cursor: null });
    expect(routeMessage(undefined, { action: 'undelivered', cursor: ' abc ' })).toEqual({ kind: 'undelivered', cursor: 'abc' });
    expect(routeMessage(undefined, { action: 'undelivered', cursor: 42 })).toEqual({ kind: 'badCard', verb: 'undelivered' });
    expect(routeMessage(undefined, { action: 'undelivered', cursor: 'x'.repeat(2001) })).toEqual({ kind: 'badCard', verb: 'undelivered' });
  });

  it('leaves other lines alone', () => {
    expect(routeMessage('undelivered stuff', undefined)).toEqual({ kind: 'unknown', text: 'undelivered stuff' });
  });
});
